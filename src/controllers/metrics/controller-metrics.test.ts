/**
 * Metrics of `kyverno controllers`: Kyverno's controller names for our work queues, the queue events,
 * the TTL and cleanup deletions, the `kyverno-metrics` ConfigMap, the HTTP endpoint scraped in process,
 * and a controller manager whose background scan and controllers feed them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../k8s/client/errors.ts';
import { ClusterContextPorts } from '../../k8s/client/context-ports.ts';
import { MemoryKubeApi } from '../../k8s/client/memory-api.ts';
import type { ApiResource, KubeObject, WriteOptions } from '../../k8s/client/types.ts';
import { parseKyvernoConfig } from '../../server/config.ts';
import { discardLogger } from '../../server/logging.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../../server/metrics.ts';
import { parseMetricsConfig } from '../../server/metrics-config.ts';
import { CLUSTER_CLEANUP_POLICIES, CleanupPolicyController } from '../cleanup/cleanup-policies.ts';
import { TtlController } from '../cleanup/ttl.ts';
import { ControllerManager } from '../manager.ts';
import { controllerEngine } from '../runtime/engine.ts';
import { WorkQueue, withWorkQueueObserver } from '../runtime/queue.ts';
import { ControllerMetrics, controllerNameOf, gvrLabels } from './controller-metrics.ts';
import { startControllerMetrics } from './server.ts';

/** An in-memory API server that allows every SelfSubjectAccessReview (the TTL controller's rights check). */
class AllowingApi extends MemoryKubeApi {
  override async create(res: ApiResource, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    if (res.resource === 'selfsubjectaccessreviews') return { ...obj, status: { allowed: true } };
    return super.create(res, obj, opts);
  }
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The sample lines of a metric in a rendering. */
function lines(text: string, metric: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `));
}

/** The value of the one sample of `metric` whose labels include all of `labels`. */
function value(text: string, metric: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const found = lines(text, metric).filter((l) => want.every((w) => l.includes(w)));
  if (found.length > 1) throw new Error(`several samples of ${metric} match ${want.join(',')}:\n${found.join('\n')}`);
  return found.length === 0 ? undefined : Number(found[0]?.slice(found[0].lastIndexOf(' ') + 1));
}

describe('controllers: metrics', () => {
  // the queues' delay timers are unref'd; this keeps the process up while the tests wait
  let alive: NodeJS.Timeout | undefined;
  before(() => void (alive = setInterval(() => undefined, 1000)));
  after(() => clearInterval(alive));

  test("work queues are counted under Kyverno's controller names", () => {
    const cases: Array<[queue: string, key: string, name: string | undefined]> = [
      ['background-scan-controller', 'uid-1', 'background-scan-controller'],
      ['background', 'ur-abc', 'background-controller'],
      ['policy-controller', 'default/p', 'policy-controller'],
      ['cleanup', 'clustercleanuppolicies|/sweep', 'cleanup-controller'],
      ['cel-policy-status', 'vpol', 'status-controller'],
      // the TTL controller: one Kyverno controller per kind, `[group/]version/resource`
      ['ttl', '/v1/configmaps|a/x', 'v1/configmaps'],
      ['ttl', 'apps/v1/deployments|a/d', 'apps/v1/deployments'],
      ['ttl', '/v1/namespaces|/temp', 'v1/namespaces'],
      // no Kyverno counterpart: our own name
      ['generate-downstream', 'k', 'generate-downstream'],
      ['policy-status', 'k', 'policy-status'],
      // Kyverno's event generator reports only its drops (kyverno_events_dropped_total)
      ['kyverno-events', 'ns/e', undefined],
    ];
    for (const [queue, key, name] of cases) assert.equal(controllerNameOf(queue, key), name, `${queue} ${key}`);
    assert.deepEqual(gvrLabels('/v1/configmaps'), ['', 'v1', 'configmaps']);
    assert.deepEqual(gvrLabels('apps/v1/deployments'), ['apps', 'v1', 'deployments']);
  });

  test('reconciles, requeues (with the retry count) and drops, from queues given the observer or created in its scope', async () => {
    const cases: Array<{ name: string; wire: (m: ControllerMetrics, make: () => WorkQueue<string>) => WorkQueue<string> }> = [
      { name: 'option', wire: (m) => new WorkQueue<string>({ name: 'background', maxRetries: 2, baseDelayMs: 1, observer: m }) },
      { name: 'scope', wire: (m, make) => withWorkQueueObserver(m, make) },
    ];
    for (const c of cases) {
      const m = new ControllerMetrics({ version: 'v1.19.0' });
      const q = c.wire(m, () => new WorkQueue<string>({ name: 'background', maxRetries: 2, baseDelayMs: 1 }));
      q.add('ok-1');
      q.add('ok-2');
      q.add('broken');
      const run = q.run(2, async (k) => {
        if (k === 'broken') throw new Error('always fails');
      });
      await q.idle();
      q.shutdown();
      await run;
      const text = m.render();
      // 2 successes + the broken key's first try and its 2 retries
      assert.equal(value(text, 'kyverno_controller_reconcile_total', { controller_name: 'background-controller' }), 5, c.name);
      assert.equal(value(text, 'kyverno_controller_requeue_total', { controller_name: 'background-controller', num_requeues: '1' }), 1, c.name);
      assert.equal(value(text, 'kyverno_controller_requeue_total', { controller_name: 'background-controller', num_requeues: '2' }), 1, c.name);
      assert.equal(value(text, 'kyverno_controller_drop_total', { controller_name: 'background-controller' }), 1, c.name);
      assert.equal(value(text, 'kyverno_info', { version: 'v1.19.0' }), 1);
    }
    // outside any scope, a queue reports nowhere
    const m = new ControllerMetrics({ version: 'v' });
    const q = new WorkQueue<string>({ name: 'background' });
    q.add('k');
    const run = q.run(1, async () => undefined);
    await q.idle();
    q.shutdown();
    await run;
    assert.deepEqual(lines(m.render(), 'kyverno_controller_reconcile_total'), []);
  });

  test('events dropped; metrics without series are not written; collectors observe gauges before each render', () => {
    const m = new ControllerMetrics({ version: 'v' });
    assert.deepEqual([...m.render().matchAll(/^# TYPE (\S+)/gm)].map((x) => x[1]), ['kyverno_info']);
    m.reconciled('kyverno-events', 'ns/e');
    m.requeued('kyverno-events', 'ns/e', 1);
    m.dropped('kyverno-events', 'ns/e');
    let urs = 3;
    const off = m.addCollector(() => m.updateRequests.set(['kyverno'], urs));
    let text = m.render();
    assert.deepEqual(lines(text, 'kyverno_events_dropped_total'), ['kyverno_events_dropped_total 1']);
    assert.deepEqual(lines(text, 'kyverno_controller_reconcile_total'), [], 'the event queue is no Kyverno controller');
    assert.deepEqual(lines(text, 'kyverno_updaterequest_total'), ['kyverno_updaterequest_total{resource_namespace="kyverno"} 3']);
    urs = 0;
    assert.deepEqual(lines(m.render(), 'kyverno_updaterequest_total'), ['kyverno_updaterequest_total{resource_namespace="kyverno"} 0']);
    off();
    m.updateRequests.reset();
    text = m.render();
    assert.doesNotMatch(text, /kyverno_updaterequest_total/);
  });

  test('TTL deletions and failures, by kind and namespace', async () => {
    const api = new MemoryKubeApi();
    const cm = api.res('v1', 'ConfigMap');
    const old = new Date(Date.now() - 3_600_000).toISOString();
    api.seed(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'expired', namespace: 'a', labels: { 'cleanup.kyverno.io/ttl': '1m' }, creationTimestamp: old } });
    // the first delete fails: counted as an error, then retried
    api.failNext('delete', new ApiError(500, 'InternalError', 'etcd is down'));
    const m = new ControllerMetrics({ version: 'v' });
    const ttl = withWorkQueueObserver(m, () => new TtlController({ api, rediscoverMs: 60_000, canI: async () => true, metrics: m.ttl }));
    const abort = new AbortController();
    await ttl.start(abort.signal);
    await until('the expired ConfigMap deleted', async () => (await api.get(cm, 'a', 'expired')) === undefined);
    await ttl.idle();
    const text = m.render();
    const labels = { resource_namespace: 'a', resource_group: '', resource_version: 'v1', resource_resource: 'configmaps' };
    assert.equal(value(text, 'kyverno_ttl_controller_errors_total', labels), 1);
    assert.equal(value(text, 'kyverno_ttl_controller_deletedobjects_total', labels), 1);
    assert.equal(value(text, 'kyverno_controller_requeue_total', { controller_name: 'v1/configmaps', num_requeues: '1' }), 1);
    assert.equal(value(text, 'kyverno_controller_reconcile_total', { controller_name: 'v1/configmaps' }), 2);
    abort.abort();
    await ttl.stop();
  });

  test('cleanup policy deletions and failures: policy, kind as the policy names it, namespace when set, propagation when set', async () => {
    const api = new MemoryKubeApi();
    const cms = api.res('v1', 'ConfigMap');
    const nss = api.res('v1', 'Namespace');
    api.seed(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one', namespace: 'a' } });
    api.seed(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two', namespace: 'a' } });
    api.seed(nss, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch' } });
    api.failNext('delete', new ApiError(403, 'Forbidden', 'no delete right'), 'configmaps');
    const engine = () => controllerEngine(parseKyvernoConfig({}), new ClusterContextPorts(api, { namespaceLabels: () => ({}) }).ports());
    const m = new ControllerMetrics({ version: 'v' });
    const c = new CleanupPolicyController({ api, engine, namespaceLabels: () => ({}), metrics: m.cleanup });
    const spec = { schedule: '* * * * *', deletionPropagationPolicy: 'Background', match: { any: [{ resources: { kinds: ['ConfigMap', 'Namespace'] } }] } };
    const policy = { apiVersion: 'kyverno.io/v2', kind: 'ClusterCleanupPolicy', metadata: { name: 'sweep' }, spec } as unknown as KubeObject;
    assert.equal(await c.execute(policy, CLUSTER_CLEANUP_POLICIES, spec as never), 2);
    const text = m.render();
    assert.deepEqual(lines(text, 'kyverno_cleanup_controller_deletedobjects_total').sort(), [
      'kyverno_cleanup_controller_deletedobjects_total{policy_type="ClusterCleanupPolicy",policy_namespace="",policy_name="sweep",resource_kind="ConfigMap",resource_namespace="a",deletion_propagation="Background"} 1',
      // a cluster-scoped resource: no resource_namespace
      'kyverno_cleanup_controller_deletedobjects_total{policy_type="ClusterCleanupPolicy",policy_namespace="",policy_name="sweep",resource_kind="Namespace",deletion_propagation="Background"} 1',
    ]);
    assert.deepEqual(lines(text, 'kyverno_cleanup_controller_errors_total'), [
      'kyverno_cleanup_controller_errors_total{policy_type="ClusterCleanupPolicy",policy_namespace="",policy_name="sweep",resource_kind="ConfigMap",resource_namespace="a",deletion_propagation="Background"} 1',
    ]);
    // a kind that cannot be listed is a failure too (and fails the run)
    api.failNext('list', new ApiError(500, 'InternalError', 'no list'), 'configmaps');
    const plain = { schedule: '* * * * *', match: { any: [{ resources: { kinds: ['ConfigMap'] } }] } };
    await assert.rejects(c.execute({ ...policy, spec: plain } as unknown as KubeObject, CLUSTER_CLEANUP_POLICIES, plain as never));
    assert.ok(lines(m.render(), 'kyverno_cleanup_controller_errors_total').some((l) => l.endsWith('{policy_type="ClusterCleanupPolicy",policy_namespace="",policy_name="sweep",resource_kind="ConfigMap"} 1')));
  });

  test('the kyverno-metrics ConfigMap: boundaries at start, namespaces and exposure on every change', () => {
    const m = new ControllerMetrics({
      version: 'v',
      config: parseMetricsConfig({
        bucketBoundaries: '0.5, 1',
        namespaces: '{"exclude":["skipped"]}',
        metricsExposure: '{"kyverno_controller_drop":{"enabled":false},"kyverno_controller_requeue":{"disabledLabelDimensions":["num_requeues"]}}',
      }),
    });
    assert.deepEqual(m.kyverno.policyExecutionDuration.buckets, [0.5, 1]);
    assert.equal(m.kyverno.checkNamespace('skipped'), false);
    m.dropped('cleanup', 'k');
    m.requeued('cleanup', 'k', 1);
    m.requeued('cleanup', 'k', 2);
    let text = m.render();
    assert.doesNotMatch(text, /kyverno_controller_drop_total/);
    assert.deepEqual(lines(text, 'kyverno_controller_requeue_total'), ['kyverno_controller_requeue_total{controller_name="cleanup-controller"} 2']);
    m.setConfig(parseMetricsConfig({ namespaces: '{"include":["only"]}' }));
    text = m.render();
    assert.deepEqual(lines(text, 'kyverno_controller_drop_total'), ['kyverno_controller_drop_total{controller_name="cleanup-controller"} 1']);
    assert.equal(lines(text, 'kyverno_controller_requeue_total').length, 2);
    assert.equal(m.kyverno.checkNamespace('skipped'), false);
    assert.equal(m.kyverno.checkNamespace('only'), true);
    assert.deepEqual(m.kyverno.policyExecutionDuration.buckets, [0.5, 1], 'boundaries need a restart');
  });

  test('the metrics endpoint: GET /metrics over plain HTTP, the ConfigMap followed', async () => {
    const api = new MemoryKubeApi();
    const cms = api.res('v1', 'ConfigMap');
    api.seed(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kyverno-metrics', namespace: 'kyverno' }, data: { bucketBoundaries: '1,2', metricsExposure: '{"kyverno_info":{"enabled":false}}' } });
    const server = await startControllerMetrics({ api, namespace: 'kyverno', listen: { host: '127.0.0.1', port: 0 }, version: '1.2.3', log: discardLogger });
    try {
      const base = `http://127.0.0.1:${server.address.port}`;
      server.metrics.reconciled('background-scan-controller', 'uid');
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
      let body = await res.text();
      assert.deepEqual(lines(body, 'kyverno_controller_reconcile_total'), ['kyverno_controller_reconcile_total{controller_name="background-scan-controller"} 1']);
      assert.doesNotMatch(body, /kyverno_info/, 'turned off by the ConfigMap');
      assert.deepEqual(server.metrics.kyverno.policyExecutionDuration.buckets, [1, 2]);
      const notFound = await fetch(`${base}/health/liveness`);
      assert.equal(notFound.status, 404);
      await notFound.text();
      // the ConfigMap changes: exposure follows
      await api.update(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kyverno-metrics', namespace: 'kyverno' }, data: { namespaces: '{"exclude":["x"]}' } });
      await until('the new configuration', () => server.metrics.kyverno.checkNamespace('x') === false);
      body = await (await fetch(`${base}/metrics`)).text();
      assert.deepEqual(lines(body, 'kyverno_info'), ['kyverno_info{version="1.2.3"} 1']);
      // deleted: the defaults
      await api.delete(cms, 'kyverno', 'kyverno-metrics');
      await until('the defaults', () => server.metrics.kyverno.checkNamespace('x'));
    } finally {
      await server.close();
    }
  });

  test('a ConfigMap that cannot be read in time: the defaults, then its contents once it can', async () => {
    const api = new MemoryKubeApi();
    const cms = api.res('v1', 'ConfigMap');
    api.seed(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'custom-metrics', namespace: 'ns' }, data: { namespaces: '{"exclude":["x"]}' } });
    api.failNext('list', new ApiError(503, 'ServiceUnavailable', 'try later'), 'configmaps');
    const server = await startControllerMetrics({ api, namespace: 'ns', configMapName: 'custom-metrics', listen: { host: '127.0.0.1', port: 0 }, version: 'v', log: discardLogger, configSyncTimeoutMs: 20 });
    try {
      assert.equal(server.metrics.kyverno.checkNamespace('x'), true, 'the defaults at first');
      await until('the ConfigMap read after the retry', () => !server.metrics.kyverno.checkNamespace('x'));
    } finally {
      await server.close();
    }
  });

  test('a controller manager: background scan results (cause background_scan), its queues, the TTL kinds', async () => {
    const api = new AllowingApi();
    const pods = api.res('v1', 'Pod');
    const nss = api.res('v1', 'Namespace');
    const cpols = api.res('kyverno.io/v1', 'ClusterPolicy');
    api.seed(nss, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    api.seed(nss, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hidden' } });
    api.seed(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'good', namespace: 'team', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    api.seed(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad', namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    api.seed(cpols, {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'require-app' },
      spec: {
        background: true,
        rules: [{ name: 'check-app', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { failureAction: 'Audit', message: 'app label', pattern: { metadata: { labels: { app: '?*' } } } } }],
      },
    });
    const metrics = new ControllerMetrics({ version: 'v' });
    const manager = new ControllerManager({
      api,
      namespace: 'kyverno',
      log: discardLogger,
      groups: ['reports', 'cleanup'],
      leaderElection: false,
      crdWatcher: false,
      scanDelayMs: 0,
      reportFlushMs: 10,
      ttlRediscoverMs: 60_000,
      metrics,
    });
    await manager.start();
    try {
      await until('the reports controller and the TTL controller', () => manager.reports !== undefined && manager.ttl !== undefined);
      await until('both pods scanned', () => (manager.reports?.scan.evaluations ?? 0) >= 2);
      await manager.reports?.scan.idle();
      const text = metrics.render();
      const result = (r: string) =>
        value(text, 'kyverno_policy_results_total', {
          policy_name: 'require-app',
          policy_type: 'cluster',
          policy_namespace: '-',
          policy_validation_mode: 'audit',
          policy_background_mode: 'true',
          resource_kind: 'Pod',
          resource_namespace: 'team',
          resource_request_operation: 'create',
          rule_name: 'check-app',
          rule_result: r,
          rule_type: 'validate',
          rule_execution_cause: 'background_scan',
          dry_run: 'false',
        });
      assert.equal(result('pass'), 1);
      assert.equal(result('fail'), 1);
      assert.equal(value(text, 'kyverno_policy_execution_duration_seconds_count', { rule_result: 'fail', rule_execution_cause: 'background_scan' }), 1);
      assert.ok((value(text, 'kyverno_controller_reconcile_total', { controller_name: 'background-scan-controller' }) ?? 0) >= 2);
      // the TTL controller watches the kinds it may delete (here: all it is asked about)
      assert.ok(manager.ttl?.watched().includes('/v1/configmaps'));
      assert.equal(value(text, 'kyverno_ttl_controller_info', { resource_group: '', resource_version: 'v1', resource_resource: 'configmaps' }), 1);
    } finally {
      await manager.stop();
    }
    // the groups stopped: their gauges are gone
    assert.doesNotMatch(metrics.render(), /kyverno_ttl_controller_info\{/);
  });
});

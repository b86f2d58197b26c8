/**
 * The product flow on a real control plane: `kyverno serve --kubeconfig <admin> --serverIP
 * 127.0.0.1:<port>` runs as a child process (out of the cluster), generates its CA and serving pair into
 * Secrets, registers Kyverno's webhook configurations by URL with that CA, marks policies Ready once
 * registered, and the API server calls it for every request the policies match. Everything is done with
 * kubectl, as a user would.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';

import { dump as dumpYaml, load as loadYaml } from 'js-yaml';

import { freePorts } from '../../scripts/control-plane/ports.ts';
import type { JsonObject } from '../../src/engine/api/json.ts';
import type { RestKubeApi } from '../../src/k8s/client/rest.ts';
import { cluster, eventually, kubectl, REPO, startServe, uniqueName, type ServeProcess } from './cluster.ts';
import { apiFor, installKyverno, KYVERNO_NS, MWC, VWC } from './controllers-harness.ts';

const SUITE_LABEL = 'e2e.kyverno-ts.io/suite=admission-flow';
const PAUSE = 'registry.k8s.io/pause:3.10';
/** the chart's default `kyverno` ConfigMap keys that matter here */
const CONFIG = {
  webhooks: JSON.stringify({ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease', KYVERNO_NS] }] } }),
  excludeGroups: 'system:nodes',
  resourceFilters: '[Event,*,*][*/*,kube-system,*][*/*,kube-public,*][*/*,kube-node-lease,*][*/*,kyverno,*]',
};
const CPOL = { group: 'kyverno.io', version: 'v1', resource: 'clusterpolicies', kind: 'ClusterPolicy', namespaced: false, verbs: [], subresources: ['status'] };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: [], subresources: [] };

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The restricted profile of the repository's policy library, switched to Enforce. */
function restrictedPolicies(): JsonObject[] {
  const dir = join(REPO, 'policies', 'pod-security', 'restricted');
  const out: JsonObject[] = [];
  for (const d of readdirSync(dir).sort()) {
    for (const f of readdirSync(join(dir, d))) {
      if (!f.endsWith('.yaml')) continue;
      const doc = loadYaml(readFileSync(join(dir, d, f), 'utf8')) as JsonObject;
      (doc['spec'] as JsonObject)['validationFailureAction'] = 'Enforce';
      const meta = doc['metadata'] as JsonObject;
      meta['labels'] = { ...((meta['labels'] as JsonObject | undefined) ?? {}), 'e2e.kyverno-ts.io/suite': 'admission-flow' };
      out.push(doc);
    }
  }
  return out;
}

function yamlStream(docs: readonly unknown[]): string {
  return docs.map((d) => dumpYaml(d, { lineWidth: -1 })).join('---\n');
}

function pod(name: string, namespace: string, securityContext: JsonObject, containerSecurity: JsonObject): JsonObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { securityContext, containers: [{ name: 'c', image: PAUSE, securityContext: containerSecurity }] } };
}

const PRIVILEGED = (name: string, ns: string) => pod(name, ns, {}, { privileged: true });
const COMPLIANT = (name: string, ns: string) =>
  pod(name, ns, { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } }, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });

function configMap(name: string, namespace: string, labels: Record<string, string> = {}): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data: { k: 'v' } };
}

function clusterPolicy(name: string, spec: JsonObject): JsonObject {
  return { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name, labels: { 'e2e.kyverno-ts.io/suite': 'admission-flow' } }, spec };
}

async function create(doc: unknown, dryRun = false): Promise<{ code: number; stdout: string; stderr: string }> {
  return kubectl(['create', ...(dryRun ? ['--dry-run=server'] : []), '-f', '-'], yamlStream([doc]));
}

describe('admission server in cluster (kyverno serve --kubeconfig --serverIP, webhooks by URL)', () => {
  let api: RestKubeApi;
  let serve: ServeProcess | undefined;
  let port = 0;
  const ns = uniqueName('e2e-adm');
  const gated = uniqueName('e2e-adm-gated');
  const open = uniqueName('e2e-adm-open');
  const policies = restrictedPolicies();

  /** Waits until the ClusterPolicies are Ready (registered in the webhooks by the server). */
  async function waitReady(names: readonly string[]): Promise<void> {
    for (const name of names) {
      await eventually(
        `ClusterPolicy ${name} Ready`,
        async () => {
          const p = await api.get(CPOL, '', name);
          const conds = ((p?.['status'] as JsonObject | undefined)?.['conditions'] as JsonObject[] | undefined) ?? [];
          return conds.some((c) => c['type'] === 'Ready' && c['status'] === 'True') ? true : undefined;
        },
        60_000,
      );
    }
  }

  /** Waits until a dry-run create gives the expected verdict (the server's caches caught up). */
  async function untilVerdict(doc: unknown, denied: boolean): Promise<void> {
    await eventually(`dry-run verdict ${denied ? 'denied' : 'allowed'}`, async () => ((await create(doc, true)).code !== 0) === denied ? true : undefined, 30_000, 300);
  }

  before(
    async () => {
      api = await apiFor(cluster().kubeconfigFile);
      await installKyverno(api, CONFIG);
      [port] = (await freePorts(1)) as [number];
      serve = await startServe(port, ['--webhookTimeout', '5']);
      for (const [name, labels] of [
        [ns, {}],
        [gated, { 'e2e-tier': 'gated' }],
        [open, {}],
      ] as const) {
        const r = await kubectl(['create', '-f', '-'], yamlStream([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }]));
        assert.equal(r.code, 0, r.stderr);
      }
      for (const n of [ns, gated, open]) {
        await eventually(`serviceaccount default in ${n}`, async () => ((await kubectl(['get', 'sa', 'default', '-n', n])).code === 0 ? true : undefined), 60_000);
      }
    },
    { timeout: 240_000 },
  );

  after(
    async () => {
      await kubectl(['delete', 'clusterpolicies', '-l', SUITE_LABEL, '--wait=false']);
      await serve?.stop();
      // the configurations stay after a shutdown (as in Kyverno): later suites must not meet them
      for (const res of [VWC, MWC]) {
        const list = await api.list(res, { labelSelector: 'webhook.kyverno.io/managed-by' });
        for (const o of list.items) await api.delete(res, '', String((o['metadata'] as JsonObject)['name']));
      }
      await kubectl(['delete', 'namespace', ns, gated, open, '--wait=false']);
      await api.delete(CONFIGMAPS, KYVERNO_NS, 'kyverno').catch(() => false);
      if (process.env['E2E_ADMISSION_LOG']) console.log(serve?.output());
      api.close();
    },
    { timeout: 120_000 },
  );

  test('the server registers the webhook configurations (by URL, with its CA) and keeps its TLS material in Secrets', async () => {
    const secrets = await kubectl(['get', 'secrets', '-n', KYVERNO_NS, '-l', 'cert.kyverno.io/managed-by=kyverno', '-o', 'jsonpath={.items[*].metadata.name}']);
    assert.equal(secrets.code, 0, secrets.stderr);
    assert.deepEqual(secrets.stdout.split(' ').sort(), ['kyverno-svc.kyverno.svc.kyverno-tls-ca', 'kyverno-svc.kyverno.svc.kyverno-tls-pair']);
    const names = await eventually('webhook configurations', async () => {
      const v = await kubectl(['get', 'validatingwebhookconfigurations,mutatingwebhookconfigurations', '-l', 'webhook.kyverno.io/managed-by=kyverno', '-o', 'jsonpath={.items[*].metadata.name}']);
      const list = v.stdout.split(' ').filter((s) => s !== '').sort();
      return list.length === 8 ? list : undefined;
    });
    assert.deepEqual(names, [
      'kyverno-cel-exception-validating-webhook-cfg',
      'kyverno-exception-validating-webhook-cfg',
      'kyverno-global-context-validating-webhook-cfg',
      'kyverno-policy-mutating-webhook-cfg',
      'kyverno-policy-validating-webhook-cfg',
      'kyverno-resource-mutating-webhook-cfg',
      'kyverno-resource-validating-webhook-cfg',
      'kyverno-verify-mutating-webhook-cfg',
    ]);
    const pv = (await api.get(VWC, '', 'kyverno-policy-validating-webhook-cfg')) as JsonObject;
    const hook = (pv['webhooks'] as JsonObject[])[0] as JsonObject;
    const cc = hook['clientConfig'] as JsonObject;
    assert.equal(cc['url'], `https://127.0.0.1:${port}/policyvalidate`);
    const ca = await kubectl(['get', 'secret', '-n', KYVERNO_NS, 'kyverno-svc.kyverno.svc.kyverno-tls-ca', '-o', 'jsonpath={.data.tls\\.crt}']);
    assert.equal(cc['caBundle'], ca.stdout, 'caBundle is the CA of the Secret');
  });

  test('restricted PSS profile (Enforce): the policies become Ready and the resource webhooks cover Pods and their controllers', { timeout: 120_000 }, async () => {
    const r = await kubectl(['apply', '-f', '-'], yamlStream(policies));
    assert.equal(r.code, 0, r.stderr);
    await waitReady(policies.map((p) => String((p['metadata'] as JsonObject)['name'])));
    const vwc = (await api.get(VWC, '', 'kyverno-resource-validating-webhook-cfg')) as JsonObject;
    const fail = (vwc['webhooks'] as JsonObject[]).find((h) => h['name'] === 'validate.kyverno.svc-fail') as JsonObject;
    assert.ok(fail, 'validate.kyverno.svc-fail exists');
    const resources = (fail['rules'] as JsonObject[]).flatMap((x) => x['resources'] as string[]);
    for (const res of ['pods', 'deployments', 'cronjobs']) assert.ok(resources.includes(res), `${res} in ${resources.join(',')}`);
    assert.deepEqual(fail['namespaceSelector'], JSON.parse(CONFIG.webhooks).namespaceSelector);
    const get = await kubectl(['get', 'cpol', '-l', SUITE_LABEL]);
    console.log(get.stdout);
    assert.match(get.stdout, /NAME\s+ADMISSION\s+BACKGROUND\s+READY\s+AGE/);
    assert.equal(get.stdout.split('\n').filter((l) => /\strue\s+true\s+True\s/.test(l)).length, policies.length, get.stdout);
  });

  test('restricted PSS (Enforce): a privileged pod is denied with the policy messages', { timeout: 60_000 }, async () => {
    await untilVerdict(PRIVILEGED('privileged', ns), true);
    const r = await create(PRIVILEGED('privileged', ns));
    assert.notEqual(r.code, 0, 'denied');
    const msg = oneLine(r.stderr);
    assert.match(msg, /admission webhook "validate\.kyverno\.svc-fail" denied the request/);
    assert.match(msg, new RegExp(`resource Pod/${ns}/privileged was blocked due to the following policies`));
    for (const name of ['deny-privilege-escalation', 'require-drop-all-capabilities', 'require-run-as-non-root', 'restrict-seccomp-strict']) assert.ok(msg.includes(`${name}:`), `${name} in ${msg}`);
    const runAsNonRoot = policies.find((p) => (p['metadata'] as JsonObject)['name'] === 'require-run-as-non-root') as JsonObject;
    const message = oneLine(String((((runAsNonRoot['spec'] as JsonObject)['rules'] as JsonObject[])[0]?.['validate'] as JsonObject)['message']));
    assert.ok(msg.includes(message), `the rule message "${message}" in ${msg}`);
    assert.equal((await kubectl(['get', 'pod', 'privileged', '-n', ns])).code, 1, 'not stored');
  });

  test('restricted PSS (Enforce): a compliant pod is admitted', async () => {
    const r = await create(COMPLIANT('compliant', ns));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod\/compliant created/);
    assert.equal(r.stderr, '', 'no warnings');
  });

  test('metrics: /metrics counts the denied admission and every policy (kyverno_policy_changes_total, kyverno_policy_rule_info_total)', async () => {
    const caPem = Buffer.from((await kubectl(['get', 'secret', '-n', KYVERNO_NS, 'kyverno-svc.kyverno.svc.kyverno-tls-ca', '-o', 'jsonpath={.data.tls\\.crt}'])).stdout, 'base64').toString('utf8');
    const text = await new Promise<string>((resolve, reject) => {
      httpsGet({ host: '127.0.0.1', port, path: '/metrics', ca: caPem }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    assert.match(text, new RegExp(`kyverno_admission_requests_total\\{resource_kind="Pod",resource_namespace="${ns}",resource_request_operation="create",request_allowed="false",request_webhook="ValidatingWebhookConfiguration"\\} [1-9]`));
    for (const p of policies) {
      const name = String((p['metadata'] as JsonObject)['name']);
      // every policy was seen by the informers (created), and each of its rules is observed, Ready
      assert.match(text, new RegExp(`kyverno_policy_changes_total\\{policy_validation_mode="enforce",policy_type="cluster",policy_background_mode="[a-z]+",policy_namespace="-",policy_name="${name}",policy_change_type="created"\\} 1\\n`), name);
      const rule = String(((((p['spec'] as JsonObject)['rules'] as JsonObject[])[0] as JsonObject)['name']));
      assert.match(text, new RegExp(`kyverno_policy_rule_info_total\\{rule_name="${rule}",rule_type="validate",policy_namespace="-",policy_name="${name}",status_ready="true",`), `${name}/${rule}`);
    }
  });

  test('autogen: a Deployment whose pod template breaks the restricted profile is denied (autogen rules)', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bad', namespace: ns },
      spec: { selector: { matchLabels: { app: 'bad' } }, template: { metadata: { labels: { app: 'bad' } }, spec: { containers: [{ name: 'c', image: PAUSE, securityContext: { privileged: true } }] } } },
    };
    const r = await create(deployment);
    assert.notEqual(r.code, 0);
    const msg = oneLine(r.stderr);
    assert.match(msg, new RegExp(`resource Deployment/${ns}/bad was blocked due to the following policies`));
    assert.match(msg, /autogen-run-as-non-root:/);
    const good = { ...deployment, metadata: { name: 'good', namespace: ns }, spec: { ...deployment.spec, template: { metadata: { labels: { app: 'bad' } }, spec: (COMPLIANT('x', ns)['spec'] as JsonObject) } } };
    const ok = await create(good);
    assert.equal(ok.code, 0, ok.stderr);
  });

  test('Audit: a violating ConfigMap is admitted, with a warning when the policy sets emitWarning', { timeout: 90_000 }, async () => {
    const rule = (name: string) => ({
      name,
      match: { any: [{ resources: { kinds: ['ConfigMap'], names: ['e2e-audit-*'], namespaces: [ns] } }] },
      validate: { message: 'ConfigMaps need an owner label', pattern: { metadata: { labels: { owner: '?*' } } } },
    });
    const r = await kubectl(
      ['apply', '-f', '-'],
      yamlStream([
        clusterPolicy('e2e-audit-warn', { validationFailureAction: 'Audit', emitWarning: true, background: false, rules: [rule('need-owner')] }),
        clusterPolicy('e2e-audit-quiet', { validationFailureAction: 'Audit', background: false, rules: [rule('need-owner-quiet')] }),
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    await waitReady(['e2e-audit-warn', 'e2e-audit-quiet']);
    await eventually('audit warning', async () => ((await create(configMap('e2e-audit-probe', ns), true)).stderr.includes('Warning') ? true : undefined), 30_000, 300);
    const made = await create(configMap('e2e-audit-1', ns));
    assert.equal(made.code, 0, made.stderr);
    const warnings = made.stderr.split('\n').filter((l) => l.startsWith('Warning:'));
    assert.equal(warnings.length, 1, made.stderr);
    assert.match(warnings[0] as string, /e2e-audit-warn/);
    assert.match(warnings[0] as string, /ConfigMaps need an owner label/);
    assert.doesNotMatch(made.stderr, /e2e-audit-quiet/);
  });

  test('namespaceSelector: an Enforce policy applies only in namespaces with the selected labels', { timeout: 90_000 }, async () => {
    const r = await kubectl(
      ['apply', '-f', '-'],
      yamlStream([
        clusterPolicy('e2e-gated-owner', {
          validationFailureAction: 'Enforce',
          background: false,
          rules: [
            {
              name: 'need-owner',
              match: { any: [{ resources: { kinds: ['ConfigMap'], names: ['e2e-gate-*'], namespaceSelector: { matchLabels: { 'e2e-tier': 'gated' } } } }] },
              validate: { message: 'gated namespaces need an owner label', pattern: { metadata: { labels: { owner: '?*' } } } },
            },
          ],
        }),
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    await waitReady(['e2e-gated-owner']);
    await untilVerdict(configMap('e2e-gate-probe', gated), true);
    const denied = await create(configMap('e2e-gate-1', gated));
    assert.notEqual(denied.code, 0);
    assert.match(oneLine(denied.stderr), /gated namespaces need an owner label/);
    const labelled = await create(configMap('e2e-gate-2', gated, { owner: 'me' }));
    assert.equal(labelled.code, 0, labelled.stderr);
    const elsewhere = await create(configMap('e2e-gate-1', open));
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
  });

  test('mutate: the change of a mutate policy is stored with the object', { timeout: 90_000 }, async () => {
    const r = await kubectl(
      ['apply', '-f', '-'],
      yamlStream([
        clusterPolicy('e2e-add-label', {
          background: false,
          rules: [
            {
              name: 'add-mutated',
              match: { any: [{ resources: { kinds: ['ConfigMap'], names: ['e2e-mut-*'] } }] },
              mutate: { patchStrategicMerge: { metadata: { labels: { '+(e2e.kyverno-ts.io/mutated)': 'yes' } } } },
            },
          ],
        }),
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    await waitReady(['e2e-add-label']);
    await eventually(
      'the mutation in a dry run',
      async () => {
        const d = await kubectl(['create', '--dry-run=server', '-o', 'jsonpath={.metadata.labels}', '-f', '-'], yamlStream([configMap('e2e-mut-probe', ns)]));
        return d.stdout.includes('e2e.kyverno-ts.io/mutated') ? true : undefined;
      },
      30_000,
      300,
    );
    const made = await create(configMap('e2e-mut-1', ns, { keep: 'me' }));
    assert.equal(made.code, 0, made.stderr);
    const stored = await api.get(CONFIGMAPS, ns, 'e2e-mut-1');
    assert.deepEqual((stored?.['metadata'] as JsonObject)['labels'], { keep: 'me', 'e2e.kyverno-ts.io/mutated': 'yes' });
  });

  test('policy validation webhook: an invalid policy is rejected at create with the validation message', async () => {
    const bad = clusterPolicy('e2e-invalid', {
      background: true,
      rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'user {{ request.userInfo.username }}', deny: {} } }],
    });
    const r = await create(bad);
    assert.notEqual(r.code, 0);
    const msg = oneLine(r.stderr);
    assert.match(msg, /admission webhook "validate-policy\.kyverno\.svc" denied the request/);
    assert.match(msg, /only select variables are allowed in background mode/);
    assert.match(msg, /variable \{\{ request\.userInfo\.username \}\} is not allowed/);
    assert.equal((await kubectl(['get', 'cpol', 'e2e-invalid'])).code, 1, 'not stored');
  });

  test('kube-system and the kyverno namespace are never blocked (namespaceSelector of the webhooks)', async () => {
    for (const n of ['kube-system', KYVERNO_NS]) {
      const r = await create(PRIVILEGED('e2e-privileged', n), true);
      assert.equal(r.code, 0, `${n}: ${r.stderr}`);
    }
  });

  test('failurePolicy: with the server stopped, Fail webhooks reject and Ignore webhooks let requests through; the server recovers', { timeout: 180_000 }, async () => {
    const r = await kubectl(
      ['apply', '-f', '-'],
      yamlStream([
        clusterPolicy('e2e-ignore-secrets', {
          failurePolicy: 'Ignore',
          validationFailureAction: 'Enforce',
          background: false,
          rules: [{ name: 'need-owner', match: { any: [{ resources: { kinds: ['Secret'], names: ['e2e-sec-*'] } }] }, validate: { message: 'secrets need an owner label', pattern: { metadata: { labels: { owner: '?*' } } } } }],
        }),
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    await waitReady(['e2e-ignore-secrets']);
    const secret = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns, labels }, stringData: { k: 'v' } });
    await untilVerdict(secret('e2e-sec-probe'), true);
    const code = await serve?.stop();
    assert.equal(code, 0, 'graceful exit');
    serve = undefined;
    const cm = await create(configMap('e2e-down-1', ns));
    assert.notEqual(cm.code, 0, 'a Fail webhook without a server rejects');
    assert.match(oneLine(cm.stderr), /failed calling webhook "mutate\.kyverno\.svc-fail"|failed calling webhook "validate\.kyverno\.svc-fail"/);
    const sec = await create(secret('e2e-sec-1'));
    assert.equal(sec.code, 0, `an Ignore webhook without a server lets the request through: ${sec.stderr}`);
    const sys = await create(configMap('e2e-down-sys', 'kube-system'));
    assert.equal(sys.code, 0, `kube-system is not sent to the webhooks: ${sys.stderr}`);
    await kubectl(['delete', 'configmap', 'e2e-down-sys', '-n', 'kube-system']);
    serve = await startServe(port, ['--webhookTimeout', '5']);
    await untilVerdict(configMap('e2e-up-probe', ns), false);
    const again = await create(secret('e2e-sec-2'));
    assert.notEqual(again.code, 0, 'the Ignore policy is enforced again');
    assert.match(oneLine(again.stderr), /secrets need an owner label/);
  });
});

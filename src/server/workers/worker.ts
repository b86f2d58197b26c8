/**
 * An evaluation worker thread: builds its own admission core from the standalone sources (files) and
 * answers the server thread's evaluation, metrics, reload and close messages. Evaluations are
 * synchronous, so a worker processes one review at a time; the pool spreads reviews over workers.
 *
 * `runEvaluationWorker()` is started by worker-entry.ts, or by the single-file bundle's entry when the
 * bundle itself is loaded as the worker (scripts/bundle.ts).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { AdmissionCore } from '../core.ts';
import { createLogger } from '../logging.ts';
import { StaticDiscovery } from '../sources/discovery.ts';
import { StaticClusterState } from '../sources/static-cluster.ts';
import { StaticConfigSource } from '../sources/static-config.ts';
import { StaticPolicySource } from '../sources/static-policies.ts';
import { startupNotes } from '../sources/startup-notes.ts';
import { trackPolicySource } from '../admission/policy-info-metrics.ts';
import { decodeEval, encodeResult, type FromWorker, type ToWorker, type WorkerSetup } from './protocol.ts';

/** Results per message to the server thread (see `flush`). */
const RESULT_BATCH = 4;
/** Queued messages handled in one turn before the event loop gets a chance (timers, audit work). */
const MAX_DRAIN = 64;

export function runEvaluationWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('worker.ts runs as a worker thread');
  const setup = workerData as WorkerSetup;
  const send = (m: FromWorker): void => port.postMessage(m);

  try {
    const root = createLogger({ verbosity: setup.verbosity });
    const log = root.child(`worker-${setup.index}`);
    const reloadLog = root.child('reload');
    const discovery = new StaticDiscovery();
    const policies = new StaticPolicySource({ policyPaths: setup.policyPaths, exceptionPaths: setup.exceptionPaths, clusterResources: discovery.clusterScopedKinds() });
    const cluster = new StaticClusterState(setup.resourcePaths);
    const config = new StaticConfigSource(setup.configPath);
    const core = new AdmissionCore({ ...setup, policies, namespaces: cluster, roleBindings: cluster, config, discovery, log });
    // the first worker speaks for the policies (startup notes, reload lines, policy metrics): the server
    // thread does not load them, and the pool merges every worker's metrics
    const first = setup.index === 0;
    if (first) trackPolicySource(core.metrics, policies);
    const control = (m: ToWorker): void => {
      switch (m.type) {
        case 'metrics':
          core.metrics.collect();
          send({ type: 'metrics', id: m.id, snapshot: core.metrics.registry.snapshot() });
          break;
        case 'reload': {
          // the lines of the server thread's reload (standalone.ts), written by the first worker only
          const l = first ? reloadLog : undefined;
          try {
            policies.reload();
            l?.info('policies reloaded', { policies: policies.current().policies.length, exceptions: policies.current().exceptions.length });
          } catch (err) {
            if (l) l.error(err, 'policy reload failed; keeping the previous policies');
            else log.error(err, 'reload failed; keeping the previous state');
          }
          try {
            config.reload();
            cluster.reload();
          } catch (err) {
            if (l) l.error(err, 'configuration reload failed; keeping the previous configuration');
            else log.error(err, 'reload failed; keeping the previous state');
          }
          break;
        }
        case 'close':
          core.audit.drain().then(() => send({ type: 'closed', id: m.id }));
          break;
      }
    };
    // Results go back in small batches: each message to the server thread may wake it (a system call and a
    // context switch), so the reviews already queued are evaluated first (receiveMessageOnPort) and their
    // results sent RESULT_BATCH at a time; the last ones go as soon as the queue is empty.
    let results: string[] = [];
    const flush = (): void => {
      if (results.length === 0) return;
      port.postMessage(results.length === 1 ? results[0] : results);
      results = [];
    };
    const handle = (m: ToWorker | string): void => {
      if (typeof m === 'string') {
        const r = decodeEval(m);
        results.push(encodeResult(r.id, core.evaluate(r.path, r.body, r.contentType, r.urlParams, performance.now())));
        if (results.length >= RESULT_BATCH) flush();
        return;
      }
      flush();
      control(m);
    };
    port.on('message', (m: ToWorker | string) => {
      handle(m);
      for (let n = 0; n < MAX_DRAIN; n++) {
        const next = receiveMessageOnPort(port);
        if (next === undefined) break;
        handle(next.message as ToWorker | string);
      }
      flush();
    });
    send({
      type: 'ready',
      routes: core.routes.map((r) => ({ path: r.path, catchAll: r.catchAll, webhook: r.webhook, failurePolicy: r.failurePolicy })),
      notes: first ? startupNotes(policies.warnings, policies.current(), cluster, setup.exceptions) : [],
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    send({ type: 'failed', message: (err as Error).message, ...(typeof code === 'string' ? { code } : {}) });
  }
}

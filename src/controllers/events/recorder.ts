/**
 * The event generator (pkg/event/controller.go): filters event infos (`--omitEvents`, the ConfigMap's
 * `generateSuccessEvents` and `successEventActions`), builds events.k8s.io/v1 Events and writes them with
 * 3 workers, 3 retries, and a bounded queue (`--maxQueuedEvents`, default 1000; beyond it events are
 * dropped and counted).
 *
 * The Event: name `<sanitized regarding name>.<hex nanoseconds>`, namespace of the regarding object
 * (`default` for cluster-scoped ones), `reportingController` = source, `reportingInstance` =
 * `<source>-<hostname>`, note cut at 1024 characters, type Warning unless PolicyApplied / PolicySkipped.
 *
 * Example: `recorder.add(...scanEvents(response, false))`.
 */
import { hostname } from 'node:os';
import type { JsonObject } from '../../engine/api/json.ts';
import type { ApiResource, KubeApi } from '../../k8s/client/types.ts';
import { isNotFound } from '../../k8s/client/errors.ts';
import type { Logger } from '../../server/logging.ts';
import { WorkQueue } from '../runtime/queue.ts';
import type { EventInfo, EventSink, ObjectReference } from './info.ts';

export const EVENTS_RESOURCE: ApiResource = {
  group: 'events.k8s.io',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  namespaced: true,
  verbs: [],
  subresources: [],
};

export interface EventSettings {
  generateSuccessEvents: boolean;
  successEventActions: readonly string[];
}

export interface EventRecorderOptions {
  api: KubeApi;
  /** current ConfigMap settings */
  settings: () => EventSettings;
  /** `--omitEvents` reasons */
  omitEvents?: readonly string[];
  /** `--maxQueuedEvents` (default 1000; 0 disables events) */
  maxQueuedEvents?: number;
  workers?: number;
  log?: Logger;
  hostname?: string;
  now?: () => Date;
}

/** RFC 1123: lower case alphanumerics, `-` and `.`, starting and ending alphanumeric. */
export function sanitizeEventName(name: string): string {
  let s = name.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  if (s.length > 0 && !/^[a-z0-9]/.test(s)) s = `a${s}`;
  if (s.length > 0 && !/[a-z0-9]$/.test(s)) s = `${s}z`;
  return s;
}

function ref(r: ObjectReference): JsonObject {
  const out: JsonObject = { kind: r.kind, name: r.name };
  if (r.apiVersion) out['apiVersion'] = r.apiVersion;
  if (r.namespace) out['namespace'] = r.namespace;
  if (r.uid) out['uid'] = r.uid;
  return out;
}

/** Builds the events.k8s.io/v1 Event for an info. */
export function buildEvent(info: EventInfo, host: string, now: Date, nanos: bigint): JsonObject {
  const type = info.type ?? (info.reason === 'PolicyApplied' || info.reason === 'PolicySkipped' ? 'Normal' : 'Warning');
  const namespace = info.regarding.namespace || 'default';
  let note = info.message;
  if (note.length > 1024) note = `${note.slice(0, 1021)}...`;
  const event: JsonObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${sanitizeEventName(info.regarding.name)}.${nanos.toString(16)}`, namespace },
    eventTime: now.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
    reportingController: info.source,
    reportingInstance: `${info.source}-${host}`,
    action: info.action,
    reason: info.reason,
    regarding: ref(info.regarding),
    note,
    type,
  };
  if (info.related) event['related'] = ref(info.related);
  return event;
}

export class EventRecorder implements EventSink {
  private readonly queue: WorkQueue<string>;
  private readonly pending = new Map<string, JsonObject>();
  private readonly host: string;
  private lastNanos = 0n;
  private running: Promise<void> | undefined;
  /** events written / dropped (queue full or retries exhausted) */
  written = 0;
  dropped = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.host = opts.hostname ?? hostname();
    this.queue = new WorkQueue<string>({
      name: 'kyverno-events',
      maxRetries: 3,
      baseDelayMs: 50,
      maxDelayMs: 5_000,
      onDrop: (key, err) => {
        this.dropped++;
        this.pending.delete(key);
        opts.log?.error(err, 'dropping event', { key });
      },
    });
  }

  /** Unique, increasing nanosecond stamps (several events may be built in one millisecond). */
  private nanos(now: Date): bigint {
    let n = BigInt(now.getTime()) * 1_000_000n;
    if (n <= this.lastNanos) n = this.lastNanos + 1n;
    this.lastNanos = n;
    return n;
  }

  add(...infos: EventInfo[]): void {
    const max = this.opts.maxQueuedEvents ?? 1000;
    if (max === 0 || this.queue.length > max) {
      this.dropped += infos.length;
      return;
    }
    const omit = this.opts.omitEvents ?? [];
    const settings = this.opts.settings();
    for (const info of infos) {
      if (info.regarding.name === '') continue;
      if (omit.includes(info.reason)) continue;
      if (info.reason === 'PolicyApplied') {
        if (!settings.generateSuccessEvents) continue;
        if (settings.successEventActions.length > 0 && !settings.successEventActions.includes(info.action)) continue;
      }
      const now = this.opts.now ? this.opts.now() : new Date();
      const event = buildEvent(info, this.host, now, this.nanos(now));
      const m = event['metadata'] as JsonObject;
      const key = `${m['namespace'] as string}/${m['name'] as string}`;
      this.pending.set(key, event);
      this.queue.add(key);
    }
  }

  /** Starts the workers (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = this.queue.run(this.opts.workers ?? 3, async (key) => {
      const event = this.pending.get(key);
      if (!event) return;
      try {
        await this.opts.api.create(EVENTS_RESOURCE, event);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      this.pending.delete(key);
      this.written++;
    });
  }

  /** Waits until the queued events are written (tests, shutdown). */
  flush(): Promise<void> {
    return this.queue.idle();
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    await this.running;
  }
}

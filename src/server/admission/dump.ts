/**
 * `WithDump` (pkg/webhooks/handlers/dump.go, `--dumpPayload`): logs the request and the response at
 * verbosity 4, with the data and annotations of Secrets replaced by `**REDACTED**`.
 */
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import type { AdmissionHandler } from './types.ts';

const REDACTED = '**REDACTED**';

/** `RedactSecret`: data values and annotation values replaced. */
export function redactSecret(obj: JsonValue | undefined): JsonValue | undefined {
  if (!isObject(obj)) return obj;
  const out: JsonObject = { ...obj };
  if (isObject(obj['data'])) {
    const data: JsonObject = {};
    for (const k of Object.keys(obj['data'])) data[k] = Buffer.from(REDACTED).toString('base64');
    out['data'] = data;
  }
  const meta = obj['metadata'];
  if (isObject(meta) && isObject(meta['annotations'])) {
    const ann: JsonObject = {};
    for (const k of Object.keys(meta['annotations'])) ann[k] = REDACTED;
    out['metadata'] = { ...meta, annotations: ann };
  }
  return out;
}

export function withDump(inner: AdmissionHandler): AdmissionHandler {
  return (a) => {
    const response = inner(a);
    const log = a.log.v(4);
    if (log.enabled(4)) {
      const r = a.request;
      const secret = r.kind.kind.toLowerCase() === 'secret';
      log.info('admission request dump', {
        'admission.response': response,
        'admission.request': {
          uid: r.uid,
          kind: r.kind,
          resource: r.resource,
          subResource: r.subResource || undefined,
          requestKind: r.requestKind ?? undefined,
          requestResource: r.requestResource ?? undefined,
          requestSubResource: r.requestSubResource || undefined,
          name: r.name || undefined,
          namespace: r.namespace || undefined,
          operation: r.operation,
          userInfo: r.userInfo,
          roles: a.roles,
          clusterRoles: a.clusterRoles,
          object: secret ? redactSecret(r.object) : r.object,
          oldObject: secret ? redactSecret(r.oldObject) : r.oldObject,
          dryRun: r.dryRun ?? undefined,
          options: r.options,
        },
      });
    }
    return response;
  };
}

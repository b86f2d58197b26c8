/**
 * Decoding an AdmissionReview body the way Kyverno does (`json.Unmarshal` into admissionv1.AdmissionReview,
 * pkg/webhooks/handlers/admission.go):
 *
 * - syntax errors and nesting deeper than 10,000 (`invalid character '[' exceeded max depth`) fail;
 * - field names match case-insensitively, unknown fields are ignored, `null` leaves the zero value;
 * - a value of the wrong JSON type fails with Go's message, e.g.
 *   `json: cannot unmarshal number into Go struct field AdmissionRequest.request.uid of type types.UID`
 *   (the first such error in document order);
 * - `object`, `oldObject` and `options` are raw extensions: any JSON value is accepted here (a non-object
 *   fails later, when the resource is extracted).
 *
 * Beyond Kyverno (which decodes any envelope), an `apiVersion` other than `admission.k8s.io/v1` or
 * `admission.k8s.io/v1beta1`, or a `kind` other than `AdmissionReview`, is refused: the API server never
 * sends them, and answering a request that is not an admission review is never useful.
 */
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import { GoJsonError, goJsonUnmarshal } from '../../engine/jmespath/go-json.ts';
import { goJsonString } from '../../engine/utils/gojson.ts';
import type { AdmissionRequest, AdmissionReview, AdmissionUserInfo, GroupVersionKind, GroupVersionResource } from './types.ts';

/** Go's encoding/json nesting limit. */
export const MAX_NESTING_DEPTH = 10000;

export type DecodeResult = { ok: true; review: AdmissionReview } | { ok: false; status: number; message: string };

class TypeError_ {
  constructor(readonly message: string) {}
}

function jsonTypeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

function typeError(v: JsonValue, struct: string, path: string, goType: string): TypeError_ {
  return new TypeError_(`json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ${struct}.${path} of type ${goType}`);
}

/** Go's case-insensitive field lookup: iterates `obj` in document order and calls `set` per known field. */
function eachField(obj: JsonObject, fields: readonly string[], set: (field: string, value: JsonValue) => void): void {
  for (const key of Object.keys(obj)) {
    let field: string | undefined;
    if (fields.includes(key)) field = key;
    else {
      const lower = key.toLowerCase();
      field = fields.find((f) => f.toLowerCase() === lower);
    }
    if (field !== undefined) set(field, obj[key] as JsonValue);
  }
}

/**
 * `parent.field` for the error messages of a known field (the names are fixed: joined once, not for every
 * field of every request).
 */
const fieldPaths = new Map<string, Map<string, string>>();

function fieldPath(parent: string, field: string): string {
  let byField = fieldPaths.get(parent);
  if (!byField) {
    byField = new Map();
    fieldPaths.set(parent, byField);
  }
  let p = byField.get(field);
  if (p === undefined) {
    p = `${parent}.${field}`;
    byField.set(field, p);
  }
  return p;
}

interface Ctx {
  /** first type error, as Go keeps it and goes on */
  err?: TypeError_;
}

function str(ctx: Ctx, v: JsonValue, struct: string, path: string, goType = 'string'): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  ctx.err ??= typeError(v, struct, path, goType);
  return '';
}

function gvk(ctx: Ctx, v: JsonValue, struct: string, path: string): GroupVersionKind {
  const out = { group: '', version: '', kind: '' };
  if (v === null) return out;
  if (!isObject(v)) {
    ctx.err ??= typeError(v, struct, path, 'v1.GroupVersionKind');
    return out;
  }
  eachField(v, ['group', 'version', 'kind'], (f, x) => {
    out[f as keyof GroupVersionKind] = str(ctx, x, 'GroupVersionKind', fieldPath(path, f));
  });
  return out;
}

function gvr(ctx: Ctx, v: JsonValue, struct: string, path: string): GroupVersionResource {
  const out = { group: '', version: '', resource: '' };
  if (v === null) return out;
  if (!isObject(v)) {
    ctx.err ??= typeError(v, struct, path, 'v1.GroupVersionResource');
    return out;
  }
  eachField(v, ['group', 'version', 'resource'], (f, x) => {
    out[f as keyof GroupVersionResource] = str(ctx, x, 'GroupVersionResource', fieldPath(path, f));
  });
  return out;
}

function stringList(ctx: Ctx, v: JsonValue, struct: string, path: string, goType: string): string[] | null {
  if (v === null) return null;
  if (!Array.isArray(v)) {
    ctx.err ??= typeError(v, struct, path, goType);
    return null;
  }
  const out: string[] = [];
  for (const item of v) {
    if (typeof item === 'string') out.push(item);
    else if (item === null) out.push('');
    else ctx.err ??= typeError(item, struct, path, 'string');
  }
  return out;
}

function userInfo(ctx: Ctx, v: JsonValue, path: string): AdmissionUserInfo {
  const out: AdmissionUserInfo = { username: '', uid: '', groups: null, extra: null };
  if (v === null) return out;
  if (!isObject(v)) {
    ctx.err ??= typeError(v, 'AdmissionRequest', path, 'v1.UserInfo');
    return out;
  }
  eachField(v, ['username', 'uid', 'groups', 'extra'], (f, x) => {
    const p = fieldPath(path, f);
    if (f === 'username' || f === 'uid') out[f] = str(ctx, x, 'UserInfo', p);
    else if (f === 'groups') out.groups = stringList(ctx, x, 'UserInfo', p, '[]string');
    else if (x === null) out.extra = null;
    else if (!isObject(x)) ctx.err ??= typeError(x, 'UserInfo', p, 'map[string]v1.ExtraValue');
    else {
      const extra: Record<string, string[]> = {};
      for (const [k, val] of Object.entries(x)) extra[k] = stringList(ctx, val, 'UserInfo', p, 'v1.ExtraValue') ?? [];
      out.extra = extra;
    }
  });
  return out;
}

function raw(v: JsonValue): JsonValue | undefined {
  return v === null ? undefined : v;
}

function admissionRequest(ctx: Ctx, v: JsonObject): AdmissionRequest {
  const r: AdmissionRequest = {
    uid: '',
    kind: { group: '', version: '', kind: '' },
    resource: { group: '', version: '', resource: '' },
    subResource: '',
    requestKind: null,
    requestResource: null,
    requestSubResource: '',
    name: '',
    namespace: '',
    operation: '',
    userInfo: { username: '', uid: '', groups: null, extra: null },
    object: undefined,
    oldObject: undefined,
    dryRun: null,
    options: undefined,
  };
  const S = 'AdmissionRequest';
  eachField(
    v,
    [
      'uid',
      'kind',
      'resource',
      'subResource',
      'requestKind',
      'requestResource',
      'requestSubResource',
      'name',
      'namespace',
      'operation',
      'userInfo',
      'object',
      'oldObject',
      'dryRun',
      'options',
    ],
    (f, x) => {
      const p = fieldPath('request', f);
      switch (f) {
        case 'uid':
          r.uid = str(ctx, x, S, p, 'types.UID');
          break;
        case 'kind':
          r.kind = gvk(ctx, x, S, p);
          break;
        case 'resource':
          r.resource = gvr(ctx, x, S, p);
          break;
        case 'requestKind':
          r.requestKind = x === null ? null : gvk(ctx, x, S, p);
          break;
        case 'requestResource':
          r.requestResource = x === null ? null : gvr(ctx, x, S, p);
          break;
        case 'subResource':
        case 'requestSubResource':
        case 'name':
        case 'namespace':
          r[f] = str(ctx, x, S, p);
          break;
        case 'operation':
          r.operation = str(ctx, x, S, p, 'v1.Operation');
          break;
        case 'userInfo':
          r.userInfo = userInfo(ctx, x, p);
          break;
        case 'object':
        case 'oldObject':
        case 'options':
          r[f] = raw(x);
          break;
        case 'dryRun':
          if (x === null) r.dryRun = null;
          else if (typeof x === 'boolean') r.dryRun = x;
          else ctx.err ??= typeError(x, S, p, 'bool');
          break;
      }
    },
  );
  return r;
}

/**
 * The deepest nesting of arrays/objects in a JSON text (strings skipped), stopping early once `limit`
 * is exceeded. Linear in the input; no allocation.
 */
export function jsonNestingExceeds(text: string, limit: number): { exceeded: boolean; char: string } {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > limit) return { exceeded: true, char: text[i] as string };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { exceeded: false, char: '' };
}

/** Go's wording for a JSON syntax error (a port of Go's scanner, run only when parsing failed). */
function syntaxMessage(text: string, err: unknown): string {
  try {
    goJsonUnmarshal(text);
  } catch (goErr) {
    if (goErr instanceof GoJsonError) return goErr.message;
  }
  return err instanceof Error ? err.message : String(err);
}

const ACCEPTED_API_VERSIONS = new Set(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1']);

/**
 * Decodes an AdmissionReview. Status codes as Kyverno answers them: 417 (Expectation Failed) for a body
 * that does not decode, 400 when `request` is missing.
 */
export function decodeAdmissionReview(text: string): DecodeResult {
  // nesting deeper than the limit takes more than `limit` opening brackets: shorter texts cannot exceed it
  if (text.length > MAX_NESTING_DEPTH) {
    const depth = jsonNestingExceeds(text, MAX_NESTING_DEPTH);
    if (depth.exceeded) return { ok: false, status: 417, message: `invalid character '${depth.char}' exceeded max depth` };
  }
  let doc: JsonValue;
  try {
    doc = JSON.parse(text) as JsonValue;
  } catch (err) {
    return { ok: false, status: 417, message: syntaxMessage(text, err) };
  }
  if (!isObject(doc)) {
    if (doc === null) return { ok: false, status: 400, message: 'AdmissionReview request is nil' };
    return { ok: false, status: 417, message: `json: cannot unmarshal ${jsonTypeName(doc)} into Go value of type v1.AdmissionReview` };
  }
  const ctx: Ctx = {};
  let apiVersion = '';
  let kind = '';
  let request: AdmissionRequest | undefined;
  eachField(doc, ['apiVersion', 'kind', 'request', 'response'], (f, x) => {
    if (f === 'apiVersion' || f === 'kind') {
      const s = str(ctx, x, 'AdmissionReview', `TypeMeta.${f}`);
      if (f === 'apiVersion') apiVersion = s;
      else kind = s;
    } else if (f === 'request') {
      if (x === null) request = undefined;
      else if (!isObject(x)) ctx.err ??= typeError(x, 'AdmissionReview', 'request', 'v1.AdmissionRequest');
      else request = admissionRequest(ctx, x);
    } else if (x !== null && !isObject(x)) {
      ctx.err ??= typeError(x, 'AdmissionReview', 'response', 'v1.AdmissionResponse');
    }
  });
  if (ctx.err) return { ok: false, status: 417, message: ctx.err.message };
  if (apiVersion !== '' && !ACCEPTED_API_VERSIONS.has(apiVersion)) {
    return { ok: false, status: 400, message: `unsupported AdmissionReview apiVersion ${JSON.stringify(apiVersion)} (expected admission.k8s.io/v1 or admission.k8s.io/v1beta1)` };
  }
  if (kind !== '' && kind !== 'AdmissionReview') {
    return { ok: false, status: 400, message: `unsupported kind ${JSON.stringify(kind)} (expected AdmissionReview)` };
  }
  if (!request) return { ok: false, status: 400, message: 'AdmissionReview request is nil' };
  return { ok: true, review: { apiVersion, kind, request } };
}

/**
 * The JSON of an AdmissionReview answer, as Go marshals admissionv1.AdmissionReview with its response
 * (field order and omitempty as in the Go types). The request is not echoed back (the API server reads
 * only `response`).
 */
export function encodeAdmissionReview(apiVersion: string, kind: string, r: { uid: string; allowed: boolean; message?: string; patch?: string; warnings?: string[] }): string {
  let s = '{';
  if (kind !== '') s += `"kind":${goJsonString(kind)},`;
  if (apiVersion !== '') s += `"apiVersion":${goJsonString(apiVersion)},`;
  s += `"response":{"uid":${goJsonString(r.uid)},"allowed":${r.allowed}`;
  if (r.message !== undefined) {
    s += r.message === '' ? ',"status":{"metadata":{},"status":"Failure"}' : `,"status":{"metadata":{},"status":"Failure","message":${goJsonString(r.message)}}`;
  }
  if (r.patch !== undefined) s += `,"patch":"${r.patch}","patchType":"JSONPatch"`;
  if (r.warnings && r.warnings.length > 0) s += `,"warnings":[${r.warnings.map(goJsonString).join(',')}]`;
  return s + '}}';
}

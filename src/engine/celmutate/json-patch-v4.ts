/**
 * RFC 6902 JSON Patch with the semantics of gopkg.in/evanphx/json-patch.v4 `Patch.Apply` (default
 * options), the implementation Kubernetes' mutating admission policies use for `JSONPatch` mutations:
 * - paths are split on `/` and the first segment ignored; `~1` / `~0` are decoded;
 * - `add` needs the parent to exist (no parents are created); `-` appends; negative indices count from
 *   the end (for `add`, `-1` is the end); an object member is added or overwritten;
 * - `remove` of a missing member or index fails; `replace` of a missing object member sets it (only a
 *   missing parent or array index fails); `move` reads a missing member as null;
 * - `test` compares structurally (numbers by value); a missing or null target matches only an absent
 *   value. A failing `test` is reported with `code` TEST_FAILED: the caller then keeps the document.
 * Errors carry evanphx's messages (`add operation does not apply: doc is missing path: "/a/b": missing value`).
 *
 * ```ts
 * applyJsonPatchV4({ a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }]); // { a: [1, 2] }
 * ```
 */
import { deepCopy, deepEqual, isObject, type JsonObject, type JsonValue } from '../api/json.ts';

/** One operation; `value` is absent when the operation carries none. */
export interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
}

export type JsonPatchErrorCode = 'TEST_FAILED' | 'APPLY';

/** A failed patch, with evanphx's message. */
export class JsonPatchError extends Error {
  constructor(
    message: string,
    readonly code: JsonPatchErrorCode,
  ) {
    super(message);
  }
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

type Container = { kind: 'doc'; obj: JsonObject } | { kind: 'ary'; arr: JsonValue[]; owner: (a: JsonValue[]) => void };

function decodeKey(k: string): string {
  return k.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `strconv.Atoi`: the integer or the Go error text. */
function atoi(s: string): number | string {
  if (/^[+-]?\d+$/.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n)) return n;
    return `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`;
  }
  return `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
}

class Doc {
  constructor(public root: JsonObject | JsonValue[]) {}

  container(): Container {
    const r = this.root;
    if (Array.isArray(r)) return { kind: 'ary', arr: r, owner: (a) => (this.root = a) };
    return { kind: 'doc', obj: r };
  }

  /** `findObject`: the container of the last segment and the decoded key, or undefined. */
  find(path: string): [Container, string] | undefined {
    const split = path.split('/');
    if (split.length < 2) return undefined;
    let con = this.container();
    for (const part of split.slice(1, -1)) {
      const got = get(con, decodeKey(part));
      if ('error' in got) return undefined;
      const next = got.value;
      if (next === undefined || next === null) return undefined;
      if (Array.isArray(next)) {
        const holder = con;
        const key = decodeKey(part);
        con = { kind: 'ary', arr: next, owner: (a) => setRaw(holder, key, a) };
      } else if (isObject(next)) con = { kind: 'doc', obj: next };
      else return undefined;
    }
    return [con, decodeKey(split[split.length - 1]!)];
  }
}

/** Replaces a child array in its holder (arrays are rebuilt by add/remove, as Go slices are). */
function setRaw(holder: Container, key: string, a: JsonValue[]): void {
  if (holder.kind === 'doc') holder.obj[key] = a;
  else {
    const idx = atoi(key);
    if (typeof idx === 'number') holder.arr[idx < 0 ? idx + holder.arr.length : idx] = a;
  }
}

type Got = { value: JsonValue | undefined } | { error: string };

/** `container.get`: the value (undefined for a missing object member), or an error for a bad index. */
function get(c: Container, key: string): Got {
  if (c.kind === 'doc') return { value: Object.prototype.hasOwnProperty.call(c.obj, key) ? (c.obj[key] as JsonValue) : undefined };
  const idx = atoi(key);
  if (typeof idx === 'string') return { error: idx };
  let i = idx;
  if (i < 0) {
    if (i < -c.arr.length) return { error: `Unable to access invalid index: ${idx}: ${INVALID_INDEX}` };
    i += c.arr.length;
  }
  if (i >= c.arr.length) return { error: `Unable to access invalid index: ${idx}: ${INVALID_INDEX}` };
  return { value: c.arr[i] as JsonValue };
}

function set(c: Container, key: string, val: JsonValue): string | undefined {
  if (c.kind === 'doc') {
    c.obj[key] = val;
    return undefined;
  }
  const idx = atoi(key);
  if (typeof idx === 'string') return idx;
  let i = idx;
  if (i < 0) {
    if (i < -c.arr.length) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
    i += c.arr.length;
  }
  c.arr[i] = val;
  return undefined;
}

function add(c: Container, key: string, val: JsonValue): string | undefined {
  if (c.kind === 'doc') {
    c.obj[key] = val;
    return undefined;
  }
  if (key === '-') {
    c.owner([...c.arr, val]);
    return undefined;
  }
  const idx = atoi(key);
  if (typeof idx === 'string') return `value was not a proper array index: '${key}': ${idx}`;
  const sz = c.arr.length + 1;
  let i = idx;
  if (i >= sz) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
  if (i < 0) {
    if (i < -sz) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
    i += sz;
  }
  c.owner([...c.arr.slice(0, i), val, ...c.arr.slice(i)]);
  return undefined;
}

function remove(c: Container, key: string): string | undefined {
  if (c.kind === 'doc') {
    if (!Object.prototype.hasOwnProperty.call(c.obj, key)) return `Unable to remove nonexistent key: ${key}: ${MISSING}`;
    delete c.obj[key];
    return undefined;
  }
  const idx = atoi(key);
  if (typeof idx === 'string') return idx;
  let i = idx;
  if (i >= c.arr.length) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
  if (i < 0) {
    if (i < -c.arr.length) return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
    i += c.arr.length;
  }
  c.owner([...c.arr.slice(0, i), ...c.arr.slice(i + 1)]);
  return undefined;
}

function fail(msg: string): never {
  throw new JsonPatchError(msg, 'APPLY');
}

function testFailed(path: string): never {
  throw new JsonPatchError(`testing value ${path} failed: test failed`, 'TEST_FAILED');
}

function applyOp(d: Doc, op: JsonPatchOp): void {
  const has = Object.prototype.hasOwnProperty.call(op, 'value') && op.value !== undefined;
  const value = has ? deepCopy(op.value as JsonValue) : null;
  switch (op.op) {
    case 'add': {
      const f = d.find(op.path);
      if (!f) fail(`add operation does not apply: doc is missing path: "${op.path}": ${MISSING}`);
      const err = add(f[0], f[1], value);
      if (err) fail(`error in add for path: '${op.path}': ${err}`);
      return;
    }
    case 'remove': {
      const f = d.find(op.path);
      if (!f) fail(`remove operation does not apply: doc is missing path: "${op.path}": ${MISSING}`);
      const err = remove(f[0], f[1]);
      if (err) fail(`error in remove for path: '${op.path}': ${err}`);
      return;
    }
    case 'replace': {
      if (op.path === '') {
        if (!isObject(value) && !Array.isArray(value)) fail('replace operation value must be object or array: %!w(<nil>)');
        d.root = value as JsonObject | JsonValue[];
        return;
      }
      const f = d.find(op.path);
      if (!f) fail(`replace operation does not apply: doc is missing path: ${op.path}: ${MISSING}`);
      const g = get(f[0], f[1]);
      if ('error' in g) fail(`replace operation does not apply: doc is missing key: ${op.path}: ${MISSING}`);
      const err = set(f[0], f[1], value);
      if (err) fail(`error in remove for path: '${op.path}': ${err}`);
      return;
    }
    case 'move': {
      const from = op.from;
      if (from === undefined) fail(`move operation failed to decode from: operation, missing from field: ${MISSING}`);
      const f = d.find(from);
      if (!f) fail(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      const g = get(f[0], f[1]);
      if ('error' in g) fail(`error in move for path: '${f[1]}': ${g.error}`);
      const rerr = remove(f[0], f[1]);
      if (rerr) fail(`error in move for path: '${f[1]}': ${rerr}`);
      const t = d.find(op.path);
      if (!t) fail(`move operation does not apply: doc is missing destination path: ${op.path}: ${MISSING}`);
      const aerr = add(t[0], t[1], g.value ?? null);
      if (aerr) fail(`error in move for path: '${op.path}': ${aerr}`);
      return;
    }
    case 'copy': {
      const from = op.from;
      if (from === undefined) fail(`copy operation failed to decode from: operation, missing from field: ${MISSING}`);
      const f = d.find(from);
      if (!f) fail(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      const g = get(f[0], f[1]);
      if ('error' in g) fail(`error in copy for from: '${from}': ${g.error}`);
      const t = d.find(op.path);
      if (!t) fail(`copy operation does not apply: doc is missing destination path: ${op.path}: ${MISSING}`);
      const aerr = add(t[0], t[1], deepCopy(g.value ?? null));
      if (aerr) fail(`error while adding value during copy: ${aerr}`);
      return;
    }
    case 'test': {
      if (op.path === '') {
        if (has && deepEqual(d.root as JsonValue, value)) return;
        testFailed(op.path);
      }
      const f = d.find(op.path);
      if (!f) fail(`test operation does not apply: is missing path: ${op.path}: ${MISSING}`);
      const g = get(f[0], f[1]);
      if ('error' in g) fail(`error in test for path: '${op.path}': ${g.error}`);
      const cur = g.value;
      if (cur === undefined || cur === null) {
        if (!has) return;
        testFailed(op.path);
      } else if (!has) testFailed(op.path);
      if (deepEqual(cur, value)) return;
      testFailed(op.path);
      return;
    }
    default:
      fail(`Unexpected kind: ${op.op}`);
  }
}

/**
 * Applies `ops` to a copy of `doc` and returns the result; throws `JsonPatchError` (code `TEST_FAILED`
 * for a failed `test`, `APPLY` otherwise).
 */
export function applyJsonPatchV4(doc: JsonObject, ops: readonly JsonPatchOp[]): JsonObject | JsonValue[] {
  const d = new Doc(deepCopy(doc));
  for (const op of ops) applyOp(d, op);
  return d.root;
}

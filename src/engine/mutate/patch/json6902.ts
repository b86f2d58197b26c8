/**
 * `patchesJson6902`: RFC 6902 JSON Patch as Kyverno applies it (kyverno patchJSON6902.go +
 * patchesUtils.go): the text is a JSON list when it starts with `[`, else YAML converted to JSON; it is
 * decoded and applied by evanphx/json-patch v5 with
 * `{SupportNegativeIndices, AllowMissingPathOnRemove, EnsurePathExistsOnAdd}`.
 *
 * Behaviour worth knowing (all from evanphx v5.9):
 * - `add` creates missing parents (objects, or arrays when the next step is a number or `-`, padded
 *   with nulls); `-` appends; negative indices count from the end (`-1` is the last element, for `add`
 *   the end); an index past the end is an error.
 * - `remove` of a missing path or index does nothing.
 * - `replace` needs the target to exist; `test` compares structurally, numbers by their JSON text
 *   (`1.0` is not `1`); a missing value matches only `null`.
 * - paths are split on `/` and the first segment is ignored (`a/b` acts as `/b`); `~1` and `~0` are
 *   decoded in lookups (but not in the parents that `add` creates).
 * Errors are PatchError with evanphx's messages (decode errors prefixed `failed to decode patches: `).
 *
 * Kyverno decides "changed" on bytes, not values: see `applyJson6902Detailed`.
 */
import type { JsonValue } from '../../api/json.ts';
import { compareGoStrings, goJsonMarshal, goJsonNumber, goJsonString } from '../../utils/gojson.ts';
import { PatchError } from './patch-error.ts';
import { defineKey } from './own-property.ts';
import { yamlToJson, YamlToJsonError } from './yaml-to-json.ts';

// ------------------------------------------------------------------------------------------------
// Working representation: objects keep key order, numbers keep their JSON text (as evanphx's raw
// lazy nodes do). Two nulls, as in evanphx: `null` is a nil node (a null read from the document:
// missing for navigation, fine to overwrite), RAW_NULL a present node holding `null` (an operation's
// `null` value, or the padding `add` creates: navigating into it is an error).

class RawNumber {
  constructor(readonly text: string) {}
}

class PObj {
  /**
   * How evanphx holds the object: 0 raw (its original bytes are written back), 1 decoded while
   * navigating or creating it (keys re-encoded without HTML escaping), 2 decoded only to compare it in a
   * `test` (no options attached: keys re-encoded with escaping, i.e. as the original bytes).
   */
  decoded: 0 | 1 | 2 = 0;
  /** original JSON text of keys whose text is not the canonical (escaped) encoding */
  keyText: Map<string, string> | undefined;
  constructor(
    public keys: string[] = [],
    readonly obj: Map<string, PNode> = new Map(),
  ) {}
}

/** A string from a patch text written differently from encoding/json's form (kept for the output bytes). */
class RawString {
  constructor(
    readonly value: string,
    readonly text: string,
  ) {}
}

class PArr {
  constructor(public nodes: PNode[] = []) {}
}

/** A present (non-nil) node holding `null`. */
const RAW_NULL: unique symbol = Symbol('raw null');
type RawNull = typeof RAW_NULL;

type PNode = PObj | PArr | RawNumber | RawString | string | boolean | null | RawNull;
/** The root after `add ""` with `null`: evanphx's partialDoc without a map (any write fails). */
class NilDoc {}
/** The root after `replace ""` with `null`: a nil *partialArray (marshals as null, crashes on use). */
class NilArr {}

type Container = PObj | PArr | NilDoc | NilArr;
const ERR_EXPECTED_OBJECT = 'invalid value, expected object';
const panicNil = (): never => {
  throw new PatchError('PANIC', 'runtime error: invalid memory address or nil pointer dereference');
};

/** A decoded JSON value as evanphx holds it; `sortKeys` when it went through a Go map (YAMLToJSON). */
function fromJson(v: JsonValue, sortKeys = false): PNode {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return new RawNumber(goJsonNumber(v));
  if (Array.isArray(v)) return new PArr(v.map((e) => fromJson(e, sortKeys)));
  const o = new PObj();
  const keys = Object.keys(v);
  if (sortKeys) keys.sort(compareBytes);
  for (const k of keys) {
    o.keys.push(k);
    o.obj.set(k, fromJson(v[k] as JsonValue, sortKeys));
  }
  return o;
}

const compareBytes = compareGoStrings;

function toJson(n: PNode): JsonValue {
  if (n === RAW_NULL) return null;
  if (n instanceof RawString) return n.value;
  if (n instanceof RawNumber) return Number(n.text);
  if (n instanceof PArr) return n.nodes.map(toJson);
  if (n instanceof PObj) {
    const out: Record<string, JsonValue> = {};
    for (const k of n.keys) if (n.obj.has(k) && !Object.prototype.hasOwnProperty.call(out, k)) defineKey(out, k, toJson(n.obj.get(k) as PNode));
    return out;
  }
  return n;
}

function copyNode(n: PNode): PNode {
  if (n instanceof PArr) return new PArr(n.nodes.map(copyNode));
  if (n instanceof PObj) {
    const o = new PObj([...n.keys]);
    o.keyText = n.keyText;
    for (const [k, v] of n.obj) o.obj.set(k, copyNode(v));
    return o;
  }
  return n;
}

/** A string value, whatever its representation. */
function strValue(n: PNode | undefined): string | undefined {
  if (typeof n === 'string') return n;
  if (n instanceof RawString) return n.value;
  return undefined;
}

/**
 * Compact JSON as encoding/json writes it (HTML-escaped strings). `sortKeys` for a Go map (the
 * operation itself); its values are raw messages, written in their own key order.
 */
function marshal(n: PNode | undefined, sortKeys = false, escapeRaw = false): string {
  if (n === undefined || n === null || n === RAW_NULL) return 'null';
  if (n instanceof RawNumber) return n.text;
  if (n instanceof RawString) return escapeRaw ? htmlEscapeRaw(n.text) : n.text;
  if (typeof n === 'string') return goJsonString(n);
  if (typeof n === 'boolean') return n ? 'true' : 'false';
  if (n instanceof PArr) return '[' + n.nodes.map((e) => marshal(e, false, escapeRaw)).join(',') + ']';
  const keys = sortKeys ? [...n.obj.keys()].sort(compareBytes) : n.keys;
  const keyText = (k: string): string => {
    const t = n.keyText?.get(k);
    return t === undefined ? goJsonString(k) : escapeRaw ? htmlEscapeRaw(t) : t;
  };
  return '{' + keys.map((k) => keyText(k) + ':' + marshal(n.obj.get(k), false, escapeRaw)).join(',') + '}';
}

/** What encoding/json's compaction of a raw message does with HTML escaping on. */
function htmlEscapeRaw(text: string): string {
  return text.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + (c.codePointAt(0) as number).toString(16).padStart(4, '0'));
}

/**
 * The bytes evanphx writes for a node (`json.MarshalEscaped(doc, false)`): untouched values as their
 * original text, decoded objects with their keys re-encoded without HTML escaping.
 */
function serialize(n: PNode): string {
  if (n instanceof PObj) {
    if (n.decoded !== 1) return marshal(n);
    let out = '{';
    for (let i = 0; i < n.keys.length; i++) {
      const k = n.keys[i] as string;
      if (!n.obj.has(k)) continue;
      if (out.length > 1) out += ',';
      out += goJsonStringNoHtmlEscape(k) + ':' + serialize(n.obj.get(k) as PNode);
    }
    return out + '}';
  }
  if (n instanceof PArr) return '[' + n.nodes.map(serialize).join(',') + ']';
  return marshal(n);
}

/** encoding/json string encoding with SetEscapeHTML(false): `<`, `>`, `&` stay as they are. */
function goJsonStringNoHtmlEscape(s: string): string {
  return goJsonString(s).replace(/\\\\|\\u003c|\\u003e|\\u0026/g, (m) => (m === '\\u003c' ? '<' : m === '\\u003e' ? '>' : m === '\\u0026' ? '&' : m));
}

/** A deep copy as evanphx's `deepCopy` makes it: a new undecoded value holding the source's bytes. */
function deepCopyNode(n: PNode): PNode {
  if (n instanceof PArr) return new PArr(n.nodes.map(deepCopyNode));
  if (n instanceof PObj) {
    const o = new PObj([...n.keys]);
    for (const [k, v] of n.obj) o.obj.set(k, deepCopyNode(v));
    const text = n.decoded === 1 ? (k: string): string => goJsonStringNoHtmlEscape(k) : (k: string): string => n.keyText?.get(k) ?? goJsonString(k);
    for (const k of n.keys) {
      const t = text(k);
      if (t !== goJsonString(k)) (o.keyText ??= new Map()).set(k, t);
    }
    return o;
  }
  return n;
}

// ------------------------------------------------------------------------------------------------
// JSON text parser that keeps number literals (json.Valid + json.RawMessage semantics)

class JsonSyntaxError extends Error {}

function parseJsonRaw(text: string): PNode {
  let i = 0;
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const fail = (): never => {
    throw new JsonSyntaxError('invalid JSON');
  };
  const value = (depth: number): PNode => {
    if (depth > 10000) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o = new PObj();
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const kStart = i;
        const k = str();
        const kText = text.slice(kStart, i);
        ws();
        if (text[i++] !== ':') fail();
        const v = value(depth + 1);
        if (!o.obj.has(k)) o.keys.push(k);
        o.obj.set(k, v);
        if (kText !== goJsonString(k)) (o.keyText ??= new Map()).set(k, kText);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return o;
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      const a = new PArr();
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.nodes.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        fail();
      }
    }
    if (c === '"') {
      const start = i;
      const v = str();
      const raw = text.slice(start, i);
      return raw === goJsonString(v) ? v : new RawString(v, raw);
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') return fail();
    i += m[0].length;
    return new RawNumber(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail();
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail();
        continue;
      }
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail();
  return v;
}

// ------------------------------------------------------------------------------------------------
// Errors (Go error chains reduced to message + sentinel)

type Sentinel = 'missing' | 'invalidIndex' | 'invalid' | 'atoi' | 'test' | 'other';

/**
 * A Go `error` value inside the patch machinery. Used as control flow (a missing key is an error that
 * callers often ignore), so it is not an `Error`: capturing a stack trace for each one dominated the cost
 * of foreach patches. It never leaves this module: the entry points turn it into a PatchError.
 */
class GoError {
  constructor(
    readonly message: string,
    readonly sentinel: Sentinel,
  ) {}
}

const ERR_MISSING = 'missing value';
const ERR_INVALID = 'invalid state detected';
const ERR_INVALID_INDEX = 'invalid index referenced';

const invalidIndex = (idx: number): GoError => new GoError(`Unable to access invalid index: ${idx}: ${ERR_INVALID_INDEX}`, 'invalidIndex');

/** strconv.Atoi. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new GoError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`, 'atoi');
  const b = BigInt(s);
  if (b > 9223372036854775807n || b < -9223372036854775808n) {
    throw new GoError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`, 'atoi');
  }
  return Number(b);
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

const decodePatchKey = (k: string): string => k.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));

// ------------------------------------------------------------------------------------------------
// The document and its containers

class Doc {
  /** evanphx `self` of the root container: what a `""` step resolves to (a detached snapshot). */
  private selfSource: PNode | undefined;
  private selfNode: PNode | undefined;

  constructor(
    public root: Container,
    self: PNode | undefined,
  ) {
    if (root instanceof PObj) root.decoded = 1;
    this.selfSource = self;
  }

  setRoot(root: Container, self: PNode | undefined): void {
    if (root instanceof PObj) root.decoded = 1;
    this.root = root;
    this.selfSource = self;
    this.selfNode = undefined;
  }

  private self(c: Container): PNode {
    if (c instanceof NilArr) return panicNil();
    if (c instanceof NilDoc) return RAW_NULL;
    if (c !== this.root || this.selfSource === undefined) return null;
    if (this.selfNode === undefined) this.selfNode = copyNode(this.selfSource);
    return this.selfNode;
  }

  get(c: Container, key: string): PNode {
    if (key === '') return this.self(c);
    if (c instanceof NilDoc) throw new GoError(ERR_EXPECTED_OBJECT, 'other');
    if (c instanceof NilArr) {
      atoi(key);
      return panicNil();
    }
    if (c instanceof PObj) {
      if (!c.obj.has(key)) throw new GoError(`unable to get nonexistent key: ${key}: ${ERR_MISSING}`, 'missing');
      return c.obj.get(key) as PNode;
    }
    let idx = atoi(key);
    if (idx < 0) {
      if (idx < -c.nodes.length) throw invalidIndex(idx);
      idx += c.nodes.length;
    }
    if (idx >= c.nodes.length) throw invalidIndex(idx);
    return c.nodes[idx] as PNode;
  }

  /** `set`: only for replace, on an existing key/index. */
  set(c: Container, key: string, val: PNode): void {
    if (c instanceof NilDoc) throw new GoError(ERR_EXPECTED_OBJECT, 'other');
    if (c instanceof NilArr) {
      atoi(key);
      return panicNil();
    }
    if (c instanceof PObj) {
      objSet(c, key, val);
      return;
    }
    let idx = atoi(key);
    if (idx < 0) {
      if (idx < -c.nodes.length) throw invalidIndex(idx);
      idx += c.nodes.length;
    }
    if (idx >= c.nodes.length) throw new GoError(`runtime error: index out of range [${idx}] with length ${c.nodes.length}`, 'other');
    c.nodes[idx] = val;
  }

  add(c: Container, key: string, val: PNode): void {
    if (c instanceof NilDoc) throw new GoError(ERR_EXPECTED_OBJECT, 'other');
    if (c instanceof PObj) {
      objSet(c, key, val);
      return;
    }
    if (c instanceof NilArr && key === '-') return panicNil();
    if (key === '-' && c instanceof PArr) {
      c.nodes.push(val);
      return;
    }
    let idx: number;
    try {
      idx = atoi(key);
    } catch (err) {
      if (!(err instanceof GoError)) throw err;
      throw new GoError(`value was not a proper array index: '${key}': ${err.message}`, 'atoi');
    }
    if (!(c instanceof PArr)) return panicNil();
    const sz = c.nodes.length + 1;
    if (idx >= sz) throw invalidIndex(idx);
    if (idx < 0) {
      if (idx < -sz) throw invalidIndex(idx);
      idx += sz;
    }
    c.nodes.splice(idx, 0, val);
  }

  /** `remove` with AllowMissingPathOnRemove. */
  remove(c: Container, key: string): void {
    if (c instanceof NilDoc) throw new GoError(ERR_EXPECTED_OBJECT, 'other');
    if (c instanceof NilArr) {
      atoi(key);
      return panicNil();
    }
    if (c instanceof PObj) {
      if (!c.obj.has(key)) return;
      const i = c.keys.indexOf(key);
      if (i >= 0) c.keys.splice(i, 1);
      c.obj.delete(key);
      return;
    }
    let idx = atoi(key);
    if (idx >= c.nodes.length) return;
    if (idx < 0) {
      if (idx < -c.nodes.length) return;
      idx += c.nodes.length;
    }
    c.nodes.splice(idx, 1);
  }

  /** evanphx `findObject`: the container of the last path step and that step (decoded). */
  findObject(path: string): [Container, string] | undefined {
    const split = path.split('/');
    if (split.length < 2) return path === '' ? [this.root, ''] : undefined;
    let doc: Container = this.root;
    for (const part of split.slice(1, -1)) {
      let next: PNode;
      try {
        next = this.get(doc, decodePatchKey(part));
      } catch (err) {
        if (!(err instanceof GoError)) throw err;
        return undefined;
      }
      if (next instanceof PArr || next instanceof PObj) doc = markParsed(next);
      else return undefined;
    }
    return [doc, decodePatchKey(split[split.length - 1] as string)];
  }

  /** evanphx `ensurePathExists` (EnsurePathExistsOnAdd): creates the missing parents of `path`. */
  ensurePathExists(path: string): void {
    const split = path.split('/');
    if (split.length < 2) return;
    const parts = split.slice(1);
    let doc: Container = this.root;
    for (let pi = 0; pi < parts.length - 1; pi++) {
      const part = parts[pi] as string;
      let target: PNode = null;
      let failed = false;
      try {
        target = this.get(doc, decodePatchKey(part));
      } catch (err) {
        if (!(err instanceof GoError)) throw err;
        failed = true;
      }
      if (target === null || failed) {
        const arrIndex = tryAtoi(part);
        if (arrIndex !== undefined && doc instanceof PArr && arrIndex >= doc.nodes.length + 1) {
          for (let i = doc.nodes.length; i <= arrIndex - 1; i++) this.addIgnoringErrors(doc, String(i), RAW_NULL);
        }
        const nextPart = parts[pi + 1] as string;
        let nextIndex = tryAtoi(nextPart);
        if (nextIndex !== undefined || nextPart === '-') {
          nextIndex ??= 0;
          if (nextIndex < 0) {
            if (nextIndex < -1) {
              throw new GoError(`Unable to ensure path for negative index other than -1: ${nextIndex}: ${ERR_INVALID_INDEX}`, 'invalidIndex');
            }
            nextIndex = 0;
          }
          const created = new PArr();
          this.addIgnoringErrors(doc, part, created);
          doc = created;
          for (let i = 0; i < nextIndex; i++) this.addIgnoringErrors(doc, String(i), RAW_NULL);
        } else {
          const created = markParsed(new PObj());
          this.addIgnoringErrors(doc, part, created);
          doc = created;
        }
      } else if (target instanceof PArr || target instanceof PObj) {
        doc = markParsed(target);
      } else {
        throw new GoError(ERR_INVALID, 'invalid');
      }
    }
  }

  private addIgnoringErrors(c: Container, key: string, val: PNode): void {
    try {
      this.add(c, key, val);
    } catch (err) {
      if (!(err instanceof GoError)) throw err;
      // evanphx ignores these errors
    }
  }
}

/** evanphx `intoDoc(options)`: a raw object becomes decoded with the apply options. */
function markParsed<T extends PObj | PArr>(c: T): T {
  if (c instanceof PObj && c.decoded === 0) c.decoded = 1;
  return c;
}

function objSet(c: PObj, key: string, val: PNode): void {
  if (!c.obj.has(key) && !c.keys.includes(key)) c.keys.push(key);
  c.obj.set(key, val);
}

function tryAtoi(s: string): number | undefined {
  try {
    return atoi(s);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------------
// Equality (lazyNode.equal)

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

function equal(n: PNode, o: PNode): boolean {
  if (n instanceof PObj) {
    // evanphx decodes the document value to compare it (tryDoc, without options)
    if (n.decoded === 0) n.decoded = 2;
    if (!(o instanceof PObj)) return false;
    if (n.obj.size !== o.obj.size) return false;
    for (const [k, v] of n.obj) {
      if (!o.obj.has(k)) return false;
      const ov = o.obj.get(k) as PNode;
      if ((v === null) !== (ov === null)) return false;
      if (v === null) continue;
      if (!equal(v, ov)) return false;
    }
    return true;
  }
  if (n instanceof PArr) {
    if (!(o instanceof PArr)) return false;
    if (n.nodes.length !== o.nodes.length) return false;
    for (let i = 0; i < n.nodes.length; i++) {
      const a = n.nodes[i] as PNode;
      const b = o.nodes[i] as PNode;
      // a nil array element: evanphx dereferences it
      if (a === null || b === null) return panicNil();
      if (!equal(a, b)) return false;
    }
    return true;
  }
  if (n === null || o === null) return panicNil();
  // scalars: compact JSON text, strings by value
  if (o instanceof PObj || o instanceof PArr) return false;
  const ns = strValue(n);
  const os = strValue(o);
  if (ns !== undefined && os !== undefined) return ns === os;
  return marshal(n) === marshal(o);
}

/** `test` on the whole document: the live root against the value. */
function equalRoot(root: Container, ov: PNode): boolean {
  if (root instanceof NilDoc) return ov instanceof PObj && ov.obj.size === 0;
  if (root instanceof NilArr) return ov instanceof PArr ? panicNil() : false;
  return equal(root, ov);
}

// ------------------------------------------------------------------------------------------------
// Decoding

function opField(op: PObj | null, name: string): PNode | undefined {
  return op === null ? undefined : op.obj.get(name);
}

const GO_TYPE: (n: PNode) => string = (n) =>
  n === null || n === RAW_NULL ? 'null' : n instanceof PObj ? 'object' : n instanceof PArr ? 'array' : n instanceof RawNumber ? 'number' : strValue(n) !== undefined ? 'string' : 'bool';

function stringField(op: PObj | null, name: 'path' | 'from', missing: string): string {
  const v = opField(op, name);
  if (v === undefined || v === null) throw new GoError(missing, 'missing');
  const sv = strValue(v);
  if (sv === undefined) throw new GoError(`json: cannot unmarshal ${GO_TYPE(v)} into Go value of type string`, 'other');
  return sv;
}

const pathOf = (op: PObj | null): string => stringField(op, 'path', `operation missing path field: ${ERR_MISSING}`);
const fromOf = (op: PObj | null): string => stringField(op, 'from', `operation, missing from field: ${ERR_MISSING}`);

function kindOf(op: PObj | null): string {
  return strValue(opField(op, 'op')) ?? 'unknown';
}

function validateOperation(op: PObj | null): void {
  switch (kindOf(op)) {
    case 'add':
    case 'replace':
      if (opField(op, 'value') === undefined) {
        throw new GoError(`failed to decode 'value': operation, missing value field: ${ERR_MISSING}`, 'other');
      }
      break;
    case 'move':
    case 'copy':
      try {
        fromOf(op);
      } catch (err) {
        if (!(err instanceof GoError)) throw err;
        throw new GoError(`failed to decode 'from': ${err.message}`, 'other');
      }
      break;
    case 'remove':
    case 'test':
      break;
    default:
      throw new GoError('unsupported operation', 'other');
  }
  try {
    pathOf(op);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`failed to decode 'path': ${err.message}`, 'other');
  }
}

/** jsonpatch.DecodePatch on an already parsed document. */
function decodePatch(doc: PNode): Array<PObj | null> {
  if (doc === null) return [];
  if (!(doc instanceof PArr)) throw new GoError(`json: cannot unmarshal ${GO_TYPE(doc)} into Go value of type jsonpatch.Patch`, 'other');
  const ops: Array<PObj | null> = [];
  for (const e of doc.nodes) {
    if (e !== null && !(e instanceof PObj)) {
      throw new GoError(`json: cannot unmarshal ${GO_TYPE(e)} into Go value of type jsonpatch.Operation`, 'other');
    }
    ops.push(e);
  }
  for (const op of ops) {
    try {
      validateOperation(op);
    } catch (err) {
      if (!(err instanceof GoError)) throw err;
      throw new GoError(`invalid operation ${marshal(op, true, true)}: ${err.message}`, 'other');
    }
  }
  return ops;
}

/**
 * Kyverno's `convertPatchesToJSON` + `DecodePatch`: JSON when the text starts with `[`, else YAML.
 * Throws PatchError('DECODE') with Kyverno's messages.
 */
function decodeText(text: string): Array<PObj | null> {
  let doc: PNode;
  if (text.length > 0 && text[0] !== '[') {
    let v: JsonValue;
    try {
      v = yamlToJson(text);
    } catch (err) {
      if (err instanceof YamlToJsonError) throw new PatchError('DECODE', `failed to convert patchesJSON6902 to JSON: ${err.message}`);
      throw err;
    }
    doc = fromJson(v, true);
  } else {
    try {
      doc = parseJsonRaw(text);
    } catch (err) {
      if (err instanceof JsonSyntaxError) throw new PatchError('DECODE', `failed to decode patches: ${ERR_INVALID}`);
      throw err;
    }
  }
  return decodeOrThrow(doc);
}

function decodeOrThrow(doc: PNode): Array<PObj | null> {
  try {
    return decodePatch(doc);
  } catch (err) {
    if (err instanceof GoError) throw new PatchError('DECODE', `failed to decode patches: ${err.message}`);
    throw err;
  }
}

// ------------------------------------------------------------------------------------------------
// Operations

/** `Operation.value()`: undefined when absent; a `null` value is a present raw null node. */
function opValue(op: PObj | null): PNode | undefined {
  const v = opField(op, 'value');
  return v === null ? RAW_NULL : v;
}

function applyOp(d: Doc, op: PObj | null): void {
  switch (kindOf(op)) {
    case 'add':
      return opAdd(d, op);
    case 'remove':
      return opRemove(d, op);
    case 'replace':
      return opReplace(d, op);
    case 'move':
      return opMove(d, op);
    case 'test':
      return opTest(d, op);
    case 'copy':
      return opCopy(d, op);
    default:
      throw new GoError(`Unexpected kind: ${kindOf(op)}`, 'other');
  }
}

function opAdd(d: Doc, op: PObj | null): void {
  const path = pathOf(op);
  const value = opValue(op) ?? RAW_NULL;
  if (path === '') {
    if (value instanceof PArr || value instanceof PObj) {
      d.setRoot(copyNode(value) as Container, value);
      return;
    }
    if (value === RAW_NULL || value === null) {
      d.setRoot(new NilDoc(), null);
      return;
    }
    throw new GoError(`json: cannot unmarshal ${GO_TYPE(value)} into Go value of type map[string]*jsonpatch.lazyNode`, 'other');
  }
  d.ensurePathExists(path);
  const found = d.findObject(path);
  if (found === undefined) throw new GoError(`add operation does not apply: doc is missing path: "${path}": ${ERR_MISSING}`, 'missing');
  try {
    d.add(found[0], found[1], value);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`error in add for path: '${path}': ${err.message}`, err.sentinel);
  }
}

function opRemove(d: Doc, op: PObj | null): void {
  const path = pathOf(op);
  const found = d.findObject(path);
  if (found === undefined) return;
  try {
    d.remove(found[0], found[1]);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`error in remove for path: '${path}': ${err.message}`, 'other');
  }
}

function opReplace(d: Doc, op: PObj | null): void {
  const path = pathOf(op);
  const value = opValue(op) ?? RAW_NULL;
  if (path === '') {
    if (value instanceof PObj || value instanceof PArr) {
      d.setRoot(value, undefined);
      return;
    }
    if (value === RAW_NULL || value === null) {
      d.setRoot(new NilArr(), undefined);
      return;
    }
    throw new GoError('replace operation value must be object or array: %!w(<nil>)', 'other');
  }
  const found = d.findObject(path);
  if (found === undefined) throw new GoError(`replace operation does not apply: doc is missing path: ${path}: ${ERR_MISSING}`, 'missing');
  try {
    d.get(found[0], found[1]);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`replace operation does not apply: doc is missing key: ${path}: ${ERR_MISSING}`, 'missing');
  }
  try {
    d.set(found[0], found[1], value);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`error in remove for path: '${path}': ${err.message}`, 'other');
  }
}

function opMove(d: Doc, op: PObj | null): void {
  const from = fromOf(op);
  if (from === '') throw new GoError(`unable to move entire document to another path: ${ERR_INVALID}`, 'invalid');
  const src = d.findObject(from);
  if (src === undefined) throw new GoError(`move operation does not apply: doc is missing from path: ${from}: ${ERR_MISSING}`, 'missing');
  let val: PNode;
  try {
    val = d.get(src[0], src[1]);
    d.remove(src[0], src[1]);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`error in move for path: '${src[1]}': ${err.message}`, 'other');
  }
  const path = pathOf(op);
  const dst = d.findObject(path);
  if (dst === undefined) throw new GoError(`move operation does not apply: doc is missing destination path: ${path}: ${ERR_MISSING}`, 'missing');
  try {
    d.add(dst[0], dst[1], val);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`error in move for path: '${path}': ${err.message}`, 'other');
  }
}

function opTest(d: Doc, op: PObj | null): void {
  const path = pathOf(op);
  const ov = opValue(op);
  if (path === '') {
    if (ov === undefined) throw new PatchError('PANIC', NIL_DEREF);
    if (equalRoot(d.root, ov)) return;
    throw new GoError(`testing value ${path} failed: test failed`, 'test');
  }
  const found = d.findObject(path);
  if (found === undefined) throw new GoError(`test operation does not apply: is missing path: ${path}: ${ERR_MISSING}`, 'missing');
  let val: PNode = null;
  try {
    val = d.get(found[0], found[1]);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    if (err.sentinel !== 'missing') {
      throw new GoError(`error in test for path: '${path}': ${err.message}`, 'other');
    }
  }
  const ovIsNull = ov === undefined || ov === null || ov === RAW_NULL;
  if (val === null) {
    if (ovIsNull) return;
    throw new GoError(`testing value ${path} failed: test failed`, 'test');
  }
  if (ovIsNull) throw new GoError(`testing value ${path} failed: test failed`, 'test');
  if (equal(val, ov)) return;
  throw new GoError(`testing value ${path} failed: test failed`, 'test');
}

function opCopy(d: Doc, op: PObj | null): void {
  const from = fromOf(op);
  const src = d.findObject(from);
  if (src === undefined) throw new GoError(`copy operation does not apply: doc is missing from path: "${from}": ${ERR_MISSING}`, 'missing');
  let val: PNode;
  try {
    val = d.get(src[0], src[1]);
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`error in copy for from: '${from}': ${err.message}`, 'other');
  }
  const path = pathOf(op);
  const dst = d.findObject(path);
  if (dst === undefined) throw new GoError(`copy operation does not apply: doc is missing destination path: ${path}: ${ERR_MISSING}`, 'missing');
  try {
    d.add(dst[0], dst[1], deepCopyNode(val));
  } catch (err) {
    if (!(err instanceof GoError)) throw err;
    throw new GoError(`error while adding value during copy: ${err.message}`, 'other');
  }
}

// ------------------------------------------------------------------------------------------------
// Public API

/** Result of {@link applyJson6902Detailed}. */
export interface Json6902Result {
  /** the patched document */
  result: JsonValue;
  /**
   * Whether Kyverno sees a change: it compares the resource's JSON bytes with the bytes evanphx writes,
   * so a value rewritten identically but spelled differently (`1.0` for `1`), a key moved to the end
   * (remove + add), or a decoded key with `&`, `<`, `>` counts as a change even when `result` equals
   * the input.
   */
  changed: boolean;
}

/**
 * Applies a JSON patch (a YAML or JSON text, or an already decoded list of operations) to a
 * document, like Kyverno's `ProcessPatchJSON6902`, and says whether Kyverno would see a change.
 * The input document is not modified. Throws PatchError: 'DECODE' (bad patch text), 'APPLY' (an
 * operation failed), 'TEST_FAILED', 'PANIC' (the reference implementation crashes on this input).
 */
export function applyJson6902Detailed(doc: JsonValue, ops: readonly JsonValue[] | string): Json6902Result {
  const decoded = typeof ops === 'string' ? decodeText(ops) : decodeOrThrow(fromJson(ops as JsonValue[]));
  // Kyverno marshals the resource from a Go map: sorted keys
  const root = fromJson(doc, true);
  if (!(root instanceof PObj || root instanceof PArr)) throw new PatchError('APPLY', ERR_INVALID);
  const d = new Doc(root, fromJson(doc, true));
  for (const op of decoded) {
    try {
      applyOp(d, op);
    } catch (err) {
      if (err instanceof GoError) throw new PatchError(err.sentinel === 'test' ? 'TEST_FAILED' : 'APPLY', err.message);
      throw err;
    }
  }
  if (d.root instanceof NilArr) return { result: null, changed: goJsonMarshal(doc) !== 'null' };
  if (d.root instanceof NilDoc) throw new PatchError('APPLY', `json: error calling MarshalJSON for type *jsonpatch.partialDoc: ${ERR_EXPECTED_OBJECT}`);
  return { result: toJson(d.root), changed: serialize(d.root) !== goJsonMarshal(doc) };
}

/**
 * Applies a JSON patch to a document (see {@link applyJson6902Detailed}) and returns the patched
 * document. Example: `applyJson6902({a: [1]}, '[{"op":"add","path":"/a/-","value":2}]')` -> `{a: [1, 2]}`.
 */
export function applyJson6902(doc: JsonValue, ops: readonly JsonValue[] | string): JsonValue {
  return applyJson6902Detailed(doc, ops).result;
}

/** Parses a patchesJson6902 text into operations without applying it (validation of policies). */
export function decodeJson6902(text: string): JsonValue[] {
  return decodeText(text).map((op) => (op === null ? null : toJson(op)));
}

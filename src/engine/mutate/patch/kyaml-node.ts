/**
 * A small model of the yaml.v3 nodes kustomize/kyaml merges, and the kyaml filters the merge uses
 * (FieldSetter, FieldClearer, FieldMatcher, ElementSetter, ElementMatcher, ElementValuesList).
 *
 * Kyverno hands kyaml JSON text (the resource and the preprocessed patch), so every node starts out as
 * parsed from JSON: strings are double-quoted `!!str` scalars, numbers/booleans/null plain scalars.
 * kyaml compares merge keys by the scalar *text* (`80` matches `"80"`), and it copies the *style* of
 * the value it replaces onto the new value, which is why a number patched over an existing string field
 * comes out as a string: both are modelled here. Converting back (`nodeToJson`) mirrors what
 * yaml.v3 encode + decode does with tag and style.
 *
 * Nodes are mutable and compared by identity, like the Go pointers they model; `undefined` stands for a
 * Go nil `*RNode`.
 */
import type { JsonObject, JsonValue } from '../../api/json.ts';
import { compareGoStrings, goJsonNumber } from '../../utils/gojson.ts';
import { defineKey } from './own-property.ts';
import { PatchError } from './patch-error.ts';

/** yaml.v3 scalar tags ('' for an untagged node, resolved when written). */
export type ScalarTag = '!!str' | '!!int' | '!!float' | '!!bool' | '!!null' | '';

/** A key/value pair of a mapping node (keys are plain strings here). */
export interface MapEntry {
  key: string;
  value: YNode;
}

/** A mapping node: entries in document order. */
export interface YMap {
  kind: 'map';
  content: MapEntry[];
}

/** A sequence node. */
export interface YSeq {
  kind: 'seq';
  content: YNode[];
}

/** A scalar node: its tag, its text and whether it is written double-quoted. */
export interface YScalar {
  kind: 'scalar';
  tag: ScalarTag;
  value: string;
  /** double-quoted style (JSON strings); everything else is plain */
  quoted: boolean;
  /** kyaml `ShouldKeep`: a null that must survive FieldSetter (MakePersistentNullNode) */
  keep?: boolean;
}

/** A yaml.v3 node as kyaml manipulates it. */
export type YNode = YMap | YSeq | YScalar;
/** `map` (MappingNode), `seq` (SequenceNode), `scalar` (ScalarNode). */
export type NodeKind = YNode['kind'];

// ------------------------------------------------------------------------------------------------
// Conversion

/** The scalar text encoding/json would write for a JSON primitive (what yaml.v3 then stores). */
function scalarText(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return goJsonNumber(v);
  return String(v);
}

/**
 * Parses a JSON value the way `yaml.Parse(json.Marshal(v))` would. Kyverno only ever hands kyaml JSON
 * produced from Go maps, so object keys come in Go's sorted order (this decides, for instance, which of
 * two keys an anchor renaming makes equal is seen first).
 */
export function nodeFromJson(v: JsonValue): YNode {
  if (v === null) return { kind: 'scalar', tag: '!!null', value: 'null', quoted: false };
  if (Array.isArray(v)) return { kind: 'seq', content: v.map(nodeFromJson) };
  switch (typeof v) {
    case 'string':
      return { kind: 'scalar', tag: '!!str', value: v, quoted: true };
    case 'boolean':
      return { kind: 'scalar', tag: '!!bool', value: v ? 'true' : 'false', quoted: false };
    case 'number': {
      const text = scalarText(v);
      return { kind: 'scalar', tag: /^-?[0-9]+$/.test(text) ? '!!int' : '!!float', value: text, quoted: false };
    }
    default: {
      const content: MapEntry[] = [];
      for (const k of Object.keys(v).sort(compareGoStrings)) content.push({ key: k, value: nodeFromJson(v[k] as JsonValue) });
      return { kind: 'map', content };
    }
  }
}

/** A new plain, untagged scalar (kyaml `NewScalarRNode`). */
export function newScalar(value: string): YScalar {
  return { kind: 'scalar', tag: '', value, quoted: false };
}

/** Decodes a node as yaml.v3 `Unmarshal(Marshal(node))` into interface{} would (tag + style aware). */
export function nodeToJson(n: YNode): JsonValue {
  switch (n.kind) {
    case 'map': {
      const out: JsonObject = {};
      for (const e of n.content) defineKey(out, e.key, nodeToJson(e.value));
      return out;
    }
    case 'seq':
      return n.content.map(nodeToJson);
    default:
      return scalarToJson(n);
  }
}

function scalarToJson(n: YScalar): JsonValue {
  if (n.tag === '!!str') return n.value;
  if (n.tag === '') return n.quoted ? n.value : resolvePlain(n.value);
  // A tagged non-string scalar: the encoder drops the tag when the text resolves to it, and then a
  // quoted style makes the decoder read a string.
  const resolvesToTag = resolveTag(n.value) === n.tag;
  if (n.quoted && resolvesToTag) return n.value;
  switch (n.tag) {
    case '!!null':
      return null;
    case '!!bool':
      return /^(true|True|TRUE)$/.test(n.value);
    default: {
      const v = resolvePlain(n.value);
      return typeof v === 'number' ? v : Number(n.value);
    }
  }
}

const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function resolveTag(text: string): ScalarTag {
  const v = resolvePlain(text);
  if (v === null) return '!!null';
  if (typeof v === 'boolean') return '!!bool';
  if (typeof v === 'number') return Number.isInteger(v) && !/[.eE]/.test(text) ? '!!int' : '!!float';
  return '!!str';
}

/** yaml.v3's resolution of a plain scalar (YAML 1.2 core schema plus yaml.v3's int forms). */
export function resolvePlain(text: string): JsonValue {
  switch (text) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
    case '-.inf':
    case '-.Inf':
    case '-.INF':
    case '.nan':
    case '.NaN':
    case '.NAN':
      return text; // not representable in JSON
    default:
      break;
  }
  const c = text.charCodeAt(0);
  const maybeNumber = (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e;
  if (!maybeNumber) return text;
  const plain = text.replace(/_/g, '');
  const int = parseGoInt(plain);
  if (int !== undefined) return int;
  if (FLOAT_RE.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return f;
  }
  return text;
}

/** strconv.ParseInt(s, 0, 64) (and ParseUint): sign, then 0x / 0o / 0b / leading-0 octal / decimal. */
function parseGoInt(s: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2] as string;
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body[0] === '0') n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return m[1] === '-' && n !== 0 ? -n : n;
}

/** Deep copy (kyaml `Copy` / `CopyYNode`). */
export function copyNode<T extends YNode>(n: T): T {
  switch (n.kind) {
    case 'map':
      return { kind: 'map', content: n.content.map((e) => ({ key: e.key, value: copyNode(e.value) })) } as T;
    case 'seq':
      return { kind: 'seq', content: n.content.map(copyNode) } as T;
    default:
      return { ...n };
  }
}

// ------------------------------------------------------------------------------------------------
// Predicates (kyaml rnode.go / types.go)

/** `IsTaggedNull`: an explicit null. */
export function isTaggedNull(n: YNode | undefined): boolean {
  return n !== undefined && n.kind === 'scalar' && n.tag === '!!null';
}

/** `IsMissingOrNull`: nil or explicitly tagged null. */
export function isMissingOrNull(n: YNode | undefined): n is undefined | YScalar {
  return n === undefined || (n.kind === 'scalar' && n.tag === '!!null');
}

/** `IsEmptyMap`: missing/null or a map without fields. */
export function isEmptyMap(n: YNode | undefined): boolean {
  return isMissingOrNull(n) || (n.kind === 'map' && n.content.length === 0);
}

/** `IsNilOrEmpty`: nil, null, empty map or empty sequence. */
export function isNilOrEmpty(n: YNode | undefined): boolean {
  if (n === undefined) return true;
  if (n.kind === 'scalar') return n.tag === '!!null';
  return n.content.length === 0;
}

/** `YNode().Value`: the scalar text, '' for maps and sequences. */
export function nodeValue(n: YNode): string {
  return n.kind === 'scalar' ? n.value : '';
}

/** `GetValue`: '' for missing/null nodes, else the scalar text. */
export function getValue(n: YNode | undefined): string {
  return isMissingOrNull(n) ? '' : nodeValue(n);
}

// ------------------------------------------------------------------------------------------------
// Errors

const KIND_NAME: Record<NodeKind, string> = { map: 'MappingNode', seq: 'SequenceNode', scalar: 'ScalarNode' };

/** kyaml `ErrorIfInvalid`: missing/null nodes pass. */
export function errorIfInvalid(n: YNode | undefined, kind: NodeKind): void {
  if (isMissingOrNull(n)) return;
  if (n.kind !== kind) {
    throw new PatchError(
      'WRONG_NODE_KIND',
      `wrong node kind: expected ${KIND_NAME[kind]} but got ${KIND_NAME[n.kind]}: node contents:\n${nodeToYamlString(n)}`,
    );
  }
}

/**
 * The node as kyaml's `String()` prints nodes parsed from JSON (flow style). Used in error messages;
 * unlike yaml.v3 it does not wrap lines longer than 80 columns.
 */
export function nodeToYamlString(n: YNode): string {
  return flow(n) + '\n';
}

function flow(n: YNode): string {
  switch (n.kind) {
    case 'map':
      return '{' + n.content.map((e) => `${quote(e.key)}: ${flow(e.value)}`).join(', ') + '}';
    case 'seq':
      return '[' + n.content.map(flow).join(', ') + ']';
    default:
      return n.quoted || (n.tag === '!!str' && resolveTag(n.value) !== '!!str') ? quote(n.value) : n.value;
  }
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** The short tag for messages (`!!map`, `!!seq`, `!!str`, ...). */
export function shortTag(n: YNode): string {
  if (n.kind === 'map') return '!!map';
  if (n.kind === 'seq') return '!!seq';
  return n.tag === '' ? resolveTag(n.value) : n.tag;
}

// ------------------------------------------------------------------------------------------------
// Map access (RNode.Field, Fields, FieldSetter, FieldClearer, FieldMatcher)

/** `RNode.Field(name)`: the first entry with that key; undefined for non-maps. */
export function fieldEntry(n: YNode | undefined, name: string): MapEntry | undefined {
  if (n === undefined || n.kind !== 'map') return undefined;
  for (const e of n.content) if (e.key === name) return e;
  return undefined;
}

/** The value of `RNode.Field(name)`, or undefined. */
export function fieldValue(n: YNode | undefined, name: string): YNode | undefined {
  return fieldEntry(n, name)?.value;
}

/** `RNode.Fields()`: field names in order ([] for missing/null; an error for other kinds). */
export function fieldNames(n: YNode | undefined): string[] {
  errorIfInvalid(n, 'map');
  if (n === undefined || n.kind !== 'map') return [];
  return n.content.map((e) => e.key);
}

/** kyaml `FieldClearer` (`yaml.Clear(name)`): removes the first entry with that key, returns its value. */
export function clearField(n: YNode | undefined, name: string): YNode | undefined {
  errorIfInvalid(n, 'map');
  if (n === undefined || n.kind !== 'map') return undefined;
  const i = n.content.findIndex((e) => e.key === name);
  if (i < 0) return undefined;
  const [removed] = n.content.splice(i, 1);
  return removed?.value;
}

/**
 * kyaml `FieldSetter{Name, Value}` on a map: a nil value or a (non-persistent) null clears the field;
 * an existing field takes the new value *with the old value's style*; otherwise the field is appended.
 */
export function setField(n: YNode, name: string, value: YNode | undefined): void {
  if (value === undefined || (isTaggedNull(value) && !(value as YScalar).keep)) {
    clearField(n, name);
    return;
  }
  const existing = matchField(n, name, undefined);
  if (existing !== undefined) {
    // keep the original style (only the quoted bit of scalars matters once converted back to JSON)
    if (value.kind === 'scalar') value.quoted = existing.value.kind === 'scalar' && existing.value.quoted;
    existing.value = value;
    return;
  }
  (n as YMap).content.push({ key: name, value });
}

/**
 * kyaml `FieldSetter{Value}` without a name on a scalar (`yaml.Set`): the scalar takes the new node's
 * content in place, keeping its own style.
 */
export function setScalarInPlace(target: YNode, value: YScalar): void {
  errorIfInvalid(target, 'scalar');
  if (value.tag === '!!null') return;
  const t = target as YScalar;
  const quoted = t.quoted;
  t.tag = value.tag;
  t.value = value.value;
  t.quoted = quoted;
  delete t.keep;
}

/**
 * kyaml `FieldMatcher{Name, Value}` on a map: the entry named `name` (first occurrence) whose value's
 * text equals `value` (any value when `value` is undefined). Errors for non-map, non-null nodes.
 */
export function matchField(n: YNode | undefined, name: string, value: string | undefined): MapEntry | undefined {
  if (isMissingOrNull(n)) return undefined;
  errorIfInvalid(n, 'map');
  for (const e of (n as YMap).content) {
    if (e.key !== name) continue;
    if (value === undefined || nodeValue(e.value) === value) return e;
    return undefined;
  }
  return undefined;
}

/** kyaml `FieldMatcher{Name: '', Value}` on a scalar: the node when its text equals `value`. */
function matchScalar(n: YNode | undefined, value: string): YNode | undefined {
  if (isMissingOrNull(n)) return undefined;
  errorIfInvalid(n, 'scalar');
  return getValue(n) === value ? n : undefined;
}

// ------------------------------------------------------------------------------------------------
// Sequences (ElementSetter, ElementMatcher, ElementValuesList)

/**
 * kyaml `ElementSetter{Element, Keys, Values}` on a sequence: replaces (or, with no element, deletes)
 * the elements whose fields match all key/value pairs, appends the element when none matched.
 * Null and empty-map elements are dropped on the way. Returns the element or undefined.
 */
export function elementSetter(
  seq: YNode,
  element: YNode | undefined,
  keysIn: readonly string[],
  values: readonly string[],
): YNode | undefined {
  const keys = keysIn.length === 0 ? [''] : keysIn;
  errorIfInvalid(seq, 'seq');
  const s = seq as YSeq;
  const isMappingSetter = keys.length > 0 && keys[0] !== '' && values.length > 0 && values[0] !== '';
  const newContent: YNode[] = [];
  let matchingElementFound = false;
  for (const elem of s.content) {
    if (isMissingOrNull(elem) || isEmptyMap(elem)) continue;
    if (elem.kind !== 'map' && isMappingSetter) {
      newContent.push(elem);
      continue;
    }
    let found = true;
    let val: unknown = undefined;
    for (let j = 0; j < keys.length; j++) {
      if (j < values.length) val = fieldMatcherWithStringValue(elem, keys[j] as string, values[j] as string);
      if (val === undefined) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) newContent.push(elem);
      continue;
    }
    matchingElementFound = true;
    if (element === undefined) continue;
    newContent.push(element);
  }
  s.content = newContent;
  if (isMissingOrNull(element)) return undefined;
  if (!matchingElementFound) s.content.push(element);
  return element;
}

/** `FieldMatcher{Name, StringValue}`: an empty StringValue matches on the name alone. */
function fieldMatcherWithStringValue(elem: YNode, name: string, stringValue: string): unknown {
  if (name === '') return matchScalar(elem, stringValue);
  return matchField(elem, name, stringValue === '' ? undefined : stringValue);
}

/**
 * kyaml `ElementList(keys, values)` (ElementMatcher): the first map element whose fields equal all the
 * values; for the key `''`, the first element whose scalar text equals values[0]. Undefined when the
 * node is not a sequence or nothing matches.
 */
export function elementList(seq: YNode | undefined, keysIn: readonly string[], valuesIn: readonly string[]): YNode | undefined {
  if (seq === undefined || seq.kind !== 'seq') return undefined;
  const keys = keysIn.length === 0 ? [''] : keysIn;
  const values = valuesIn.length === 0 ? [''] : valuesIn;
  if (keys[0] === '') {
    for (const elem of seq.content) if (nodeValue(elem) === values[0]) return elem;
    return undefined;
  }
  for (const elem of seq.content) {
    if (!isMissingOrNull(elem) && elem.kind !== 'map') continue;
    if (keys.length !== values.length) return undefined; // the matcher errors; ElementList swallows it
    let matches = true;
    for (let i = 0; i < keys.length; i++) {
      if (matchField(elem, keys[i] as string, values[i] as string) === undefined) {
        matches = false;
        break;
      }
    }
    if (matches) return elem;
  }
  return undefined;
}

/** kyaml `GetElementByKey(key)`: the first map element that has the field. */
export function elementByKey(seq: YNode, key: string): YNode | undefined {
  errorIfInvalid(seq, 'seq');
  if (seq.kind !== 'seq') return undefined;
  for (const elem of seq.content) {
    if (!isMissingOrNull(elem) && elem.kind !== 'map') continue;
    if (matchField(elem, key, undefined) !== undefined) return elem;
  }
  return undefined;
}

/** kyaml `ElementValuesList(keys)`: per element, the text of each key field ('' when missing or empty). */
export function elementValuesList(seq: YNode, keys: readonly string[]): string[][] {
  errorIfInvalid(seq, 'seq');
  if (seq.kind !== 'seq') return [];
  return seq.content.map((elem) =>
    keys.map((k) => {
      const v = fieldValue(elem, k);
      return isNilOrEmpty(v) ? '' : nodeValue(v as YNode);
    }),
  );
}

/** kyaml `Append`: adds elements to a sequence. */
export function appendElement(seq: YNode, elem: YNode): void {
  errorIfInvalid(seq, 'seq');
  (seq as YSeq).content.push(elem);
}

/**
 * kyaml's merge walk (kyaml/yaml/walk/*.go with the merge2.Merger visitor), as kustomize's
 * `patchstrategicmerge` filter runs it for Kyverno: sources are `[dest = resource, origin = patch]`,
 * `ListIncreaseDirection: Prepend` (new keyed-list elements go before the existing ones), no key
 * inference for lists without a schema.
 *
 * Walking a node:
 * - map: the merged map is the dest (missing dest: the patch node itself; null patch: cleared;
 *   `$patch: delete|replace` honoured); then every field of either side is walked, in sorted order, and
 *   set on the result (a nil/null result removes the field).
 * - list with a schema strategy `merge`: merged by the schema's keys (primitive lists by value);
 *   `$patch` list directives honoured; otherwise the patch list replaces the dest list.
 * - scalar: the patch value wins.
 * Kinds must agree (dest map vs patch list is a `wrong node kind` error). The code follows the Go
 * functions one for one, including their quirks, so that results match Kyverno's exactly.
 */
import {
  appendElement,
  elementList,
  elementSetter,
  elementValuesList,
  errorIfInvalid,
  fieldEntry,
  fieldNames,
  fieldValue,
  getValue,
  isEmptyMap,
  isMissingOrNull,
  isNilOrEmpty,
  isTaggedNull,
  matchField,
  newScalar,
  nodeValue,
  setField,
  setScalarInPlace,
  type NodeKind,
  type YNode,
  type YScalar,
} from './kyaml-node.ts';
import {
  hasMergeStrategy,
  patchStrategyAndKeys,
  schemaElements,
  schemaField,
  schemaForResourceType,
  type Schema,
} from './merge-keys.ts';
import { compareGoStrings } from '../../utils/gojson.ts';
import { PatchError } from './patch-error.ts';
import { determineSmpDirective, determineSmpDirectiveLenient } from './smp-directive.ts';

/** `[dest, origin]`; undefined entries are Go nil nodes. */
type Sources = [YNode | undefined, YNode | undefined];

/** Merges `origin` (the patch) into `dest` (the resource) in place; returns the result node (undefined: deleted). */
export function mergeNodes(origin: YNode, dest: YNode): YNode | undefined {
  return walk([dest, origin], undefined);
}

function firstKind(sources: Sources): NodeKind | undefined {
  for (const s of sources) if (!isMissingOrNull(s)) return s.kind;
  return undefined;
}

function walk(sources: Sources, parentSchema: Schema | undefined): YNode | undefined {
  const [dest, origin] = sources;
  // Fast path: a subtree the patch does not touch comes out of kyaml's walk unchanged unless it holds
  // keyed lists that kyaml would normalise (see isMergeNoop); skip the walk then.
  if (origin === undefined && dest !== undefined && !isTaggedNull(dest) && isMergeNoop(dest, parentSchema)) return dest;
  const schema = getSchema(sources, parentSchema);
  switch (firstKind(sources)) {
    case 'map':
      for (const s of sources) errorIfInvalid(s, 'map');
      return walkMap(sources, schema);
    case 'seq':
      for (const s of sources) errorIfInvalid(s, 'seq');
      if (schema !== undefined && hasMergeStrategy(schema)) return walkAssociativeSequence(sources, schema);
      return visitNonAssociativeList(sources);
    case 'scalar':
      for (const s of sources) errorIfInvalid(s, 'scalar');
      return sources[1] !== undefined ? sources[1] : sources[0];
    default:
      // empty nodes are walked as maps
      return walkMap(sources, schema);
  }
}

/**
 * Whether walking `n` against nothing (no patch) would give back the same document. It does, except
 * for lists merged by key, which kyaml rebuilds: it drops null and empty elements, collapses elements
 * with equal keys, reorders elements that miss a key, retags primitive values. Lists are accepted here
 * only when none of that can happen: keyed lists of non-empty maps with all keys present, non-empty and
 * unique; primitive merge lists of distinct non-empty scalars. Unkeyed lists are returned as they are.
 */
function isMergeNoop(n: YNode, schemaIn: Schema | undefined): boolean {
  switch (n.kind) {
    case 'scalar':
      return true;
    case 'map': {
      const schema = schemaIn ?? getSchema([n, undefined], undefined);
      for (const e of n.content) {
        if (!isMergeNoop(e.value, schema === undefined ? undefined : schemaField(schema, e.key))) return false;
      }
      return true;
    }
    default: {
      if (schemaIn === undefined || !hasMergeStrategy(schemaIn)) return true;
      const keys = patchStrategyAndKeys(schemaIn).keys;
      const seen = new Set<string>();
      if (keys.length === 0) {
        for (const e of n.content) {
          if (e.kind !== 'scalar' || e.tag === '!!null' || e.value === '' || seen.has(e.value)) return false;
          seen.add(e.value);
        }
        return true;
      }
      const elemSchema = schemaElements(schemaIn);
      for (const e of n.content) {
        if (e.kind !== 'map' || e.content.length === 0) return false;
        let tuple = '';
        for (const k of keys) {
          const v = fieldValue(e, k);
          if (v === undefined || v.kind !== 'scalar' || v.tag === '!!null' || v.value === '') return false;
          tuple += v.value + '\u0000';
        }
        if (seen.has(tuple)) return false;
        seen.add(tuple);
        if (!isMergeNoop(e, elemSchema)) return false;
      }
      return true;
    }
  }
}

/** walk.Walker.GetSchema: the parent's schema, else the schema of the node's own apiVersion/kind. */
function getSchema(sources: Sources, schema: Schema | undefined): Schema | undefined {
  if (schema !== undefined) return schema;
  for (const r of sources) {
    if (isMissingOrNull(r) || r.kind !== 'map') continue;
    const apiVersion = metaString(r, 'apiVersion');
    const kind = metaString(r, 'kind');
    if (apiVersion === '' || kind === '') continue;
    const s = schemaForResourceType(apiVersion, kind);
    if (s !== undefined) return s;
  }
  return undefined;
}

function metaString(r: YNode, name: string): string {
  const v = fieldValue(r, name);
  return isNilOrEmpty(v) ? '' : getValue(v);
}

// ------------------------------------------------------------------------------------------------
// Maps

function visitMap(sources: Sources): YNode | undefined {
  const [dest, origin] = sources;
  if (isMissingOrNull(dest)) {
    if (determineSmpDirectiveLenient(origin) === 'delete') return undefined;
    // origin missing: keep an explicit null of the dest ("null", "~", ...)
    if (origin === undefined && dest !== undefined && dest.kind === 'scalar' && dest.value.length > 0) {
      const keep: YScalar = { kind: 'scalar', tag: '!!null', value: dest.value, quoted: false, keep: true };
      return keep;
    }
    return origin;
  }
  if (isTaggedNull(origin)) return undefined;
  switch (determineSmpDirective(origin)) {
    case 'delete':
      return undefined;
    case 'replace':
      return origin;
    default:
      return dest;
  }
}

function walkMap(sources: Sources, schema: Schema | undefined): YNode | undefined {
  const dest = visitMap(sources);
  sources[0] = dest;
  if (dest === undefined) return undefined;

  const names = new Set<string>();
  for (const s of sources) if (s !== undefined) for (const n of fieldNames(s)) names.add(n);
  const sorted = [...names].sort(compareGoStrings);

  for (const key of sorted) {
    const childSchema = schema !== undefined ? schemaField(schema, key) : undefined;
    const fv: Sources = [fieldEntry(sources[0], key)?.value, fieldEntry(sources[1], key)?.value];
    const val = walk(fv, childSchema);
    setField(dest, key, val);
  }
  return dest;
}

// ------------------------------------------------------------------------------------------------
// Lists

function visitNonAssociativeList(sources: Sources): YNode | undefined {
  return sources[1] !== undefined ? sources[1] : sources[0];
}

function visitAssociativeList(sources: Sources): YNode | undefined {
  const [dest, origin] = sources;
  if (isMissingOrNull(dest)) return origin;
  if (isTaggedNull(origin)) return undefined;
  switch (determineSmpDirective(origin)) {
    case 'delete':
      return undefined;
    case 'replace':
      return origin;
    default:
      return dest;
  }
}

function walkAssociativeSequence(sources: Sources, schema: Schema): YNode | undefined {
  const dest = visitAssociativeList(sources);
  sources[0] = dest;
  if (dest === undefined) return undefined;

  // kyaml infers a key only when the schema has neither strategy nor keys, which cannot happen here
  // (the list is associative because its schema has the `merge` strategy).
  const keys = patchStrategyAndKeys(schema).keys;
  const values = elementValues(sources, keys);
  if (values.length !== 0 || keys.length > 0) return setAssociativeSequenceElements(sources, schema, values, keys, dest);
  // primitive associative list (e.g. finalizers): merge the values
  return setAssociativeSequenceElements(sources, schema, elementPrimitiveValues(sources), [''], dest);
}

/** Sources in Prepend order: the patch first, then the dest. */
function prependOrder(sources: Sources): Array<YNode | undefined> {
  return [sources[1], sources[0]];
}

function elementValues(sources: Sources, keys: readonly string[]): string[][] {
  const out: string[][] = [];
  const seen: string[][] = [];
  for (const src of prependOrder(sources)) {
    if (src === undefined) continue;
    let values: string[][];
    try {
      values = elementValuesList(src, keys);
    } catch {
      values = [];
    }
    for (const s of values) {
      if (s.length === 0 || seen.some((x) => sameStrings(x, s))) continue;
      out.push(s);
      seen.push(s);
    }
  }
  return out;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function elementPrimitiveValues(sources: Sources): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of prependOrder(sources)) {
    if (src === undefined || src.kind === 'scalar') continue;
    const items = src.kind === 'seq' ? src.content : [];
    for (const item of items) {
      const v = nodeValue(item);
      if (seen.has(v)) continue;
      out.push([v]);
      seen.add(v);
    }
  }
  return out;
}

/** kyaml `validateKeys`: drop keys no element has a value for (unless none has any). */
function validateKeys(valuesList: readonly string[][], values: readonly string[], keys: readonly string[]): [string[], string[]] {
  const validKeySet = new Set<string>();
  for (const vs of valuesList) {
    for (let i = 0; i < vs.length; i++) if (vs[i] !== '') validKeySet.add(keys[i] as string);
  }
  if (validKeySet.size === 0) return [[...keys], [...values]];
  const validKeys = keys.filter((k) => validKeySet.has(k));
  const validValues: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    if (v !== '' || validKeySet.has(keys[i] as string)) validValues.push(v);
  }
  return [validKeys, validValues];
}

/** kyaml `mergeValues`: key tuples equal up to empty entries are unified (ports with/without protocol). */
function mergeValues(valuesList: string[][]): string[][] {
  for (let i = 0; i < valuesList.length; i++) {
    const values1 = valuesList[i] as string[];
    for (let j = 0; j < valuesList.length; j++) {
      const values2 = valuesList[j] as string[];
      const m = matchValues(values1, values2);
      if (m !== undefined) {
        valuesList[i] = m;
        valuesList[j] = m;
      }
    }
  }
  return valuesList;
}

function matchValues(values1: readonly string[], values2: readonly string[]): string[] | undefined {
  if (values1.length !== values2.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < values1.length; i++) {
    const a = values1[i] as string;
    const b = values2[i] as string;
    if (a === b) {
      common = true;
      res.push(a);
      continue;
    }
    if (a !== '' && b !== '') return undefined;
    res.push(a !== '' ? a : b);
  }
  return common ? res : undefined;
}

function elementValueList(sources: Sources, keysIn: readonly string[], valuesIn: readonly string[]): Sources {
  const [keys, values] = validateKeys([valuesIn as string[]], valuesIn, keysIn);
  return [
    sources[0] === undefined ? undefined : elementList(sources[0], keys, values),
    sources[1] === undefined ? undefined : elementList(sources[1], keys, values),
  ];
}

function setAssociativeSequenceElements(
  sources: Sources,
  schema: Schema,
  valuesListIn: string[][],
  keys: readonly string[],
  destIn: YNode,
): YNode | undefined {
  let dest: YNode = destIn;
  const itemsToBeAdded: YNode = { kind: 'seq', content: [] };
  const elemSchema = schemaElements(schema);
  const valuesList = keys.length > 1 ? mergeValues(valuesListIn) : valuesListIn;

  let validKeys: string[] = [];
  let validValues: string[] = [];
  for (const values of valuesList) {
    if (values.length === 0) continue;
    [validKeys, validValues] = validateKeys(valuesList, values, keys);
    const val = walk(elementValueList(sources, validKeys, validValues), elemSchema);

    let exit = false;
    for (let i = 0; i < validKeys.length; i++) {
      const key = validKeys[i] as string;
      if (isMissingOrNull(val) || isEmptyMap(val)) {
        // delete the element from the dest
        elementSetter(dest, undefined, validKeys, validValues);
        exit = true;
      } else if (fieldEntry(val, key) === undefined && (validValues[i] ?? '') !== '') {
        // make sure the key is set on the element
        setKeyOnElement(val, key, validValues[i] as string);
      }
    }
    if (exit) continue;
    elementSetter(itemsToBeAdded, val, validKeys, validValues);
  }

  if (valuesList.length > 0) {
    // items from the patch are prepended: the dest is appended to them
    dest = appendListNode(itemsToBeAdded, dest, validKeys);
  }
  if (isMissingOrNull(dest)) return undefined;
  return dest;
}

/** `val.Pipe(yaml.SetField(key, yaml.NewScalarRNode(value)))`. */
function setKeyOnElement(val: YNode, key: string, value: string): void {
  if (key === '') {
    setScalarInPlace(val, newScalar(value));
    return;
  }
  matchField(val, key, undefined); // errors for non-maps, like the FieldMatcher inside FieldSetter
  setField(val, key, newScalar(value));
}

function appendListNode(dst: YNode, src: YNode, keys: readonly string[]): YNode {
  const elems = src.kind === 'seq' ? [...src.content] : [];
  for (const elem of elems) {
    if (keys[0] === '' || keys[0] === undefined) {
      if (keys[0] === undefined) throw new PatchError('PANIC', 'runtime error: index out of range [0] with length 0');
      elementSetter(dst, elem, [''], [nodeValue(elem)]);
      continue;
    }
    const v: string[] = [];
    for (const key of keys) {
      const valueNode = matchField(elem, key, undefined)?.value;
      if (valueNode === undefined) {
        // no key found: directly append to dst (and carry on, as kyaml does)
        appendElement(dst, elem);
        continue;
      }
      v.push(nodeValue(valueNode));
    }
    if (keys.length > 1) elementSetter(dst, undefined, keys, v);
    elementSetter(dst, elem, keys, v);
  }
  return dst;
}


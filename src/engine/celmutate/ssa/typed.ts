/**
 * Typed values as structured-merge-diff sees them (sigs.k8s.io/structured-merge-diff/v6 typed: validate.go,
 * helpers.go; fieldpath.PathElement): validation of an object against its type (`ObjectToTyped`), and the
 * path elements that identify list items (an index, the key fields of an associative list, or the value of
 * a set item).
 *
 * ```ts
 * validateTyped({ spec: { foo: 1 } }, tc.root, false); // [{ path: '.spec.foo', message: 'field not declared in schema' }]
 * ```
 */
import { isObject, type JsonObject, type JsonValue } from '../../api/json.ts';
import { mapFieldType, refTypeName, resolveAtom, type AtomData, type ListData, type RefData, type ScalarKind } from './schema.ts';
import { goScalarText, goTypeName, goValueText } from './go-format.ts';

/** One structured-merge-diff validation error (`ValidationError`). */
export interface SsaError {
  path: string;
  message: string;
}

/** `ValidationErrors.Error()`: one error as `path: message`, several as an indented list. */
export function formatSsaErrors(errs: readonly SsaError[]): string {
  const one = (e: SsaError): string => (e.path === '' ? e.message : `${e.path}: ${e.message}`);
  if (errs.length === 1) return one(errs[0]!);
  return ['errors:', ...errs.map((e) => `  ${one(e)}`)].join('\n');
}

export function ssaError(message: string): SsaError[] {
  return [{ path: '', message }];
}

export function withPrefix(errs: SsaError[], prefix: string): SsaError[] {
  for (const e of errs) e.path = prefix + e.path;
  return errs;
}

/** A list item's identity: `text` is `PathElement.String()`, `id` a canonical form for equality. */
export interface PathElement {
  readonly text: string;
  readonly id: string;
}

export function indexElement(i: number): PathElement {
  return { text: `[${i}]`, id: `#${i}` };
}

/** `deduceAtom`: the part of the atom the value's form selects (all of it when the value is absent/null). */
export function deduceAtom(a: AtomData, v: JsonValue | undefined): AtomData {
  if (v === undefined || v === null) return a;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return a.s ? { s: a.s } : a;
  if (Array.isArray(v)) return a.l ? { l: a.l } : a;
  return a.m ? { m: a.m } : a;
}

export function sameAtom(a: AtomData, b: AtomData): boolean {
  return a.s === b.s && a.l === b.l && a.m === b.m;
}

/** `validateScalar`: undefined when the value fits the scalar kind (absent and null always do). */
export function validateScalar(t: ScalarKind, v: JsonValue | undefined, prefix: string): SsaError[] | undefined {
  if (v === undefined || v === null) return undefined;
  switch (t) {
    case 'numeric':
      if (typeof v !== 'number') return ssaError(`${prefix}expected numeric (int or float), got ${goTypeName(v)}`);
      return undefined;
    case 'string':
      if (typeof v !== 'string') return ssaError(`${prefix}expected string, got ${goValueText(v, true)}`);
      return undefined;
    case 'boolean':
      if (typeof v !== 'boolean') return ssaError(`${prefix}expected boolean, got ${goValueText(v, false)}`);
      return undefined;
    default:
      if (typeof v === 'object') return ssaError(`${prefix}expected any scalar, got ${goValueText(v, false)}`);
      return undefined;
  }
}

function keyDefault(list: ListData, field: string): JsonValue | undefined {
  const d = list.d;
  return d && Object.prototype.hasOwnProperty.call(d, field) ? d[field] : undefined;
}

/** `listItemToPathElement`: the identity of an item of an associative list, or an error message. */
export function listItemElement(list: ListData, child: JsonValue): PathElement | string {
  if (list.r !== 's') return 'invalid indexing of non-associative list';
  const keys = list.k ?? [];
  if (keys.length > 0) {
    if (child === null) return 'associative list with keys may not have a null element';
    if (!isObject(child)) return 'associative list with keys may not have non-map elements';
    const fields: Array<[string, JsonValue]> = [];
    for (const k of keys) {
      if (Object.prototype.hasOwnProperty.call(child, k)) fields.push([k, child[k] as JsonValue]);
      else {
        const def = keyDefault(list, k);
        if (def !== undefined) fields.push([k, def]);
      }
    }
    if (fields.length === 0) {
      return `associative list with keys has an element that omits all key fields ${goQuotedList(keys)} (and doesn't have default values for any key fields)`;
    }
    fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      text: `[${fields.map(([k, v]) => `${k}=${goScalarText(v)}`).join(',')}]`,
      id: `k${JSON.stringify(fields.map(([k, v]) => [k, canonical(v)]))}`,
    };
  }
  if (isObject(child)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(child)) return 'not supported: associative list with lists as elements';
  if (child === null) return "associative list without keys has an element that's an explicit null";
  return { text: `[=${goScalarText(child)}]`, id: `v${JSON.stringify(canonical(child))}` };
}

function goQuotedList(keys: readonly string[]): string {
  return `[${keys.map((k) => JSON.stringify(k)).join(' ')}]`;
}

/** A value with sorted keys, for identity comparisons. */
function canonical(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k] as JsonValue);
    return out;
  }
  return v;
}

/**
 * `TypedValue.Validate`: checks `value` against the type `ref` (undeclared fields, scalar kinds, list
 * item identities and, unless `allowDuplicates`, duplicate items of associative lists).
 */
export function validateTyped(value: JsonValue, ref: RefData, allowDuplicates: boolean): SsaError[] {
  return validateNode(value, ref, allowDuplicates);
}

function validateNode(v: JsonValue, ref: RefData, allowDuplicates: boolean): SsaError[] {
  const resolved = resolveAtom(ref);
  if (!resolved) return ssaError(`schema error: no type found matching: ${refTypeName(ref)}`);
  const a = deduceAtom(resolved, v);
  if (a.m) {
    if (v === null) return [];
    if (!isObject(v)) return ssaError(`expected map, got ${goValueText(v, false)}`);
    const errs: SsaError[] = [];
    for (const key of Object.keys(v)) {
      const tr = mapFieldType(a.m, key);
      if (tr === undefined) {
        errs.push({ path: `.${key}`, message: 'field not declared in schema' });
        break;
      }
      errs.push(...withPrefix(validateNode(v[key] as JsonValue, tr, allowDuplicates), `.${key}`));
    }
    return errs;
  }
  if (a.s) return validateScalar(a.s, v, '') ?? [];
  if (a.l) {
    if (v === null) return [];
    if (!Array.isArray(v)) return ssaError(`expected list, got ${goValueText(v, false)}`);
    const errs: SsaError[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < v.length; i++) {
      const child = v[i] as JsonValue;
      let pe: PathElement;
      if (a.l.r !== 's') pe = indexElement(i);
      else {
        const r = listItemElement(a.l, child);
        if (typeof r === 'string') {
          errs.push({ path: '', message: `element ${i}: ${r}` });
          return errs;
        }
        pe = r;
        if (seen.has(pe.id) && !allowDuplicates) errs.push({ path: '', message: `duplicate entries for key ${pe.text}` });
        seen.add(pe.id);
      }
      errs.push(...withPrefix(validateNode(child, a.l.e, allowDuplicates), pe.text));
    }
    return errs;
  }
  return ssaError(`schema error: invalid atom: ${typeof ref === 'number' || Array.isArray(ref) ? `named type: ${refTypeName(ref)}` : 'inlined'}`);
}

/**
 * The structured-merge-diff schema model (sigs.k8s.io/structured-merge-diff/v6 schema): every type is an
 * atom that may be a scalar, a list and/or a map; a reference names a type (optionally overriding its map
 * element relationship) or inlines an atom. Two named types always exist: index 0, the untyped atomic
 * type, and index 1, the "deduced" type (maps granular, lists atomic) used for free-form objects and for
 * the deduced type converter of MutatingAdmissionPolicies.
 *
 * ```ts
 * const tc = builtinTypeConverter({ group: 'apps', version: 'v1', kind: 'Deployment' });
 * resolveAtom(tc.root); // the Deployment atom
 * ```
 */
import type { JsonValue } from '../../api/json.ts';
import { TYPE_ATOMS, TYPE_NAMES, TYPES_BY_GVK } from './builtin-schema.generated.ts';

export type ScalarKind = 'string' | 'numeric' | 'boolean' | 'untyped';

/** A map atom: declared fields, element type of other keys (absent: unknown keys rejected), `a`tomic / `s`eparable. */
export interface MapData {
  readonly f?: Readonly<Record<string, RefData>>;
  readonly e?: RefData;
  readonly r?: 'a' | 's';
}

/** A list atom: element type, `s` = associative (set, or map with keys `k`), `d` defaults of key fields. */
export interface ListData {
  readonly e: RefData;
  readonly r?: 's';
  readonly k?: readonly string[];
  readonly d?: Readonly<Record<string, JsonValue>>;
}

export interface AtomData {
  readonly s?: ScalarKind;
  readonly m?: MapData;
  readonly l?: ListData;
}

/** A named type (index), a named type whose map relationship is overridden, or an inlined atom. */
export type RefData = number | AtomData | readonly [number, 'a' | 's'];

export const UNTYPED_TYPE = 0;
export const DEDUCED_TYPE = 1;

/** Resolves a reference to its atom (`schema.Schema.Resolve`); undefined for an unknown name. */
export function resolveAtom(ref: RefData): AtomData | undefined {
  if (typeof ref === 'number') return TYPE_ATOMS[ref];
  if (Array.isArray(ref)) {
    const [i, rel] = ref as readonly [number, 'a' | 's'];
    const a = TYPE_ATOMS[i];
    if (!a) return undefined;
    if (!a.m) return a;
    return { ...a, m: { ...a.m, r: rel } };
  }
  return ref as AtomData;
}

/** Name of a referenced type, for messages. */
export function refTypeName(ref: RefData): string {
  if (typeof ref === 'number') return TYPE_NAMES[ref] ?? 'inlined type';
  if (Array.isArray(ref)) return TYPE_NAMES[(ref as readonly [number, string])[0]] ?? 'inlined type';
  return 'inlined type';
}

/** The field type of `key` in a map atom: the declared field, else the element type, else undefined. */
export function mapFieldType(m: MapData, key: string): RefData | undefined {
  if (m.f && Object.prototype.hasOwnProperty.call(m.f, key)) return m.f[key];
  return m.e;
}

export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/**
 * A type converter (`managedfields.TypeConverter`): built per group-version, it types an object by the
 * object's own kind (undefined: no corresponding type).
 */
export interface TypeConverter {
  typeOf(gvk: Gvk): RefData | undefined;
}

/** The converter that deduces the type from the value (`managedfields.NewDeducedTypeConverter`). */
export const deducedTypeConverter: TypeConverter = { typeOf: () => DEDUCED_TYPE };

const GVK_INDEX: ReadonlyMap<string, number> = new Map(TYPES_BY_GVK.map(([k, i]) => [k, i]));
const GROUP_VERSIONS: ReadonlySet<string> = new Set(TYPES_BY_GVK.map(([k]) => k.slice(0, k.lastIndexOf('/'))));

/** The built-in (Kubernetes 1.32) type of a GVK, undefined for kinds the built-in documents lack. */
export function builtinType(gvk: Gvk): RefData | undefined {
  return GVK_INDEX.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
}

/** The built-in converter of a group-version, undefined when the built-in documents lack it. */
export function builtinTypeConverter(gv: { group: string; version: string }): TypeConverter | undefined {
  if (!GROUP_VERSIONS.has(`${gv.group}/${gv.version}`)) return undefined;
  return { typeOf: (gvk) => (gvk.group === gv.group && gvk.version === gv.version ? builtinType(gvk) : undefined) };
}

/** Index of a built-in definition by its OpenAPI name (e.g. ObjectMeta for CRD roots). */
export function builtinTypeIndex(name: string): number | undefined {
  const i = TYPE_NAMES.indexOf(name);
  return i < 0 ? undefined : i;
}

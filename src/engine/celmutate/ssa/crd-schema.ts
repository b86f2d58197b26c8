/**
 * Type converters for custom resources, from CustomResourceDefinition objects the way Kyverno's CLI gets
 * them (kubectl-validate `NewLocalCRDFiles`: each served version's `openAPIV3Schema`, with `metadata`
 * replaced by a reference to ObjectMeta and `apiVersion` / `kind` declared as strings), converted like
 * kube-openapi's schemaconv (see scripts/gen-ssa-schema.ts for the rules).
 *
 * ```ts
 * const find = crdTypeConverters([widgetCrd]);
 * find({ group: 'example.com', version: 'v1', kind: 'Widget' }); // { root: {...} }
 * ```
 */
import { isObject, type JsonObject, type JsonValue } from '../../api/json.ts';
import { builtinType, builtinTypeConverter, builtinTypeIndex, DEDUCED_TYPE, UNTYPED_TYPE, type AtomData, type Gvk, type ListData, type MapData, type RefData, type TypeConverter } from './schema.ts';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The type converter of a request's group-version (`TypeConverterManager.GetTypeConverter`). */
export type TypeConverterLookup = (gvk: Gvk) => TypeConverter | undefined;

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function mapRel(s: JsonObject): 'a' | 's' | undefined {
  const v = s['x-kubernetes-map-type'];
  if (v === 'atomic') return 'a';
  if (v === 'granular') return 's';
  return undefined;
}

function parseSchema(s: JsonObject, preserveIn: boolean): AtomData {
  const preserve = preserveIn || s['x-kubernetes-preserve-unknown-fields'] === true;
  const type = Array.isArray(s['type']) ? str(s['type'][0]) : str(s['type']);
  switch (type) {
    case '':
      return { s: 'untyped', l: parseList(s, preserve), m: parseObject(s, preserve) };
    case 'object':
      return { m: parseObject(s, preserve) };
    case 'array':
      return { l: parseList(s, preserve) };
    case 'integer':
    case 'number':
      return { s: 'numeric' };
    case 'boolean':
      return { s: 'boolean' };
    case 'string': {
      const f = str(s['format']);
      return { s: f === '' || f === 'byte' ? 'string' : 'untyped' };
    }
    default:
      return { s: 'untyped' };
  }
}

function parseObject(s: JsonObject, preserve: boolean): MapData {
  const props = isObject(s['properties']) ? s['properties'] : {};
  const f: Record<string, RefData> = {};
  for (const k of Object.keys(props)) {
    const p = props[k];
    f[k] = isObject(p) ? parseSchema(p, preserve) : { s: 'untyped' };
  }
  let e: RefData | undefined;
  const ap = s['additionalProperties'];
  if (ap === undefined || ap === null) {
    if (preserve || Object.keys(props).length === 0) e = DEDUCED_TYPE;
  } else if (isObject(ap)) e = parseSchema(ap, preserve);
  else if (ap === true) e = DEDUCED_TYPE;
  const r = mapRel(s);
  return { ...(Object.keys(f).length > 0 ? { f } : {}), ...(e !== undefined ? { e } : {}), ...(r ? { r } : {}) };
}

function parseList(s: JsonObject, preserve: boolean): ListData {
  const items = s['items'];
  const e: RefData = isObject(items) ? parseSchema(items, preserve) : UNTYPED_TYPE;
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'set') return { e, r: 's' };
  if (lt === 'map') {
    const keys = Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'].map((k) => String(k)) : [];
    const props = isObject(items) && isObject(items['properties']) ? items['properties'] : {};
    const d: Record<string, JsonValue> = {};
    for (const k of keys) {
      const p = props[k];
      if (isObject(p) && p['default'] !== undefined && p['default'] !== null) d[k] = p['default'] as JsonValue;
    }
    return { e, r: 's', k: keys, ...(Object.keys(d).length > 0 ? { d } : {}) };
  }
  return { e };
}

/** The root type of one CRD version schema. */
export function crdRootType(openAPIV3Schema: JsonObject): RefData {
  const root = parseSchema(openAPIV3Schema, false);
  const meta = builtinTypeIndex(OBJECT_META);
  const m: MapData = root.m ?? {};
  const f: Record<string, RefData> = { ...(m.f ?? {}) };
  if (meta !== undefined) f['metadata'] = meta;
  f['apiVersion'] = { s: 'string' };
  f['kind'] = { s: 'string' };
  return { ...root, m: { ...m, f } };
}

/**
 * A lookup over the given CRDs (custom resources first, as the CLI's composite OpenAPI client puts the
 * CRD documents before the built-ins), falling back to the built-in types.
 */
export function crdTypeConverters(crds: readonly JsonObject[]): TypeConverterLookup {
  const table = new Map<string, RefData>();
  const gvs = new Set<string>();
  for (const crd of crds) {
    if (crd['kind'] !== 'CustomResourceDefinition') continue;
    const spec = isObject(crd['spec']) ? crd['spec'] : {};
    const group = str(spec['group']);
    const names = isObject(spec['names']) ? spec['names'] : {};
    const kind = str(names['kind']);
    const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
    const shared = isObject(spec['validation']) && isObject(spec['validation']['openAPIV3Schema']) ? spec['validation']['openAPIV3Schema'] : undefined;
    for (const v of versions) {
      if (!isObject(v)) continue;
      const schema = isObject(v['schema']) && isObject(v['schema']['openAPIV3Schema']) ? v['schema']['openAPIV3Schema'] : shared;
      const key = `${group}/${str(v['name'])}/${kind}`;
      if (!schema || table.has(key)) continue;
      table.set(key, crdRootType(schema));
      gvs.add(`${group}/${str(v['name'])}`);
    }
  }
  return (gvk) => {
    const builtin = builtinTypeConverter(gvk);
    if (!gvs.has(`${gvk.group}/${gvk.version}`)) return builtin;
    return {
      typeOf: (o) => {
        if (o.group !== gvk.group || o.version !== gvk.version) return undefined;
        return table.get(`${o.group}/${o.version}/${o.kind}`) ?? builtinType(o);
      },
    };
  };
}

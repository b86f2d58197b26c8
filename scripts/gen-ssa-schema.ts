/**
 * Generates src/engine/celmutate/ssa/builtin-schema.generated.ts: the structured-merge-diff view of the
 * built-in Kubernetes types that a MutatingPolicy's ApplyConfiguration merge consults.
 *
 * Kyverno's CLI builds the type converter of a MutatingPolicy from kubectl-validate's hardcoded built-in
 * OpenAPI v3 documents for Kubernetes 1.32 (`openapiclient.NewHardcodedBuiltins("1.32")`), one document
 * per group-version, converted with kube-openapi's schemaconv.ToSchemaFromOpenAPI (preserveUnknownFields
 * false). This script performs the same conversion ahead of time and keeps only what the merge and the
 * typed validation read:
 *   - scalars: string / numeric / boolean / untyped (`integer`, `number` -> numeric; formats other than
 *     `byte` on strings -> untyped; Quantity -> untyped scalar; RawExtension -> the untyped atom);
 *   - maps: the declared fields, the element type of unknown keys (additionalProperties, or "deduced" for
 *     a free-form object, or none when properties are declared), and `x-kubernetes-map-type`;
 *   - lists: the element type and the relationship from `x-kubernetes-list-type` (atomic / set / map with
 *     `x-kubernetes-list-map-keys`), else `x-kubernetes-patch-strategy` merge (+ merge key), else atomic;
 *     the defaults of the key fields (associative keys fall back to them);
 *   - the GVK index from `x-kubernetes-group-version-kind`.
 * Definitions are shared between group-version documents; a name appearing twice must convert to the
 * same atom (checked).
 *
 * Usage: node --import tsx scripts/gen-ssa-schema.ts [path/to/kubectl-validate@version]
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KV_VERSION = 'v0.0.5-0.20260105161640-a97ccfaca20b';
const K8S_VERSION = '1.32';
const kvDir = process.argv[2] ?? `/root/go/pkg/mod/sigs.k8s.io/kubectl-validate@${KV_VERSION}`;
const BUILTINS = join(kvDir, 'pkg/openapiclient/builtins', K8S_VERSION);
const OUT = join(fileURLToPath(import.meta.url), '../../src/engine/celmutate/ssa/builtin-schema.generated.ts');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const UNTYPED = 0;
const DEDUCED = 1;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/** Compact atom: s scalar, m map {f fields, e element, r 'a'|'s'}, l list {e, r 'a'|'s', k keys, d key defaults}. */
type Ref = number | Atom | [number, 'a' | 's'];
interface Atom {
  s?: 'string' | 'numeric' | 'boolean' | 'untyped';
  m?: { f?: Record<string, Ref>; e?: Ref; r?: 'a' | 's' };
  l?: { e: Ref; r?: 's'; k?: string[]; d?: Record<string, Json> };
}

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else if (n.endsWith('.json')) out.push(p);
  }
  return out;
}

const names: string[] = ['__untyped_atomic_', '__untyped_deduced_'];
const index = new Map<string, number>(names.map((n, i) => [n, i]));
const atoms: (Atom | undefined)[] = [
  { s: 'untyped', l: { e: UNTYPED }, m: { e: UNTYPED, r: 'a' } },
  { s: 'untyped', l: { e: UNTYPED }, m: { e: DEDUCED, r: 's' } },
];
const gvks: Array<[string, number]> = [];

function idOf(name: string): number {
  let i = index.get(name);
  if (i === undefined) {
    i = names.length;
    names.push(name);
    index.set(name, i);
    atoms.push(undefined);
  }
  return i;
}

function mapRel(ext: Obj): 'a' | 's' | undefined {
  const v = ext['x-kubernetes-map-type'];
  if (v === undefined) return undefined;
  if (v === 'atomic') return 'a';
  if (v === 'granular') return 's';
  throw new Error(`unknown map type ${String(v)}`);
}

function refName(s: Obj): string | undefined {
  let ref = typeof s['$ref'] === 'string' ? s['$ref'] : '';
  const allOf = s['allOf'];
  if (!ref && Array.isArray(allOf) && allOf.length === 1) {
    const a = allOf[0] as Obj;
    if (typeof a['$ref'] === 'string') ref = a['$ref'];
  }
  if (!ref) return undefined;
  const n = ref.split('/').pop() ?? '';
  return n === '' ? undefined : n;
}

function makeRef(s: Obj, preserve: boolean, defs: Obj): Ref {
  const n = refName(s);
  if (n !== undefined) {
    const id = idOf(n);
    const rel = mapRel(s);
    return rel ? [id, rel] : id;
  }
  return parseSchema(s, preserve, defs);
}

function parseSchema(s: Obj, preserveIn: boolean, defs: Obj): Atom {
  const preserve = preserveIn || s['x-kubernetes-preserve-unknown-fields'] === true;
  const type = Array.isArray(s['type']) ? String(s['type'][0] ?? '') : typeof s['type'] === 'string' ? s['type'] : '';
  switch (type) {
    case '':
      return { s: 'untyped', l: parseList(s, preserve, defs), m: parseObject(s, preserve, defs) };
    case 'object':
      return { m: parseObject(s, preserve, defs) };
    case 'array':
      return { l: parseList(s, preserve, defs) };
    case 'integer':
    case 'number':
      return { s: 'numeric' };
    case 'boolean':
      return { s: 'boolean' };
    case 'string': {
      const f = typeof s['format'] === 'string' ? s['format'] : '';
      return { s: f === '' || f === 'byte' ? 'string' : 'untyped' };
    }
    default:
      throw new Error(`unrecognized type ${type}`);
  }
}

function parseObject(s: Obj, preserve: boolean, defs: Obj): NonNullable<Atom['m']> {
  const props = (s['properties'] ?? {}) as Obj;
  const f: Record<string, Ref> = {};
  for (const k of Object.keys(props).sort()) f[k] = makeRef(props[k] as Obj, preserve, defs);
  let e: Ref | undefined;
  const ap = s['additionalProperties'];
  if (ap === undefined || ap === null) {
    if (preserve || Object.keys(props).length === 0) e = DEDUCED;
  } else if (typeof ap === 'object' && !Array.isArray(ap)) e = makeRef(ap, preserve, defs);
  else if (ap === true) e = DEDUCED;
  const out: NonNullable<Atom['m']> = {};
  if (Object.keys(f).length > 0) out.f = f;
  if (e !== undefined) out.e = e;
  const r = mapRel(s);
  if (r) out.r = r;
  return out;
}

function listRel(s: Obj): { r?: 's'; k?: string[] } {
  const lt = s['x-kubernetes-list-type'];
  if (lt !== undefined) {
    if (lt === 'atomic') return {};
    if (lt === 'set') return { r: 's' };
    if (lt === 'map') {
      const keys = s['x-kubernetes-list-map-keys'];
      if (!Array.isArray(keys)) throw new Error('missing map keys');
      return { r: 's', k: keys.map(String) };
    }
    throw new Error(`unknown list type ${String(lt)}`);
  }
  const ps = s['x-kubernetes-patch-strategy'];
  if (ps !== undefined) {
    if (ps === 'merge' || ps === 'merge,retainKeys') {
      const key = s['x-kubernetes-patch-merge-key'];
      return typeof key === 'string' ? { r: 's', k: [key] } : { r: 's' };
    }
    if (ps === 'retainKeys') return {};
    throw new Error(`unknown patch strategy ${String(ps)}`);
  }
  return {};
}

function parseList(s: Obj, preserve: boolean, defs: Obj): NonNullable<Atom['l']> {
  const rel = listRel(s);
  let e: Ref = UNTYPED;
  const items = s['items'];
  if (items && typeof items === 'object' && !Array.isArray(items)) e = makeRef(items, preserve, defs);
  const out: NonNullable<Atom['l']> = { e };
  if (rel.r) out.r = rel.r;
  if (rel.k) {
    out.k = rel.k;
    // default values of the key fields (the element type is resolved from the same document)
    const n = items && typeof items === 'object' && !Array.isArray(items) ? refName(items as Obj) : undefined;
    const elem = n !== undefined ? (defs[n] as Obj | undefined) : (items as Obj | undefined);
    const props = (elem?.['properties'] ?? {}) as Obj;
    const d: Record<string, Json> = {};
    for (const k of rel.k) {
      const p = props[k] as Obj | undefined;
      if (p && p['default'] !== undefined && p['default'] !== null) d[k] = p['default'];
    }
    if (Object.keys(d).length > 0) out.d = d;
  }
  return out;
}

const seen = new Set<string>();
for (const file of files(BUILTINS)) {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Obj;
  const defs = ((doc['components'] as Obj | undefined)?.['schemas'] ?? {}) as Obj;
  for (const name of Object.keys(defs).sort()) {
    const spec = defs[name] as Obj;
    if (typeof spec['$ref'] === 'string' && spec['$ref'] !== '') continue;
    let atom: Atom;
    if (name === QUANTITY) atom = { s: 'untyped' };
    else if (name === RAW_EXTENSION) atom = structuredClone(atoms[UNTYPED]!);
    else atom = parseSchema(spec, false, defs);
    const id = idOf(name);
    const prev = atoms[id];
    if (prev !== undefined && JSON.stringify(prev) !== JSON.stringify(atom)) {
      console.warn(`definition ${name} differs between documents; keeping the first`);
    } else atoms[id] = atom;
    const gvkExt = spec['x-kubernetes-group-version-kind'];
    if (Array.isArray(gvkExt)) {
      for (const g of gvkExt as Obj[]) {
        const key = `${String(g['group'] ?? '')}/${String(g['version'] ?? '')}/${String(g['kind'] ?? '')}`;
        if (!g['kind'] || seen.has(key)) continue;
        seen.add(key);
        gvks.push([key, id]);
      }
    }
  }
}
const missing = names.filter((_, i) => atoms[i] === undefined);
if (missing.length > 0) throw new Error(`unresolved definitions: ${missing.join(', ')}`);
gvks.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const lines: string[] = [];
lines.push(`// Code generated by scripts/gen-ssa-schema.ts from kubectl-validate ${KV_VERSION}'s hardcoded`);
lines.push(`// built-in OpenAPI v3 documents for Kubernetes ${K8S_VERSION} (schemaconv conversion). DO NOT EDIT.`);
lines.push(`import type { AtomData } from './schema.ts';`);
lines.push('');
lines.push('/** Type names, by index (0: untyped atomic, 1: untyped deduced). */');
lines.push(`export const TYPE_NAMES: readonly string[] = ${JSON.stringify(names)};`);
lines.push('');
lines.push('/** Atoms by type index: s scalar, m map (f fields, e element, r a|s), l list (e, r s = associative, k keys, d key defaults). */');
lines.push('export const TYPE_ATOMS: readonly AtomData[] = [');
for (const a of atoms) lines.push(`  ${JSON.stringify(a)},`);
lines.push('];');
lines.push('');
lines.push('/** `group/version/kind` -> type index. */');
lines.push('export const TYPES_BY_GVK: ReadonlyArray<readonly [string, number]> = [');
for (const [k, i] of gvks) lines.push(`  [${JSON.stringify(k)}, ${i}],`);
lines.push('];');
lines.push('');
writeFileSync(OUT, lines.join('\n'));
console.log(`wrote ${OUT}: ${names.length} types, ${gvks.length} kinds`);

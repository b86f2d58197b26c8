/**
 * Generates src/engine/mutate/patch/kyaml-schema.generated.ts: the part of the OpenAPI schema that
 * kustomize/kyaml's strategic merge (merge2 + walk) consults, taken from the very schema kyaml embeds.
 *
 * Kyverno applies `patchStrategicMerge` through kustomize's `patchstrategicmerge` filter, which merges
 * with kyaml's walker. kyaml does not read the cluster's OpenAPI: it indexes its own built-in copy of
 * the Kubernetes v1.21.2 swagger (kyaml/openapi/kubernetesapi/v1_21_2/swagger.pb, a gnostic OpenAPI v2
 * protobuf document) plus a small kustomization swagger, by `x-kubernetes-group-version-kind`. Merge keys
 * and strategies therefore come from that document, not from the newest Kubernetes release.
 *
 * What the walker reads from a schema (kyaml/openapi/openapi.go):
 *   - Field(name): `properties[name]`, else `additionalProperties` (when it is a schema); `$ref` resolved.
 *   - Elements(): `items` when `type` is exactly ["array"]; `$ref` resolved.
 *   - PatchStrategyAndKeyList(): `x-kubernetes-patch-strategy`, and when it is present the keys from
 *     `x-kubernetes-list-map-keys`, else `x-kubernetes-patch-merge-key`, else none.
 * The output keeps exactly that: a graph of schema nodes (definitions are recursive, e.g. JSONSchemaProps)
 * and a GVK index.
 *
 * Usage: node --import tsx scripts/gen-merge-keys.ts [path/to/kyaml@version]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const KYAML_VERSION = 'v0.21.1';
const kyamlDir = process.argv[2] ?? `/root/go/pkg/mod/sigs.k8s.io/kustomize/kyaml@${KYAML_VERSION}`;
const K8S_SWAGGER = join(kyamlDir, 'openapi/kubernetesapi/v1_21_2/swagger.pb');
const KUSTOMIZE_SWAGGER = join(kyamlDir, 'openapi/kustomizationapi/swagger.json');
const OUT = join(fileURLToPath(import.meta.url), '../../src/engine/mutate/patch/kyaml-schema.generated.ts');

// ---------------------------------------------------------------------------------------------
// Minimal protobuf reader for gnostic's openapi_v2 messages (field numbers from OpenAPIv2.proto).

interface Field {
  no: number;
  wire: number;
  bytes?: Uint8Array;
  varint?: number;
}

function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) out.push({ no, wire, varint: varint() });
    else if (wire === 2) {
      const len = varint();
      out.push({ no, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = new TextDecoder();
const str = (f: Field): string => text.decode(f.bytes);
const sub = (f: Field): Field[] => readFields(f.bytes as Uint8Array);

/** The subset of spec.Schema the walker reads. */
interface RawSchema {
  ref?: string;
  type?: string[];
  items?: RawSchema[];
  properties?: Map<string, RawSchema>;
  additionalProperties?: RawSchema;
  ext: Map<string, unknown>;
}

function decodeSchema(fields: Field[]): RawSchema {
  const s: RawSchema = { ext: new Map() };
  for (const f of fields) {
    switch (f.no) {
      case 1: // _ref
        s.ref = str(f);
        break;
      case 21: // additional_properties: AdditionalPropertiesItem { Schema schema = 1; bool boolean = 2; }
        for (const g of sub(f)) if (g.no === 1) s.additionalProperties = decodeSchema(sub(g));
        break;
      case 22: // type: TypeItem { repeated string value = 1; }
        s.type = sub(f)
          .filter((g) => g.no === 1)
          .map(str);
        break;
      case 23: // items: ItemsItem { repeated Schema schema = 1; }
        s.items = sub(f)
          .filter((g) => g.no === 1)
          .map((g) => decodeSchema(sub(g)));
        break;
      case 25: // properties: Properties { repeated NamedSchema additional_properties = 1; }
        s.properties = new Map();
        for (const g of sub(f)) if (g.no === 1) addNamed(s.properties, sub(g));
        break;
      case 31: {
        // vendor_extension: NamedAny { string name = 1; Any value = 2; }, Any { string yaml = 2; }
        let name = '';
        let value: unknown;
        for (const g of sub(f)) {
          if (g.no === 1) name = str(g);
          else if (g.no === 2) for (const h of sub(g)) if (h.no === 2) value = parseYaml(str(h));
        }
        s.ext.set(name.toLowerCase(), value);
        break;
      }
      default:
        break;
    }
  }
  return s;
}

function addNamed(into: Map<string, RawSchema>, fields: Field[]): void {
  let name = '';
  let schema: RawSchema | undefined;
  for (const f of fields) {
    if (f.no === 1) name = str(f);
    else if (f.no === 2) schema = decodeSchema(sub(f));
  }
  if (schema) into.set(name, schema);
}

function decodeSwaggerPb(buf: Uint8Array): Map<string, RawSchema> {
  const defs = new Map<string, RawSchema>();
  for (const f of readFields(buf)) {
    if (f.no !== 9) continue; // Document.definitions
    for (const g of sub(f)) if (g.no === 1) addNamed(defs, sub(g));
  }
  return defs;
}

function fromJsonSchema(j: Record<string, unknown>): RawSchema {
  const s: RawSchema = { ext: new Map() };
  for (const [k, v] of Object.entries(j)) {
    if (k === '$ref') s.ref = v as string;
    else if (k === 'type') s.type = Array.isArray(v) ? (v as string[]) : [v as string];
    else if (k === 'items') s.items = Array.isArray(v) ? v.map((x) => fromJsonSchema(x)) : [fromJsonSchema(v as Record<string, unknown>)];
    else if (k === 'properties') {
      s.properties = new Map(Object.entries(v as Record<string, Record<string, unknown>>).map(([n, p]) => [n, fromJsonSchema(p)]));
    } else if (k === 'additionalProperties' && typeof v === 'object' && v !== null) {
      s.additionalProperties = fromJsonSchema(v as Record<string, unknown>);
    } else if (k.toLowerCase().startsWith('x-')) s.ext.set(k.toLowerCase(), v);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Both documents, in the order kyaml's initSchema adds them (later definitions replace earlier ones).

const definitions = decodeSwaggerPb(new Uint8Array(readFileSync(K8S_SWAGGER)));
const kustomize = JSON.parse(readFileSync(KUSTOMIZE_SWAGGER, 'utf8')) as { definitions: Record<string, Record<string, unknown>> };
const gvkIndex = new Map<string, string>();
const indexGvks = (name: string, s: RawSchema): void => {
  const gvks = s.ext.get('x-kubernetes-group-version-kind');
  if (!Array.isArray(gvks)) return;
  for (const g of gvks as Array<{ group?: string; version: string; kind: string }>) {
    const apiVersion = g.group ? `${g.group}/${g.version}` : g.version;
    gvkIndex.set(`${apiVersion}|${g.kind}`, name);
  }
};
for (const [name, s] of definitions) indexGvks(name, s);
for (const [name, j] of Object.entries(kustomize.definitions)) {
  const s = fromJsonSchema(j);
  definitions.set(name, s);
  indexGvks(name, s);
}

// ---------------------------------------------------------------------------------------------
// Encode to a graph of nodes: one node per definition, inline schemas deduplicated by structure.

interface OutNode {
  p?: Record<string, number>;
  a?: number;
  i?: number;
  s?: string;
  k?: string[];
}

const nodes: OutNode[] = [];
const defIds = new Map<string, number>();
const inlineIds = new Map<string, number>();

function defId(ref: string): number {
  const name = ref.replace(/^#\/definitions\//, '');
  let id = defIds.get(name);
  if (id !== undefined) return id;
  const s = definitions.get(name);
  if (!s) throw new Error(`unresolved ${ref}`);
  id = nodes.length;
  defIds.set(name, id);
  nodes.push({});
  nodes[id] = build(s);
  return id;
}

function encode(s: RawSchema): number {
  if (s.ref) return defId(s.ref);
  const n = build(s);
  const key = JSON.stringify(n);
  let id = inlineIds.get(key);
  if (id === undefined) {
    id = nodes.length;
    nodes.push(n);
    inlineIds.set(key, id);
  }
  return id;
}

function build(s: RawSchema): OutNode {
  const n: OutNode = {};
  if (s.properties && s.properties.size > 0) {
    n.p = {};
    for (const [name, ps] of s.properties) n.p[name] = encode(ps);
  }
  if (s.additionalProperties) n.a = encode(s.additionalProperties);
  if (s.type?.length === 1 && s.type[0] === 'array' && s.items && s.items.length === 1) n.i = encode(s.items[0] as RawSchema);
  const strategy = s.ext.get('x-kubernetes-patch-strategy');
  if (typeof strategy === 'string') {
    n.s = strategy;
    const listKeys = s.ext.get('x-kubernetes-list-map-keys');
    const mergeKey = s.ext.get('x-kubernetes-patch-merge-key');
    if (Array.isArray(listKeys)) n.k = listKeys.map(String);
    else if (typeof mergeKey === 'string') n.k = [mergeKey];
  }
  return n;
}

const gvks: Array<[string, number]> = [...gvkIndex.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, name]) => [k, defId(`#/definitions/${name}`)]);

const lines: string[] = [];
lines.push('// Code generated by scripts/gen-merge-keys.ts from kustomize/kyaml ' + KYAML_VERSION + "'s built-in OpenAPI");
lines.push('// (Kubernetes v1.21.2 swagger.pb + kustomizationapi/swagger.json). DO NOT EDIT.');
lines.push("import type { SchemaNodeData } from './merge-keys.ts';");
lines.push('');
lines.push('/** Schema nodes: p = properties, a = additionalProperties, i = items, s = patch strategy, k = merge keys. */');
lines.push('export const SCHEMA_NODES: readonly SchemaNodeData[] = [');
for (const n of nodes) lines.push('  ' + JSON.stringify(n) + ',');
lines.push('];');
lines.push('');
lines.push('/** `apiVersion|kind` -> index into SCHEMA_NODES. */');
lines.push('export const SCHEMA_BY_GVK: ReadonlyArray<readonly [string, number]> = [');
for (const [k, id] of gvks) lines.push(`  [${JSON.stringify(k)}, ${id}],`);
lines.push('];');
lines.push('');
writeFileSync(OUT, lines.join('\n'));
console.log(`wrote ${OUT}: ${nodes.length} nodes, ${gvks.length} GVKs`);

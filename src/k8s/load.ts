/**
 * Loading policy and resource documents from files, folders and stdin, as Kyverno's CLI does
 * (cmd/cli/kubectl-kyverno/policy/load.go, resource/resource.go): folders are walked recursively, hidden
 * entries skipped, only `.yaml`/`.yml` files read; `v1 List` documents are expanded. Every problem names the
 * file, the line and, where it applies, the field.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { isObject, type JsonObject, type JsonValue, type Resource } from '../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException } from '../engine/api/policy.ts';
import { restMappingFor } from '../engine/match/gvk.ts';
import { parseYamlStream, type YamlDocument } from './yaml.ts';
import { formatSchemaError, hasSchema, validateAgainstSchema } from './crds/validate.ts';

export interface LoadProblem {
  file: string;
  line?: number;
  column?: number;
  /** field path, e.g. spec.rules[0].match */
  field?: string;
  code: string;
  message: string;
}

export function formatProblem(p: LoadProblem): string {
  let where = p.file;
  if (p.line !== undefined) where += `:${p.line}`;
  if (p.column !== undefined) where += `:${p.column}`;
  return `${where}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

export class LoadError extends Error {
  constructor(readonly problems: LoadProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export interface SourceFile {
  path: string;
  text: string;
}

export interface Origin {
  file: string;
  /** 1-based line of the object (computed on first use: positions cost a second parse) */
  readonly line: number;
  doc: YamlDocument;
  /** an item of a `v1 List` (Kyverno neither validates nor defaults those) */
  fromList?: boolean;
}

function originOf(file: string, doc: YamlDocument, path: ReadonlyArray<string | number> = []): Origin {
  return {
    file,
    doc,
    fromList: path.length > 0,
    get line(): number {
      return (path.length > 0 ? doc.lineOf(path) : undefined) ?? doc.line;
    },
  };
}

const isYamlFile = (name: string): boolean => {
  const ext = extname(name);
  return ext === '.yaml' || ext === '.yml';
};

/**
 * Reads the files behind path arguments: a file (only .yaml/.yml, like Kyverno, unless `anyExtension`),
 * a folder (recursive, hidden entries skipped), or `-` for stdin text given by the caller.
 */
export function readSources(
  paths: readonly string[],
  opts: { stdin?: () => string; anyExtension?: boolean; recursive?: boolean } = {},
): { files: SourceFile[]; problems: LoadProblem[] } {
  const files: SourceFile[] = [];
  const problems: LoadProblem[] = [];
  const visit = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      problems.push({ file: p, code: 'NOT_FOUND', message: `no such file or directory` });
      return;
    }
    if (!top && basename(p).startsWith('.')) return;
    if (st.isDirectory()) {
      if (!top && opts.recursive === false) return;
      let entries: string[];
      try {
        entries = readdirSync(p).sort();
      } catch (err) {
        problems.push({ file: p, code: 'READ', message: `failed to read ${p}: ${(err as Error).message}` });
        return;
      }
      for (const e of entries) visit(join(p, e), false);
      return;
    }
    if (!isYamlFile(p) && !(top && opts.anyExtension)) return;
    try {
      files.push({ path: p, text: readFileSync(p, 'utf8') });
    } catch (err) {
      problems.push({ file: p, code: 'READ', message: `failed to read file ${p}: ${(err as Error).message}` });
    }
  };
  for (const p of paths) {
    if (p === '-') {
      files.push({ path: '-', text: opts.stdin ? opts.stdin() : '' });
      continue;
    }
    visit(p, true);
  }
  return { files, problems };
}

export interface ParsedDocument {
  value: JsonObject;
  origin: Origin;
}

/** Parses files into object documents (List items expanded). */
export function parseDocuments(files: readonly SourceFile[]): { docs: ParsedDocument[]; problems: LoadProblem[] } {
  const docs: ParsedDocument[] = [];
  const problems: LoadProblem[] = [];
  for (const f of files) {
    const { documents, errors } = parseYamlStream(f.text);
    for (const e of errors) problems.push({ file: f.path, line: e.line, column: e.column, code: `YAML_${e.code}`, message: e.message });
    for (const d of documents) {
      const origin = originOf(f.path, d);
      if (!isObject(d.value)) {
        problems.push({ file: f.path, line: d.line, code: 'NOT_AN_OBJECT', message: `document is not an object (got ${typeName(d.value)})` });
        continue;
      }
      const v = d.value;
      if (v['kind'] === 'List' && (v['apiVersion'] === 'v1' || v['apiVersion'] === undefined)) {
        const items = v['items'];
        if (items === undefined || items === null) continue;
        if (!Array.isArray(items)) {
          problems.push({ file: f.path, line: d.lineOf(['items']), field: 'items', code: 'WRONG_TYPE', message: 'items must be a list' });
          continue;
        }
        items.forEach((it, i) => {
          if (!isObject(it)) {
            problems.push({ file: f.path, line: d.lineOf(['items', i]), field: `items[${i}]`, code: 'NOT_AN_OBJECT', message: `List item ${i} is not a valid object` });
            return;
          }
          docs.push({ value: it, origin: originOf(f.path, d, ['items', i]) });
        });
        continue;
      }
      docs.push({ value: v, origin });
    }
  }
  return { docs, problems };
}

function typeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

export interface LoadedPolicies {
  /** documents dropped because they fail their schema (Kyverno's loader skips them and reports an error) */
  skipped: LoadProblem[];
  policies: KyvernoPolicy[];
  exceptions: PolicyException[];
  /** policies.kyverno.io and admissionregistration kinds, by kind */
  celPolicies: JsonObject[];
  celExceptions: JsonObject[];
  /** other recognized kinds (cleanup policies) that the CLI accepts but does not evaluate */
  other: JsonObject[];
  origins: Map<object, Origin>;
  problems: LoadProblem[];
}

const classicGroups = new Set(['kyverno.io/v1', 'kyverno.io/v2beta1']);
const exceptionVersions = new Set(['kyverno.io/v2', 'kyverno.io/v2beta1', 'kyverno.io/v2alpha1']);
const celKinds = new Set([
  'ValidatingPolicy',
  'NamespacedValidatingPolicy',
  'ImageValidatingPolicy',
  'NamespacedImageValidatingPolicy',
  'MutatingPolicy',
  'NamespacedMutatingPolicy',
  'GeneratingPolicy',
  'NamespacedGeneratingPolicy',
  'DeletingPolicy',
  'NamespacedDeletingPolicy',
]);
const admissionKinds = new Set([
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
]);

/** Classifies parsed documents into the policy kinds the CLI understands. */
export function classifyPolicies(docs: readonly ParsedDocument[]): LoadedPolicies {
  const out: LoadedPolicies = {
    skipped: [],
    policies: [],
    exceptions: [],
    celPolicies: [],
    celExceptions: [],
    other: [],
    origins: new Map(),
    problems: [],
  };
  for (const { value: raw, origin } of docs) {
    const apiVersion = typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : '';
    const kind = typeof raw['kind'] === 'string' ? raw['kind'] : '';
    const problem = (field: string | undefined, code: string, message: string, path: Array<string | number> = []): void => {
      out.problems.push({ file: origin.file, line: origin.doc.lineOf(path) ?? origin.line, field, code, message });
    };
    // the CRD schema, as Kyverno's CLI loader applies it: unknown fields fail the load, other schema errors
    // drop the document, and the defaults are applied
    let value = raw;
    const slash = apiVersion.indexOf('/');
    const gvk = { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind };
    if (kind !== '' && !origin.fromList && hasSchema(gvk, { crds: 'cli' })) {
      const decodeErrors = origin.doc.duplicates.map((d) => `yaml: unmarshal errors:\n  line ${d.line}: key ${JSON.stringify(d.key)} already set in map`);
      const r = validateAgainstSchema(raw, gvk, { crds: 'cli', decodeErrors });
      if (r.errors.length > 0) {
        const first = r.errors[0]!;
        const entry: LoadProblem = {
          file: origin.file,
          line: origin.doc.lineOf(first.path) ?? origin.line,
          field: first.field || undefined,
          code: r.fatal ? 'SCHEMA_UNKNOWN_FIELD' : 'SCHEMA',
          message: r.kyvernoMessage ?? r.errors.map(formatSchemaError).join('; '),
        };
        if (r.fatal) out.problems.push(entry);
        else out.skipped.push(entry);
        continue;
      }
      value = r.defaulted;
    }
    out.origins.set(value, origin);
    if (apiVersion === '' || kind === '') {
      problem(apiVersion === '' ? 'apiVersion' : 'kind', 'MISSING_TYPE', `Object 'Kind' is missing or 'apiVersion' is missing`);
      continue;
    }
    if ((kind === 'ClusterPolicy' || kind === 'Policy') && classicGroups.has(apiVersion)) {
      // the CLI never writes to a cluster: server-side apply is turned off as Kyverno's loader does
      if (isObject(value['spec'])) value['spec']['useServerSideApply'] = false;
      out.policies.push(value as unknown as KyvernoPolicy);
    } else if (kind === 'PolicyException' && exceptionVersions.has(apiVersion)) {
      out.exceptions.push(value as unknown as PolicyException);
    } else if (kind === 'PolicyException' && apiVersion.startsWith('policies.kyverno.io/')) {
      out.celExceptions.push(value);
    } else if (celKinds.has(kind) && apiVersion.startsWith('policies.kyverno.io/')) {
      out.celPolicies.push(value);
    } else if (admissionKinds.has(kind) && apiVersion.startsWith('admissionregistration.k8s.io/')) {
      out.celPolicies.push(value);
    } else if ((kind === 'CleanupPolicy' || kind === 'ClusterCleanupPolicy') && apiVersion.startsWith('kyverno.io/')) {
      out.other.push(value);
    } else {
      problem(undefined, 'UNSUPPORTED_KIND', `policy type not supported ${apiVersion}, Kind=${kind}`);
    }
  }
  return out;
}

/** Whether a kind is cluster-scoped (built-in table; unknown kinds are namespaced, as in Kyverno's CLI). */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  const i = apiVersion.indexOf('/');
  const group = i < 0 ? '' : apiVersion.slice(0, i);
  const m = restMappingFor(group, kind);
  return m ? !m.namespaced : false;
}

const nilMapFields = new Set(['annotations', 'labels', 'matchLabels', 'nodeSelector', 'data', 'stringData']);

function normalizeNilMaps(obj: JsonObject): void {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === null && nilMapFields.has(key)) {
      obj[key] = {};
      continue;
    }
    if (isObject(v)) normalizeNilMaps(v);
    else if (Array.isArray(v)) for (const it of v) if (isObject(it)) normalizeNilMaps(it);
  }
}

/** Resources as the CLI reads them: namespace `default` for namespaced kinds without one; nil maps emptied. */
export function toResources(docs: readonly ParsedDocument[]): { resources: Resource[]; origins: Map<object, Origin>; problems: LoadProblem[] } {
  const resources: Resource[] = [];
  const origins = new Map<object, Origin>();
  const problems: LoadProblem[] = [];
  for (const { value, origin } of docs) {
    const apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : '';
    const kind = typeof value['kind'] === 'string' ? value['kind'] : '';
    if (kind === '') {
      problems.push({ file: origin.file, line: origin.line, field: 'kind', code: 'MISSING_TYPE', message: "Object 'Kind' is missing" });
      continue;
    }
    if (value['metadata'] !== undefined && !isObject(value['metadata'])) {
      problems.push({ file: origin.file, line: origin.doc.lineOf(['metadata']) ?? origin.line, field: 'metadata', code: 'WRONG_TYPE', message: 'metadata must be an object' });
      continue;
    }
    const r = value;
    const meta = (isObject(r['metadata']) ? r['metadata'] : (r['metadata'] = {})) as JsonObject;
    if ((meta['namespace'] === undefined || meta['namespace'] === '') && !isClusterScoped(apiVersion, kind)) {
      meta['namespace'] = 'default';
    }
    normalizeNilMaps(r);
    resources.push(r);
    origins.set(r, origin);
  }
  return { resources, origins, problems };
}

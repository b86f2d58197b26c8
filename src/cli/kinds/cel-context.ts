/**
 * What the CEL policy kinds read beyond the resource in `kyverno test` (Kyverno's CLI context provider,
 * cmd/cli/kubectl-kyverno/processor/utils.go NewContextProvider):
 *
 * - without `clusterResources`: an offline provider holding the test's `context` file (resources for
 *   `resource.Get/List`, image data for `image.GetMetadata`), its `globalContextEntries` and its
 *   `apiCallResponses` as HTTP mocks;
 * - with `clusterResources`: the fake cluster (every object of the test) answers `resource.*`;
 *   global context entries, HTTP and registries are unavailable (Kyverno's CLI reaches for the real
 *   ones, which an offline run cannot).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isObject, type JsonObject, type JsonValue, type Resource } from '../../engine/api/json.ts';
import { fakeContextPorts, type CelContextPorts } from '../../engine/celpolicy/context.ts';
import { ResourcePortError, type Gvr, type ResourcePort } from '../../engine/cel/libs/kyverno-resource.ts';
import { offlineHttp } from '../../engine/cel/libs/kyverno-http.ts';
import { guessKindToResource, matchesLabelSelector, restMappingFor } from '../../engine/match/index.ts';
import type { FakeCluster } from '../../k8s/fake-cluster.ts';
import { parseYamlStream } from '../../k8s/yaml.ts';
import type { KindContext } from './types.ts';

/**
 * The CEL-specific inputs of a test, carried on the KindContext (the same fields the mutating kinds
 * read): the test's `context` file and its `apiCallResponses` as HTTP mocks. Global context entries
 * come from `ports.globalContext`.
 */
export interface CelTestContext {
  /** the test's `context` file (cli.kyverno.io/v1alpha1 Context): objects and image data */
  readonly celContext?: { readonly resources: readonly Resource[]; readonly images: Readonly<Record<string, JsonObject>> };
  /** `apiCallResponses` as Kyverno's HTTP mock index: `METHOD:url` or `url` -> `{body, statusCode}` */
  readonly httpMocks?: Readonly<Record<string, JsonValue>>;
}

/** A KindContext that may carry the CEL inputs (see `loadCelTestContext`). */
export type CelKindContext = KindContext & CelTestContext;

/** An error loading the context file (Kyverno's CLI fails the test). */
export class CelContextLoadError extends Error {
  readonly code = 'CEL_CONTEXT_LOAD';
}

interface ApiCallResponse {
  url?: string;
  urlPath?: string;
  method?: string;
  response?: { statusCode?: number; body?: unknown };
}

/** `buildHTTPMockIndex`: bodies wrapped as `{body, statusCode}` (status 200 when unset). */
export function httpMockIndex(responses: readonly ApiCallResponse[] | undefined): Record<string, JsonValue> | undefined {
  if (!responses || responses.length === 0) return undefined;
  const out: Record<string, JsonValue> = {};
  for (const m of responses) {
    const url = (m.url ?? '').trim() !== '' ? (m.url ?? '').trim() : (m.urlPath ?? '').trim();
    const method = (m.method ?? '').trim().toUpperCase();
    out[method ? `${method}:${url}` : url] = { body: (m.response?.body ?? null) as JsonValue, statusCode: m.response?.statusCode || 200 };
  }
  return out;
}

const IMAGE_FIELDS = ['image', 'resolvedImage', 'registry', 'repository', 'tag', 'digest', 'imageIndex', 'manifest', 'config'] as const;

/** A context file's image entry as Go marshals `ImageData` (empty optional fields dropped). */
function imageDataJson(v: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const f of IMAGE_FIELDS) {
    const x = v[f];
    const required = f === 'image' || f === 'resolvedImage' || f === 'registry' || f === 'repository';
    if (required) out[f] = typeof x === 'string' ? x : '';
    else if (x !== undefined && x !== null && x !== '') out[f] = x;
  }
  return out;
}

/** Loads a `context` file (resources and images). */
export function loadContextFile(path: string): NonNullable<CelTestContext['celContext']> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CelContextLoadError(`failed to read context file ${path}: ${(err as Error).message}`);
  }
  const { documents, errors } = parseYamlStream(text);
  if (errors.length > 0) throw new CelContextLoadError(`${path}: ${errors[0]!.message}`);
  const doc = documents[0]?.value;
  const spec = isObject(doc) && isObject(doc['spec']) ? doc['spec'] : {};
  const resources = (Array.isArray(spec['resources']) ? spec['resources'] : []).filter(isObject) as Resource[];
  const images: Record<string, JsonObject> = {};
  for (const i of Array.isArray(spec['images']) ? spec['images'] : []) {
    if (!isObject(i)) continue;
    const data = imageDataJson(i);
    images[String(data['image'])] = data;
  }
  return { resources, images };
}

/**
 * The CEL inputs of a test (spread them into the KindContext): `contextPath` (the test's `context`,
 * relative to `dir`) and the raw `apiCallResponses`.
 */
export function loadCelTestContext(opts: {
  readonly dir: string;
  readonly contextPath?: string;
  readonly apiCallResponses?: readonly ApiCallResponse[];
}): CelTestContext {
  const file = opts.contextPath ? (isAbsolute(opts.contextPath) ? opts.contextPath : join(opts.dir, opts.contextPath)) : undefined;
  return {
    celContext: file ? loadContextFile(file) : undefined,
    httpMocks: httpMockIndex(opts.apiCallResponses),
  };
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The CRD defining `group`/`kind` among the cluster's objects. */
function crdFor(cluster: FakeCluster, group: string, kind: string, version: string): { plural: string; namespaced: boolean } | undefined {
  for (const o of cluster.all()) {
    if (o['kind'] !== 'CustomResourceDefinition') continue;
    const spec = isObject(o['spec']) ? o['spec'] : {};
    const names = isObject(spec['names']) ? spec['names'] : {};
    if (spec['group'] !== group || names['kind'] !== kind) continue;
    const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
    if (version !== '' && !versions.some((v) => isObject(v) && v['name'] === version)) continue;
    return { plural: String(names['plural'] ?? ''), namespaced: spec['scope'] !== 'Cluster' };
  }
  return undefined;
}

/**
 * `RESTMapping(gvk)`: the built-in API resources, plus the CRDs of `clusterResources` when the test has
 * a cluster. Undefined when the kind is unknown.
 */
export function restMapping(ctx: KindContext, gvk: { group: string; version: string; kind: string }): Gvr | undefined {
  const builtin = restMappingFor(gvk.group, gvk.kind, gvk.version);
  if (builtin && builtin.kind === gvk.kind) return { group: gvk.group, version: gvk.version, resource: builtin.resource };
  if (ctx.hasCluster) {
    const crd = crdFor(ctx.cluster, gvk.group, gvk.kind, gvk.version);
    if (crd) return { group: gvk.group, version: gvk.version, resource: crd.plural };
  }
  return undefined;
}

/** Whether a kind is namespaced (built-ins, then the cluster's CRDs); undefined when unknown. */
export function isNamespacedKind(ctx: KindContext, apiVersion: string, kind: string): boolean | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const builtin = restMappingFor(group, kind, version);
  if (builtin && builtin.kind === kind) return builtin.namespaced;
  const crd = crdFor(ctx.cluster, group, kind, version);
  return crd?.namespaced;
}

/** `schema.GroupVersionKind.String()`: `apps/v1, Kind=Deployment`. */
export function gvkString(gvk: { group: string; version: string; kind: string }): string {
  return `${gvk.group === '' ? '' : gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

function labelsOf(o: Resource): Record<string, string> | undefined {
  const meta = isObject(o['metadata']) ? o['metadata'] : {};
  return isObject(meta['labels']) ? (meta['labels'] as Record<string, string>) : undefined;
}

/** `resource.*` over the fake cluster (Kyverno's dynamic client on the test's objects). */
function clusterResourcePort(ctx: KindContext): ResourcePort {
  const kindFor = (apiVersion: string, resource: string): string | undefined => {
    const { group, version } = splitApiVersion(apiVersion);
    for (const o of ctx.cluster.all()) {
      const av = typeof o['apiVersion'] === 'string' ? o['apiVersion'] : '';
      const kind = typeof o['kind'] === 'string' ? o['kind'] : '';
      const gv = splitApiVersion(av);
      if (gv.group !== group || gv.version !== version) continue;
      const m = restMapping(ctx, { group, version, kind });
      const plural = m?.resource ?? guessKindToResource(kind).plural;
      if (plural === resource) return kind;
    }
    return undefined;
  };
  const groupResource = (apiVersion: string, resource: string): string => {
    const { group } = splitApiVersion(apiVersion);
    return group === '' ? resource : `${resource}.${group}`;
  };
  return {
    get(apiVersion, resource, namespace, name) {
      const base = resource.split('/')[0] ?? resource;
      const kind = kindFor(apiVersion, base);
      const found = kind ? ctx.cluster.get(apiVersion, kind, namespace, name) : undefined;
      if (!found) throw new ResourcePortError(`${groupResource(apiVersion, base)} "${name}" not found`, 'NotFound');
      return found;
    },
    list(apiVersion, resource, namespace, labels) {
      const kind = kindFor(apiVersion, resource);
      const inNamespace = (o: Resource): boolean => namespace === '' || (isObject(o['metadata']) && o['metadata']['namespace'] === namespace);
      const items = (kind ? ctx.cluster.list(apiVersion, kind) : []).filter(inNamespace);
      const selected = labels && Object.keys(labels).length > 0 ? items.filter((o) => matchesLabelSelector({ matchLabels: labels }, labelsOf(o))) : items;
      return { apiVersion, kind: `${kind ?? ''}List`, metadata: { resourceVersion: '' }, items: selected };
    },
    post(apiVersion, resource) {
      throw new Error(`${apiVersion} ${resource}: the offline object store does not accept writes`);
    },
    toGvr(apiVersion, kind) {
      const { group, version } = splitApiVersion(apiVersion);
      const m = restMapping(ctx, { group, version, kind });
      if (!m) throw new Error(`no matches for kind "${kind}" in version "${apiVersion}"`);
      return m;
    },
  };
}

/** The context ports of the CEL kinds for this run (see the module comment). */
export function celContextPorts(ctx: CelKindContext): CelContextPorts {
  if (ctx.hasCluster) {
    return {
      resource: clusterResourcePort(ctx),
      http: offlineHttp,
      globalContext: { getGlobalReference: () => null },
      imageData: {
        getImageData(ref) {
          throw new Error(`failed to fetch image descriptor: ${ref}: registry access is disabled`);
        },
      },
    };
  }
  const resources: Array<{ gvr: Gvr; object: Resource }> = [];
  for (const r of ctx.celContext?.resources ?? []) {
    const { group, version } = splitApiVersion(typeof r['apiVersion'] === 'string' ? r['apiVersion'] : '');
    const kind = typeof r['kind'] === 'string' ? r['kind'] : '';
    const m = restMapping(ctx, { group, version, kind });
    if (!m) throw new CelContextLoadError(`no matches for kind "${kind}" in version "${String(r['apiVersion'] ?? '')}"`);
    resources.push({ gvr: m, object: r });
  }
  const gce = ctx.ports.globalContext;
  return fakeContextPorts({
    resources,
    images: ctx.celContext?.images,
    globalReference: gce ? (name) => gce(name) : undefined,
    httpMocks: ctx.httpMocks,
  });
}

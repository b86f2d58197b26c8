/**
 * The context libraries of Kyverno's CEL policies (`resource`, `http`, `globalContext`, `image`) as
 * activation values, and the offline context provider Kyverno's CLI uses when no cluster is given
 * (`libs.FakeContextProvider`): resources and image data from the test's context file, global
 * context entries from its mocks, HTTP answered from its mocks only.
 */
import type { JsonObject, JsonValue, Resource } from '../api/json.ts';
import { GlobalContextValue, type GlobalContextPort } from '../cel/libs/kyverno-globalcontext.ts';
import { HttpContextValue, mockAwareHttp, offlineHttp, type HttpPort } from '../cel/libs/kyverno-http.ts';
import { ImageDataContextValue, type ImageDataPort } from '../cel/libs/kyverno-imagedata.ts';
import {
  NamespacedResourceContextValue,
  ResourceContextValue,
  ResourcePortError,
  type Gvr,
  type ResourcePort,
} from '../cel/libs/kyverno-resource.ts';

/** The ports behind the context libraries; absent ones behave like an empty offline provider. */
export interface CelContextPorts {
  readonly resource?: ResourcePort;
  readonly http?: HttpPort;
  readonly globalContext?: GlobalContextPort;
  readonly imageData?: ImageDataPort;
}

/** A Kubernetes API error a port raises (`deployments.apps "x" not found`). */
function groupResource(apiVersion: string, resource: string): string {
  const i = apiVersion.indexOf('/');
  const group = i < 0 ? '' : apiVersion.slice(0, i);
  return group === '' ? resource : `${resource}.${group}`;
}

export interface FakeContextData {
  /** objects with their resource (plural) name */
  readonly resources?: ReadonlyArray<{ readonly gvr: Gvr; readonly object: Resource }>;
  /** image data by image reference (context file `images`) */
  readonly images?: Readonly<Record<string, JsonObject>>;
  /** a global context entry by name (undefined when unknown) */
  readonly globalReference?: (name: string) => JsonValue | undefined;
  /** HTTP mocks keyed `METHOD:url` or `url` (bodies already wrapped as `{body, statusCode}`) */
  readonly httpMocks?: Readonly<Record<string, JsonValue>>;
}

function gvrKey(apiVersion: string, resource: string): string {
  return `${apiVersion}|${resource}`;
}

function nsName(o: Resource): { ns: string; name: string } {
  const m = o['metadata'];
  const meta = m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as JsonObject) : {};
  return { ns: typeof meta['namespace'] === 'string' ? meta['namespace'] : '', name: typeof meta['name'] === 'string' ? meta['name'] : '' };
}

/**
 * `libs.FakeContextProvider`: `get` finds an object by group/version/resource, namespace and name
 * (else NotFound); `list` returns the objects of one namespace (labels are not filtered; an unknown
 * resource is a BadRequest); `toGvr` and `post` are not available.
 */
export function fakeContextPorts(data: FakeContextData): CelContextPorts {
  const byGvr = new Map<string, Map<string, Map<string, Resource>>>();
  for (const { gvr, object } of data.resources ?? []) {
    const apiVersion = gvr.group === '' ? gvr.version : `${gvr.group}/${gvr.version}`;
    const key = gvrKey(apiVersion, gvr.resource);
    let nss = byGvr.get(key);
    if (!nss) byGvr.set(key, (nss = new Map()));
    const { ns, name } = nsName(object);
    let names = nss.get(ns);
    if (!names) nss.set(ns, (names = new Map()));
    names.set(name, object);
  }
  const resource: ResourcePort = {
    get(apiVersion, res, namespace, name) {
      const found = byGvr.get(gvrKey(apiVersion, res))?.get(namespace)?.get(name);
      if (!found) throw new ResourcePortError(`${groupResource(apiVersion, res)} "${name}" not found`, 'NotFound');
      return found;
    },
    list(apiVersion, res, namespace) {
      const nss = byGvr.get(gvrKey(apiVersion, res));
      if (!nss) throw new ResourcePortError(`${groupResource(apiVersion, res)} resource not found`);
      return { items: [...(nss.get(namespace)?.values() ?? [])] };
    },
    post() {
      throw new Error('not implemented');
    },
    toGvr() {
      throw new Error('not implemented');
    },
  };
  const images = data.images ?? {};
  const lookup = data.globalReference ?? (() => undefined);
  return {
    resource,
    http: mockAwareHttp(offlineHttp, data.httpMocks ?? {}),
    imageData: {
      getImageData(ref) {
        const d = Object.prototype.hasOwnProperty.call(images, ref) ? images[ref] : undefined;
        if (!d) throw new Error(`image data for ${ref} not found in the context`);
        return d;
      },
    },
    globalContext: {
      getGlobalReference(name, projection) {
        const d = lookup(name);
        if (d === undefined) return null;
        if (projection !== '') {
          if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
            if (Object.prototype.hasOwnProperty.call(d, projection)) return d[projection] as JsonValue;
            throw new Error(`projection "${projection}" not found in global context entry "${name}"`);
          }
          throw new Error(`projection "${projection}" not found in global context entry "${name}": stored value is not an object`);
        }
        return d;
      },
    },
  };
}

const EMPTY = fakeContextPorts({});

/**
 * The context library values of an activation. Namespaced policies (`policyNamespace` non-empty) get
 * the namespaced `resource` library bound to their namespace.
 */
export function contextActivation(ports: CelContextPorts, policyNamespace = ''): Record<string, unknown> {
  const resource = ports.resource ?? EMPTY.resource!;
  return {
    resource: policyNamespace === '' ? new ResourceContextValue(resource) : new NamespacedResourceContextValue(resource, policyNamespace),
    http: new HttpContextValue(ports.http ?? EMPTY.http!),
    globalContext: new GlobalContextValue(ports.globalContext ?? EMPTY.globalContext!),
    image: new ImageDataContextValue(ports.imageData ?? EMPTY.imageData!),
  };
}

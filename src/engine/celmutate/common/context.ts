/**
 * What the CEL policy engines read from outside (Kyverno's `libs.Context`): cluster objects for the
 * `resource` library, HTTP, global context entries, image data, and the namespace resolver that gives
 * `namespaceObject` and namespace labels. Absent ports behave like Kyverno's CLI without the data:
 * unknown global entries read null, image data is "not found in the context", HTTP is offline, and
 * resource reads fail.
 */
import type { JsonObject } from '../../api/json.ts';
import { GlobalContextValue, type GlobalContextPort } from '../../cel/libs/kyverno-globalcontext.ts';
import { HttpContextValue, offlineHttp, type HttpPort } from '../../cel/libs/kyverno-http.ts';
import { ImageDataContextValue, type ImageDataPort } from '../../cel/libs/kyverno-imagedata.ts';
import { NamespacedResourceContextValue, ResourceContextValue, ResourcePortError, type ResourcePort } from '../../cel/libs/kyverno-resource.ts';

export interface CelPolicyPorts {
  resource?: ResourcePort;
  http?: HttpPort;
  globalContext?: GlobalContextPort;
  imageData?: ImageDataPort;
  /** the Namespace object the CLI knows by name (values `namespaces` / `namespaceSelector`), if any */
  namespace?(name: string): JsonObject | undefined;
}

const noResources: ResourcePort = {
  get: (_av, resource, _ns, name) => {
    throw new ResourcePortError(`${resource} "${name}" not found`, 'NotFound');
  },
  list: (_av, resource) => {
    throw new ResourcePortError(`${resource} resource not found`, 'Other');
  },
  post: () => {
    throw new ResourcePortError('resource creation is not available', 'Other');
  },
  toGvr: () => {
    throw new ResourcePortError('no REST mapping available', 'Other');
  },
};

const noGlobalContext: GlobalContextPort = { getGlobalReference: () => null };

const noImageData: ImageDataPort = {
  getImageData: (ref) => {
    throw new Error(`image data for ${ref} not found in the context`);
  },
};

/** The context-library activation values (`resource`, `http`, `globalContext`, `image`). */
export function contextActivation(ports: CelPolicyPorts, policyNamespace: string): Record<string, unknown> {
  const resource = ports.resource ?? noResources;
  return {
    resource: policyNamespace ? new NamespacedResourceContextValue(resource, policyNamespace) : new ResourceContextValue(resource),
    http: new HttpContextValue(ports.http ?? offlineHttp),
    globalContext: new GlobalContextValue(ports.globalContext ?? noGlobalContext),
    image: new ImageDataContextValue(ports.imageData ?? noImageData),
  };
}

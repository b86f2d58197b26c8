/**
 * `WithTopLevelGVK` (pkg/webhooks/handlers/admission.go): the kind of the requested resource (the parent
 * for a subresource request: `pods/status` -> Pod) from discovery. When discovery does not know the
 * resource the request is denied with discovery's error, as Kyverno does.
 *
 * Standalone discovery learns custom resources from the requests themselves (see StaticDiscovery.learn).
 */
import type { Discovery } from '../sources/discovery.ts';
import { StaticDiscovery } from '../sources/discovery.ts';
import { admissionResponse, type AdmissionHandler } from './types.ts';

export function withTopLevelGvk(inner: AdmissionHandler, discovery: Discovery): AdmissionHandler {
  return (a) => {
    const r = a.request;
    let found = discovery.kindFor(r.resource);
    if ('error' in found && discovery instanceof StaticDiscovery && discovery.learn(r.resource, r.subResource, r.kind, r.namespace !== '')) {
      found = discovery.kindFor(r.resource);
    }
    if ('error' in found) {
      a.log.error(found.error, 'failed to get top level GVK from GVR');
      return admissionResponse(r.uid, found.error);
    }
    if (r.subResource !== '' && discovery instanceof StaticDiscovery) discovery.learn(r.resource, r.subResource, r.kind, r.namespace !== '');
    return inner({ ...a, gvk: found.gvk });
  };
}

/**
 * Request filters (pkg/webhooks/handlers/filter.go, pkg/webhooks/utils/exclude.go). A filtered request is
 * allowed at once, without warnings.
 *
 * - `withFilter`: the `kyverno` ConfigMap's user exclusions (excludeGroups/Usernames/Roles/ClusterRoles),
 *   its `resourceFilters` (on the top-level GVK, subresource, namespace and name), and Kyverno's own
 *   report and update-request kinds;
 * - `withOperationFilter`: only the given operations reach the handler (mutation: CREATE, UPDATE, CONNECT);
 * - `withSubResourceFilter`: only requests without subresource (or one of the given ones) reach it.
 */
import type { KyvernoConfiguration } from '../config.ts';
import { responseSuccess, type AdmissionAttributes, type AdmissionHandler, type AdmissionResponse } from './types.ts';

const KYVERNO_RESOURCE_KINDS = new Set(['AdmissionReport', 'ClusterAdmissionReport', 'BackgroundScanReport', 'ClusterBackgroundScanReport', 'UpdateRequest']);

/** `ExcludeKyvernoResources` */
export function excludeKyvernoResources(kind: string): boolean {
  return KYVERNO_RESOURCE_KINDS.has(kind);
}

function filtered(a: AdmissionAttributes, message: string): AdmissionResponse {
  a.log.v(4).info(message);
  return responseSuccess(a.request.uid);
}

/** `WithFilter(configuration)`; the configuration is read per request (it may be reloaded). */
export function withFilter(inner: AdmissionHandler, config: () => KyvernoConfiguration): AdmissionHandler {
  return (a) => {
    const c = config();
    const r = a.request;
    if (c.isExcluded(r.userInfo.username, r.userInfo.groups, a.roles, a.clusterRoles)) return filtered(a, 'admission request filtered');
    if (c.toFilter(a.gvk, r.subResource, r.namespace, r.name)) {
      return filtered(a, 'admission request filtered because it appears in configmap resource filters');
    }
    if (excludeKyvernoResources(r.kind.kind)) return filtered(a, 'admission request filtered because it is for a kyverno resource');
    return inner(a);
  };
}

/** `WithOperationFilter(operations...)` */
export function withOperationFilter(inner: AdmissionHandler, ...operations: string[]): AdmissionHandler {
  const allowed = new Set(operations);
  return (a) => (allowed.has(a.request.operation) ? inner(a) : filtered(a, 'admission request filtered because operation is excluded'));
}

/** `WithSubResourceFilter(subresources...)` */
export function withSubResourceFilter(inner: AdmissionHandler, ...subresources: string[]): AdmissionHandler {
  const allowed = new Set(subresources);
  return (a) =>
    a.request.subResource === '' || allowed.has(a.request.subResource)
      ? inner(a)
      : filtered(a, 'admission request filtered because subresource is excluded');
}

/**
 * `WithProtection` (pkg/webhooks/handlers/protect.go, `--protectManagedResources`): objects labelled
 * `app.kubernetes.io/managed-by: kyverno` (new or old) may only be changed by Kyverno's own service
 * accounts (`system:serviceaccount:<kyverno namespace>:`), except that the namespace controller may delete
 * them with their namespace.
 */
import { ExtractResourceError, extractResources, labelsOf } from './resources.ts';
import { admissionResponse, type AdmissionHandler } from './types.ts';

export const NAMESPACE_CONTROLLER_USERNAME = 'system:serviceaccount:kube-system:namespace-controller';
export const LABEL_APP_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const VALUE_KYVERNO_APP = 'kyverno';

export function withProtection(inner: AdmissionHandler, kyvernoNamespace: string): AdmissionHandler {
  const prefix = `system:serviceaccount:${kyvernoNamespace}:`;
  return (a) => {
    const r = a.request;
    if (r.operation === 'DELETE' && r.userInfo.username === NAMESPACE_CONTROLLER_USERNAME) return inner(a);
    let resources;
    try {
      resources = extractResources(r);
    } catch (err) {
      a.log.error(err, 'failed to extract resources');
      return admissionResponse(r.uid, err instanceof ExtractResourceError ? err.message : String(err));
    }
    for (const res of [resources.newResource, resources.oldResource]) {
      if (labelsOf(res)[LABEL_APP_MANAGED_BY] === VALUE_KYVERNO_APP && !r.userInfo.username.startsWith(prefix)) {
        a.log.v(2).info('access to the resource not authorized, this is a kyverno managed resource and should be altered only by kyverno');
        return admissionResponse(r.uid, 'A kyverno managed resource can only be modified by kyverno');
      }
    }
    return inner(a);
  };
}

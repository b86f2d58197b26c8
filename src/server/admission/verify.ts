/**
 * The verify webhook (pkg/webhooks/handlers/verify.go, `/verifymutate`): an update of the Lease
 * `kyverno-health` in Kyverno's namespace is patched with the annotation `kyverno.io/last-request-time`
 * (RFC 3339, now), which proves to the webhook watchdog that admission requests reach the server; every
 * other request is admitted untouched.
 */
import { mutationResponse, responseSuccess, type AdmissionHandler } from './types.ts';

export function verifyHandler(kyvernoNamespace: string, now: () => Date = () => new Date()): AdmissionHandler {
  return (a) => {
    const r = a.request;
    if (r.name !== 'kyverno-health' || r.namespace !== kyvernoNamespace) return responseSuccess(r.uid);
    const ts = now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    // jsonutils.PatchOperation marshals `path` before `op`
    const patch = `[{"path":"/metadata/annotations/kyverno.io~1last-request-time","op":"replace","value":"${ts}"}]`;
    return mutationResponse(r.uid, patch);
  };
}

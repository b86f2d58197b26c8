/**
 * `WithMetrics` for admission handlers (pkg/webhooks/handlers/metrics.go, pkg/metrics/admission.go):
 * after the handler, `kyverno_admission_requests_total` +1 and the review's duration in
 * `kyverno_admission_review_duration_seconds`, labelled with the request's kind, namespace, lower-cased
 * operation, whether it was allowed and the webhook type (Validating/MutatingWebhookConfiguration).
 * Namespaces excluded by the metrics configuration are not recorded.
 */
import { performance } from 'node:perf_hooks';
import type { KyvernoMetrics } from '../metrics.ts';
import type { AdmissionHandler } from './types.ts';

export type WebhookType = 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';

export function withAdmissionMetrics(inner: AdmissionHandler, metrics: KyvernoMetrics, webhook: WebhookType): AdmissionHandler {
  return (a) => {
    const response = inner(a);
    const r = a.request;
    if (metrics.checkNamespace(r.namespace)) {
      const labels = [r.kind.kind, r.namespace, r.operation.toLowerCase(), response.allowed ? 'true' : 'false', webhook];
      metrics.admissionRequests.inc(labels);
      metrics.admissionReviewDuration.observe(labels, (performance.now() - a.startTime) / 1000);
    }
    return response;
  };
}

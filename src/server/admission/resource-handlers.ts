/**
 * The resource webhooks' handlers (pkg/webhooks/resource/handlers.go `Validate`, `Mutate`,
 * `retrieveAndCategorizePolicies`, `filterPolicies`):
 *
 * - the policies come from the policy cache for the request's resource and namespace, or, on a
 *   fine-grained path (`/validate/fail/finegrained/<ns>/<name>`), the one policy the path names;
 * - the path's failure policy (`fail`, `ignore`, or `all` for the bare path) keeps only the policies
 *   whose `failurePolicy` is the same (`all` keeps every one);
 * - validation answers with the Enforce outcome, then queues the Audit pass; generate and
 *   mutate-existing policies, and changes to downstream resources and clone sources, are handed to the
 *   background sink (not on dry-run);
 * - mutation answers with the joined JSON patch.
 *
 * An internal deadline (before the API server's webhook timeout) bounds each review: past it, no further
 * policy is evaluated and the request gets the verdict its failure policy dictates.
 */
import { isObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import { hasNonTriggerLabels } from '../../engine/generate/labels.ts';
import type { EngineResponse } from '../../engine/api/response.ts';
import type { Engine } from '../../engine/engine.ts';
import type { KyvernoMetrics } from '../metrics.ts';
import type { NamespaceLabelsSource } from '../sources/types.ts';
import type { AuditPool } from './audit-pool.ts';
import { handleMutation, MutationError } from './mutation.ts';
import { policyFailurePolicy, specHasGenerate, specHasMutate, specHasValidate, specHasVerifyImages, type PolicyCache } from './policy-cache.ts';
import { buildPolicyContext } from './policy-context.ts';
import type { ReportSink } from './reports.ts';
import { admissionResponse, isDryRun, mutationResponse, responseSuccess, type AdmissionAttributes, type AdmissionResponse } from './types.ts';
import { auditPolicies, DeadlineExceededError, handleValidationAudit, handleValidationEnforce } from './validation.ts';

/** The path's failure policy: `fail`, `ignore`, or `all` (the bare `/validate`, `/mutate`). */
export type PathFailurePolicy = 'fail' | 'ignore' | 'all';

/**
 * Generate and mutate-existing work for the background controller (UpdateRequests in-cluster): the
 * policies matching the request, and, for changes to downstream resources and clone sources (the
 * generation handler's non-trigger requests), the policy listers.
 */
export interface BackgroundRequest {
  attributes: AdmissionAttributes;
  generatePolicies: readonly KyvernoPolicy[];
  mutateExistingPolicies: readonly KyvernoPolicy[];
  /** every known policy by `name` / `namespace/name` (`cpolLister` / `polLister`) */
  policyByKey: (key: string) => KyvernoPolicy | undefined;
}

/**
 * Whether the request's old object carries Kyverno's generate labels (a downstream resource or a clone
 * source): then the background sink has work whatever policies match (`handleNonTrigger`). Read from the
 * raw old object, so that requests without it cost nothing.
 */
export function concernsGenerateNonTrigger(a: AdmissionAttributes): boolean {
  const old = a.request.oldObject;
  if (!isObject(old)) return false;
  const meta = old['metadata'];
  if (!isObject(meta)) return false;
  const labels = meta['labels'];
  if (!isObject(labels)) return false;
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') strings[k] = v;
  return hasNonTriggerLabels(strings);
}

export interface BackgroundSink {
  submit(req: BackgroundRequest): void;
}

export interface ResourceHandlerDeps {
  /** the current engine (rebuilt when the configuration changes) */
  engine: () => Engine;
  policies: PolicyCache;
  /** every known policy by `name` / `namespace/name` (the policy listers; fine-grained paths) */
  policyByKey: (key: string) => KyvernoPolicy | undefined;
  namespaces: NamespaceLabelsSource;
  /** exception candidates for the engine */
  exceptions: () => readonly PolicyException[];
  metrics: KyvernoMetrics;
  audit: AuditPool;
  reports: ReportSink;
  background: BackgroundSink;
  /** `--admissionReports` */
  admissionReports: boolean;
  /** `--forceFailurePolicyIgnore` */
  forceFailurePolicyIgnore: boolean;
  /** a request was blocked: the policy responses (Kyverno raises `fail (blocked)` events for them) */
  onBlocked?: (responses: readonly EngineResponse[]) => void;
}

interface Categorized {
  policies: KyvernoPolicy[];
  mutatePolicies: KyvernoPolicy[];
  generatePolicies: KyvernoPolicy[];
  imageVerifyPolicies: KyvernoPolicy[];
  auditWarnPolicies: KyvernoPolicy[];
}

function filterPolicies(deps: ResourceHandlerDeps, path: PathFailurePolicy, policies: readonly KyvernoPolicy[]): KyvernoPolicy[] {
  if (path === 'all') return policies.slice();
  const want = path === 'fail' ? 'Fail' : 'Ignore';
  return policies.filter((p) => policyFailurePolicy(p, deps.forceFailurePolicyIgnore) === want);
}

/** `retrieveAndCategorizePolicies`; a string is an error message for the response. */
function categorize(deps: ResourceHandlerDeps, a: AdmissionAttributes, path: PathFailurePolicy, mutation: boolean): Categorized | string {
  const r = a.request;
  const out: Categorized = { policies: [], mutatePolicies: [], generatePolicies: [], imageVerifyPolicies: [], auditWarnPolicies: [] };
  if (a.urlParams === '') {
    const namespace = r.namespace !== '' ? deps.namespaces.get(r.namespace) : undefined;
    if (r.namespace !== '' && !namespace) a.log.v(4).info('failed to get namespace', { namespace: r.namespace });
    const get = (t: Parameters<PolicyCache['get']>[0]) => filterPolicies(deps, path, deps.policies.get(t, r.resource, r.subResource, namespace));
    out.policies = get('ValidateEnforce');
    out.mutatePolicies = get('Mutate');
    out.generatePolicies = get('Generate');
    out.auditWarnPolicies = get('ValidateAuditWarn');
    if (mutation) out.imageVerifyPolicies = get('VerifyImagesMutate');
    else {
      out.imageVerifyPolicies = get('VerifyImagesValidate');
      out.policies.push(...out.imageVerifyPolicies);
    }
    return out;
  }
  const meta = a.urlParams.split('/');
  let polName = meta[1] ?? '';
  let polNamespace = '';
  if (meta.length >= 3) {
    polNamespace = meta[1] ?? '';
    polName = meta[2] ?? '';
  }
  const policy = deps.policyByKey(polNamespace === '' ? polName : `${polNamespace}/${polName}`);
  if (!policy) {
    const notFound = polNamespace === '' ? `clusterpolicy.kyverno.io "${polName}" not found` : `policy.kyverno.io "${polName}" not found`;
    return `failed to fetch policy with key: key ${polNamespace}/${polName}: ${notFound}`;
  }
  const filtered = filterPolicies(deps, path, [policy]);
  if (filtered.length === 0) {
    a.log.v(4).info('no policy found with key', { namespace: polNamespace, name: polName });
    return out;
  }
  if (specHasValidate(policy)) out.policies.push(policy);
  if (specHasGenerate(policy)) out.generatePolicies.push(policy);
  if (specHasMutate(policy)) out.mutatePolicies.push(policy);
  if (specHasVerifyImages(policy)) out.policies.push(policy);
  if (specHasValidate(policy) && policy.spec?.emitWarning === true) out.auditWarnPolicies.push(policy);
  return out;
}

/**
 * verifyImages rules need registry access (signatures, attestations), which this server does not have:
 * rather than admitting unverified images, the request gets the verdict of the path's failure policy
 * (denied on `fail`/`all`, admitted with a warning on `ignore`).
 */
function imageVerificationUnsupported(a: AdmissionAttributes, path: PathFailurePolicy, policies: readonly KyvernoPolicy[]): AdmissionResponse | undefined {
  const names = [...new Set(policies.map((p) => p.metadata.name ?? ''))].join(', ');
  const msg = `image verification (verifyImages) is not supported by this server; policies: ${names}`;
  if (path === 'ignore') return responseSuccess(a.request.uid, [msg]);
  return admissionResponse(a.request.uid, msg);
}

/** The verdict when the internal deadline passes (what the API server's failurePolicy would decide). */
function deadlineResponse(a: AdmissionAttributes, path: PathFailurePolicy, err: DeadlineExceededError): AdmissionResponse {
  a.log.error(err, 'admission review timed out');
  if (path === 'ignore') return responseSuccess(a.request.uid, [`kyverno: ${err.message}; the request was admitted (failurePolicy Ignore)`]);
  return admissionResponse(a.request.uid, err.message);
}

/** `resourceHandlers.Validate` */
export function validateResource(deps: ResourceHandlerDeps, a: AdmissionAttributes, path: PathFailurePolicy): AdmissionResponse {
  const c = categorize(deps, a, path, false);
  if (typeof c === 'string') {
    a.log.error(c, 'failed to fetch policy with key');
    return admissionResponse(a.request.uid, c);
  }
  if (c.policies.length === 0 && c.mutatePolicies.length === 0 && c.generatePolicies.length === 0 && c.auditWarnPolicies.length === 0) {
    a.log.v(4).info('no policies matched admission request');
  }
  if (c.imageVerifyPolicies.length > 0) {
    const unsupported = imageVerificationUnsupported(a, path, c.imageVerifyPolicies);
    if (unsupported) return unsupported;
  }
  let outcome;
  try {
    outcome = handleValidationEnforce(deps, a, c.policies, c.auditWarnPolicies);
  } catch (err) {
    if (err instanceof DeadlineExceededError) return deadlineResponse(a, path, err);
    throw err;
  }
  const mutateExisting = c.mutatePolicies.filter((p) => (p.spec?.rules ?? []).some((r) => r.mutate?.targets !== undefined && r.mutate?.targets !== null));
  // Kyverno runs `handleBackgroundApplies` for every validated request that is not a dry run: its generate
  // handler also looks at changes to downstream resources and clone sources, which no generate policy
  // matches (only their kinds are registered in the webhook, by `mergeWebhook`)
  if (!isDryRun(a.request) && (c.generatePolicies.length > 0 || mutateExisting.length > 0 || concernsGenerateNonTrigger(a))) {
    deps.background.submit({ attributes: a, generatePolicies: c.generatePolicies, mutateExistingPolicies: mutateExisting, policyByKey: deps.policyByKey });
  }
  if (!outcome.ok) {
    a.log.v(4).info('admission request denied');
    return admissionResponse(a.request.uid, outcome.message);
  }
  // queued only when there is Audit work: the queued pass keeps the whole request alive until it runs
  const audit = auditPolicies(deps, a);
  if (audit.length > 0) {
    deps.audit.submit(() => {
      handleValidationAudit(deps, a, audit);
    });
  }
  return responseSuccess(a.request.uid, outcome.warnings);
}

/** `resourceHandlers.Mutate` */
export function mutateResource(deps: ResourceHandlerDeps, a: AdmissionAttributes, path: PathFailurePolicy): AdmissionResponse {
  const c = categorize(deps, a, path, true);
  if (typeof c === 'string') {
    a.log.error(c, 'failed to fetch policy with key');
    return admissionResponse(a.request.uid, c);
  }
  if (c.mutatePolicies.length === 0 && c.imageVerifyPolicies.length === 0) {
    a.log.v(4).info('no policies matched mutate admission request');
    return responseSuccess(a.request.uid);
  }
  const engine = deps.engine();
  let built;
  try {
    built = buildPolicyContext(engine, a, (c.mutatePolicies[0] ?? c.imageVerifyPolicies[0]) as KyvernoPolicy, deps.exceptions());
  } catch (err) {
    a.log.error(err, 'failed to build policy context');
    return admissionResponse(a.request.uid, (err as Error).message);
  }
  let outcome;
  try {
    outcome = handleMutation(deps, a, c.mutatePolicies, built);
  } catch (err) {
    if (err instanceof DeadlineExceededError) return deadlineResponse(a, path, err);
    if (err instanceof MutationError) {
      a.log.error(err, 'mutation failed');
      return admissionResponse(a.request.uid, err.message);
    }
    throw err;
  }
  if (c.imageVerifyPolicies.length > 0) {
    const unsupported = imageVerificationUnsupported(a, path, c.imageVerifyPolicies);
    if (unsupported && !unsupported.allowed) return unsupported;
    if (unsupported) return mutationResponse(a.request.uid, outcome.patch, [...outcome.warnings, ...(unsupported.warnings ?? [])]);
  }
  return mutationResponse(a.request.uid, outcome.patch, outcome.warnings);
}

/**
 * The policy webhooks (pkg/webhooks/policy/handlers.go): `/policyvalidate` rejects invalid policies with
 * Kyverno's validation message (`policyvalidate.Validate` at admission: discovery-backed kinds, the stored
 * version for updates), adding the deprecation warning of classic kinds; `/policymutate` admits everything.
 *
 * The object is first checked against its CRD schema (unknown fields pruned, defaults applied), as the API
 * server does before calling validating webhooks, so a direct caller gets the API server's message
 * (`ClusterPolicy.kyverno.io "x" is invalid: ...`). CEL policy kinds (policies.kyverno.io) get that schema
 * check; their semantic validation belongs to the CEL engine and is reported as not performed.
 * CleanupPolicy / ClusterCleanupPolicy (served by Kyverno's cleanup controller on its own webhook) are
 * validated here too, with the cleanup controller's checks and messages.
 *
 * In a cluster, generate rules are also checked against the RBAC of Kyverno's service accounts
 * (generate-permissions.ts: SubjectAccessReviews made by the route's prepare step, before this handler).
 */
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { validateCleanupPolicy } from '../../engine/validation/cleanup-policy.ts';
import { kindDeprecationWarning } from '../../engine/validation/deprecations.ts';
import { formatPolicyError, validatePolicy, type FindResources } from '../../engine/validation/policy.ts';
import { goQuote } from '../../engine/utils/goconv.ts';
import { compileMatchConditions } from '../webhooks/match-conditions.ts';
import type { GeneratePermissions } from './generate-permissions.ts';
import { aggregate } from '../../k8s/crds/field-error.ts';
import { hasSchema, validateAgainstSchema } from '../../k8s/crds/validate.ts';
import { admissionResponse, responseSuccess, type AdmissionAttributes, type AdmissionHandler, type AdmissionResponse, type GroupVersionKind } from './types.ts';

const CEL_POLICY_KINDS = new Set([
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

const jsonKind = (v: JsonValue): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : typeof v);

export type SchemaCheck = { ok: true; object: JsonObject } | { ok: false; message: string };

/**
 * Schema check of an object of a Kyverno kind: the object with unknown fields pruned and defaults
 * applied, or the API server's `Kind.group "name" is invalid: ...` message.
 */
export function schemaCheck(raw: JsonValue | undefined, gvk: GroupVersionKind, goStruct: string): SchemaCheck {
  if (raw === undefined) return { ok: false, message: 'unexpected end of JSON input' };
  if (!isObject(raw)) return { ok: false, message: `json: cannot unmarshal ${jsonKind(raw)} into Go value of type ${goStruct}` };
  const doc: JsonObject = { ...raw, apiVersion: gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`, kind: gvk.kind };
  if (!hasSchema(gvk)) return { ok: true, object: doc };
  let r = validateAgainstSchema(doc, gvk);
  if (r.errors.some((e) => e.code === 'UNKNOWN_FIELD')) r = validateAgainstSchema(r.defaulted, gvk);
  if (r.errors.length === 0) return { ok: true, object: r.defaulted };
  const meta = r.defaulted['metadata'];
  const name = isObject(meta) && typeof meta['name'] === 'string' ? meta['name'] : '';
  return { ok: false, message: `${gvk.kind}.${gvk.group} ${goQuote(name)} is invalid: ${aggregate(r.errors)}` };
}

export interface PolicyValidationDeps {
  /** discovery for the matched kinds (admission mode) */
  findResources: FindResources;
  /** cluster-scoped kinds (`Kind`, `group/version/Kind`) */
  clusterResources: () => ReadonlySet<string>;
  /** in a cluster: the prepared RBAC answers for generate rules (none standalone: not checked) */
  generatePermissions?: Pick<GeneratePermissions, 'ruleError'>;
}

/** `policyHandlers.Validate` */
export function validatePolicyRequest(deps: PolicyValidationDeps, a: AdmissionAttributes): AdmissionResponse {
  const r = a.request;
  const kind = r.kind.kind;
  if (CLEANUP_POLICY_KINDS.has(kind)) return validateCleanupPolicyRequest(deps, a);
  if (kind !== 'ClusterPolicy' && kind !== 'Policy' && !CEL_POLICY_KINDS.has(kind)) {
    return admissionResponse(r.uid, 'admission request does not contain a policy');
  }
  const goStruct = kind === 'ClusterPolicy' || kind === 'Policy' ? `v1.${kind}` : `v1beta1.${kind}`;
  const current = schemaCheck(r.object, r.kind, goStruct);
  if (!current.ok) {
    a.log.error(current.message, 'failed to unmarshal policies from admission request');
    return admissionResponse(r.uid, current.message);
  }
  let old: JsonObject | undefined;
  if (r.operation === 'UPDATE' && r.oldObject !== undefined) {
    const o = schemaCheck(r.oldObject, r.kind, goStruct);
    if (!o.ok) return admissionResponse(r.uid, o.message);
    old = o.object;
  }
  if (CEL_POLICY_KINDS.has(kind)) {
    return responseSuccess(r.uid, [`${kind} semantic validation (CEL compilation) is not performed by this server; only its schema was checked`]);
  }
  let result;
  try {
    result = validatePolicy(current.object as unknown as KyvernoPolicy, {
      mock: false,
      findResources: deps.findResources,
      clusterResources: deps.clusterResources(),
      oldPolicy: old as unknown as KyvernoPolicy | undefined,
      compileMatchConditions,
      ...(deps.generatePermissions ? { generatePermissions: (rule: JsonObject) => deps.generatePermissions?.ruleError(rule) } : {}),
    });
  } catch (err) {
    a.log.error(err, 'policy validation errors');
    return admissionResponse(r.uid, `failed to validate policy: ${(err as Error).message}`);
  }
  const warnings = [...result.warnings];
  const deprecation = kindDeprecationWarning(kind);
  if (deprecation !== '') warnings.push(deprecation);
  if (result.errors.length > 0) {
    const message = formatPolicyError(result.errors);
    a.log.error(message, 'policy validation errors');
    return admissionResponse(r.uid, message, warnings);
  }
  return responseSuccess(r.uid, warnings);
}

const CLEANUP_POLICY_KINDS = new Set(['CleanupPolicy', 'ClusterCleanupPolicy']);

/**
 * The cleanup controller's policy webhook (cmd/cleanup-controller/handlers/admission/policy): rejects an
 * invalid CleanupPolicy / ClusterCleanupPolicy with `cleanuppolicy.Validate`'s message, admits a valid
 * one with the deprecation warning of its kind.
 */
function validateCleanupPolicyRequest(deps: PolicyValidationDeps, a: AdmissionAttributes): AdmissionResponse {
  const r = a.request;
  const kind = r.kind.kind;
  const current = schemaCheck(r.object, r.kind, `v2.${kind}`);
  if (!current.ok) {
    a.log.error(current.message, 'failed to unmarshal policies from admission request');
    return admissionResponse(r.uid, current.message);
  }
  const message = validateCleanupPolicy(current.object, { clusterResources: deps.clusterResources() });
  if (message !== '') {
    a.log.error(message, 'policy validation errors');
    return admissionResponse(r.uid, message);
  }
  const deprecation = kindDeprecationWarning(kind);
  return responseSuccess(r.uid, deprecation === '' ? [] : [deprecation]);
}

/** `policyHandlers.Mutate`: admits. */
export const mutatePolicyRequest: AdmissionHandler = (a) => responseSuccess(a.request.uid);

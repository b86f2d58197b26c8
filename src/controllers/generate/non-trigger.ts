/**
 * Admission requests on resources that are not triggers but carry Kyverno's generate labels
 * (pkg/webhooks/resource/generation/handler.go `handleNonTrigger`, `processRequest`): this is how
 * `synchronize: true` generate rules keep their downstream resources in sync in Kyverno. The validating
 * webhook sees these kinds because the webhook controller registers the kinds a generate rule generates
 * or clones with CREATE, UPDATE and DELETE (pkg/controllers/webhook/controller.go `mergeWebhook`); the
 * background controller needs no watch on them.
 *
 * Given the request's old object (the one that carries the labels):
 *
 * - a downstream resource (`app.kubernetes.io/managed-by: kyverno`, `generate.kyverno.io/policy-name`)
 *   that is updated or deleted gives a generate UR for the trigger recorded in its labels, which
 *   restores or re-creates it;
 * - a clone source (`generate.kyverno.io/clone-source`, not managed by Kyverno) that is updated gives a
 *   generate UR for each of its copies (found by `generate.kyverno.io/source-*` labels: by name, then by
 *   UID); when it is deleted (no new object), the rule contexts ask to delete the copies
 *   (`deleteDownstream`).
 *
 * For each labelled object, the policy named in its labels must exist (else processing stops with the
 * lister's error, as Kyverno's does); its rule of the labelled name must synchronize; and a rule whose
 * match covers the admission resource itself (the resource is both the source and the trigger) is
 * skipped. One UR per labelled object, with no admission context: the background controller finds the
 * trigger by the rule context (a trigger that no longer exists makes that UR fail there).
 *
 * Example: deleting ConfigMap `ns1/default` labelled by ClusterPolicy `p`, rule `r`, trigger Namespace
 * `ns1` (uid u1) gives `{requestType: generate, policy: p, ruleContext: [{rule: r, trigger: {apiVersion:
 * v1, kind: Namespace, namespace: '', name: '', uid: u1}, deleteDownstream: false}]}`.
 */
import { deepEqual, type Resource } from '../../engine/api/json.ts';
import type { AdmissionOperation, KyvernoPolicy } from '../../engine/api/policy.ts';
import type { GroupVersionKind, RequestUserInfo } from '../../engine/api/request.ts';
import {
  GENERATE_POLICY_LABEL,
  GENERATE_POLICY_NAMESPACE_LABEL,
  GENERATE_RULE_LABEL,
  GENERATE_SOURCE_GROUP_LABEL,
  GENERATE_SOURCE_KIND_LABEL,
  GENERATE_SOURCE_NAME_LABEL,
  GENERATE_SOURCE_NS_LABEL,
  GENERATE_SOURCE_UID_LABEL,
  GENERATE_SOURCE_VERSION_LABEL,
  LABEL_MANAGED_BY,
  VALUE_KYVERNO_APP,
  hasNonTriggerLabels,
} from '../../engine/generate/labels.ts';
import { getApiVersion, getKind, getLabels, getName, getNamespace, getUid, withoutWriteBookkeeping } from '../../engine/generate/unstructured.ts';
import { groupVersionKindOf } from '../../engine/match/gvk.ts';
import { compileMatch } from '../../engine/match/match-resources.ts';
import { triggerFromLabels } from './policy-controller.ts';
import { ruleContext, type UpdateRequestSpec } from './update-request.ts';

/** What `processRequest` reads of the admission request (the policy context of `handleGenerate`). */
export interface NonTriggerRequest {
  /** absent on DELETE */
  newResource: Resource | null;
  /** absent on CREATE (then there is nothing to do) */
  oldResource: Resource | null;
  /** the requester (`policyContext.AdmissionInfo()`) */
  admissionInfo: RequestUserInfo;
  /** `policyContext.NamespaceLabels()` */
  namespaceLabels: Readonly<Record<string, string>>;
  /** `policyContext.ResourceKind()`: the request's top-level kind and subresource */
  gvk: GroupVersionKind;
  subresource: string;
  operation: AdmissionOperation;
}

export interface NonTriggerDeps {
  /** the policy listers: `name` (ClusterPolicy) or `namespace/name` (Policy) */
  policy: (key: string) => KyvernoPolicy | undefined;
  /** `common.FindDownstream`: objects of (apiVersion, kind) in every namespace with these labels */
  findDownstream: (apiVersion: string, kind: string, selector: Record<string, string>) => Promise<Resource[]>;
  /** `urGenerator.Apply` (a generate spec without rule contexts is dropped there) */
  apply: (spec: UpdateRequestSpec, policy: KyvernoPolicy) => void;
}

/** `handleNonTrigger`'s test on the old object: does this request concern a clone source or a downstream? */
export function isNonTrigger(oldResource: Resource | null): boolean {
  return oldResource !== null && hasNonTriggerLabels(getLabels(oldResource) ?? {});
}

function policyNotFound(namespace: string, name: string): Error {
  return new Error(namespace !== '' ? `policy.kyverno.io "${name}" not found` : `clusterpolicy.kyverno.io "${name}" not found`);
}

/**
 * `processRequest`: builds and applies the generate URs for a change to a downstream resource or a
 * clone source. Rejects (after applying the URs of the objects before it) when a labelled policy does
 * not exist or the copies cannot be listed.
 */
export async function processNonTriggerRequest(deps: NonTriggerDeps, req: NonTriggerRequest): Promise<void> {
  const old = req.oldResource;
  if (!old) return;
  // Beyond Kyverno: an UPDATE that changes nothing needs no sync. Kyverno relies on skipping the
  // background controller's own requests (its clone step re-writes the source on every run, and a
  // synchronize rule re-writes its downstream); when the background controller runs under another
  // identity than --backgroundServiceAccountName, those writes would come back as URs without end.
  if (req.operation === 'UPDATE' && req.newResource !== null && deepEqual(withoutWriteBookkeeping(old), withoutWriteBookkeeping(req.newResource))) return;
  const labels = getLabels(old) ?? {};
  const managedBy = labels[LABEL_MANAGED_BY] === VALUE_KYVERNO_APP;
  let deleteDownstream = false;
  const labelsList: Array<Record<string, string>> = [];
  if (!managedBy) {
    // clone source changes; its deletion deletes the synchronized copies
    if (req.newResource === null) deleteDownstream = true;
    const gvk = groupVersionKindOf(old);
    const source = {
      [GENERATE_SOURCE_GROUP_LABEL]: gvk.group,
      [GENERATE_SOURCE_VERSION_LABEL]: gvk.version,
      [GENERATE_SOURCE_KIND_LABEL]: getKind(old),
      [GENERATE_SOURCE_NS_LABEL]: getNamespace(old),
    };
    for (const selector of [
      { ...source, [GENERATE_SOURCE_NAME_LABEL]: getName(old) },
      { ...source, [GENERATE_SOURCE_UID_LABEL]: getUid(old) },
    ]) {
      let targets: Resource[];
      try {
        targets = await deps.findDownstream(getApiVersion(old), getKind(old), selector);
      } catch (err) {
        throw new Error(`failed to list targets resources: ${(err as Error).message}`);
      }
      for (const t of targets) labelsList.push(getLabels(t) ?? {});
    }
  } else {
    labelsList.push(labels);
  }
  for (const l of labelsList) {
    const pName = l[GENERATE_POLICY_LABEL] ?? '';
    const pNamespace = l[GENERATE_POLICY_NAMESPACE_LABEL] ?? '';
    const pRuleName = l[GENERATE_RULE_LABEL] ?? '';
    const key = pNamespace !== '' ? `${pNamespace}/${pName}` : pName;
    const policy = deps.policy(key);
    if (!policy) throw policyNotFound(pNamespace, pName);
    const spec: UpdateRequestSpec = { requestType: 'generate', policy: key, ruleContext: [], rule: '', deleteDownstream: false, resource: {}, context: {} };
    for (const rule of policy.spec.rules ?? []) {
      if (rule.name !== pRuleName || rule.generate?.synchronize !== true) continue;
      const matched = compileMatch(rule.match, rule.exclude).matches(old, {
        gvk: req.gvk,
        subresource: req.subresource,
        operation: req.operation,
        namespaceLabels: req.namespaceLabels,
        admissionInfo: req.admissionInfo,
        policyNamespace: policy.metadata.namespace ?? '',
      });
      // the admission resource is both the source and the trigger
      if (matched.matched) continue;
      spec.ruleContext?.push(ruleContext(rule.name, triggerFromLabels(l), deleteDownstream));
    }
    deps.apply(spec, policy);
  }
}

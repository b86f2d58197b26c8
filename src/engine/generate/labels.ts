/**
 * Labels the generate controller puts on downstream resources and clone sources
 * (kyverno/pkg/background/common/{labels,constants}.go, pkg/background/generate/source.go).
 *
 * Every generated object gets `app.kubernetes.io/managed-by: kyverno`, the policy (name, namespace, rule)
 * and the trigger (version, group, kind, namespace, uid — not its name); values may be `""`. A clone also
 * carries `generate.kyverno.io/clone-source: ""` (which is written back onto the source) and the source's
 * group, version, kind, namespace and uid.
 */
import type { Resource } from '../api/json.ts';
import { groupVersionKindOf } from '../match/gvk.ts';
import { getKind, getLabels, getNamespace, getUid, setLabels } from './unstructured.ts';

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const VALUE_KYVERNO_APP = 'kyverno';
export const GENERATE_POLICY_LABEL = 'generate.kyverno.io/policy-name';
export const GENERATE_POLICY_NAMESPACE_LABEL = 'generate.kyverno.io/policy-namespace';
export const GENERATE_RULE_LABEL = 'generate.kyverno.io/rule-name';
export const GENERATE_TRIGGER_NAME_LABEL = 'generate.kyverno.io/trigger-name';
export const GENERATE_TRIGGER_UID_LABEL = 'generate.kyverno.io/trigger-uid';
export const GENERATE_TRIGGER_NS_LABEL = 'generate.kyverno.io/trigger-namespace';
export const GENERATE_TRIGGER_KIND_LABEL = 'generate.kyverno.io/trigger-kind';
export const GENERATE_TRIGGER_VERSION_LABEL = 'generate.kyverno.io/trigger-version';
export const GENERATE_TRIGGER_GROUP_LABEL = 'generate.kyverno.io/trigger-group';
export const GENERATE_SOURCE_NAME_LABEL = 'generate.kyverno.io/source-name';
export const GENERATE_SOURCE_UID_LABEL = 'generate.kyverno.io/source-uid';
export const GENERATE_SOURCE_NS_LABEL = 'generate.kyverno.io/source-namespace';
export const GENERATE_SOURCE_KIND_LABEL = 'generate.kyverno.io/source-kind';
export const GENERATE_SOURCE_VERSION_LABEL = 'generate.kyverno.io/source-version';
export const GENERATE_SOURCE_GROUP_LABEL = 'generate.kyverno.io/source-group';
export const GENERATE_CLONE_SOURCE_LABEL = 'generate.kyverno.io/clone-source';

/** The policy fields the labels need. */
export interface PolicyRef {
  metadata: { name?: string; namespace?: string };
}

/**
 * `common.ManageLabels`: adds managed-by, policy and trigger labels to `resource` (in place), keeping its
 * other labels. Example labels for a ClusterPolicy `p`, rule `r`, trigger `v1 Namespace ns1`:
 * `{managed-by: kyverno, policy-name: p, policy-namespace: "", rule-name: r, trigger-version: v1,
 * trigger-group: "", trigger-kind: Namespace, trigger-namespace: "", trigger-uid: ""}`.
 */
export function manageLabels(resource: Resource, trigger: Resource, policy: PolicyRef, ruleName: string): void {
  const labels = getLabels(resource) ?? {};
  labels[LABEL_MANAGED_BY] = VALUE_KYVERNO_APP;
  labels[GENERATE_POLICY_LABEL] = policy.metadata.name ?? '';
  labels[GENERATE_POLICY_NAMESPACE_LABEL] = policy.metadata.namespace ?? '';
  labels[GENERATE_RULE_LABEL] = ruleName;
  const gvk = groupVersionKindOf(trigger);
  labels[GENERATE_TRIGGER_VERSION_LABEL] = gvk.version;
  labels[GENERATE_TRIGGER_GROUP_LABEL] = gvk.group;
  labels[GENERATE_TRIGGER_KIND_LABEL] = getKind(trigger);
  labels[GENERATE_TRIGGER_NS_LABEL] = getNamespace(trigger);
  labels[GENERATE_TRIGGER_UID_LABEL] = getUid(trigger);
  setLabels(resource, labels);
}

/**
 * The labels the generation handler looks for on the old object of an admission request to treat it as a
 * non-trigger change (pkg/webhooks/resource/generation/handler.go `handleNonTrigger`): a clone source
 * (`generate.kyverno.io/clone-source` present, whatever its value) or a downstream resource
 * (`generate.kyverno.io/policy-name` not empty).
 */
export function hasNonTriggerLabels(labels: Readonly<Record<string, string>>): boolean {
  return Object.prototype.hasOwnProperty.call(labels, GENERATE_CLONE_SOURCE_LABEL) || (labels[GENERATE_POLICY_LABEL] ?? '') !== '';
}

/** `updateSourceLabel` (in place): tags a clone source with `generate.kyverno.io/clone-source: ""`. */
export function tagCloneSource(source: Resource): void {
  const labels = getLabels(source) ?? {};
  labels[GENERATE_CLONE_SOURCE_LABEL] = '';
  setLabels(source, labels);
}

/** `addSourceLabels` (in place): the source's group, version, kind, namespace and uid. */
export function addSourceLabels(source: Resource): void {
  const labels = getLabels(source) ?? {};
  const gvk = groupVersionKindOf(source);
  labels[GENERATE_SOURCE_GROUP_LABEL] = gvk.group;
  labels[GENERATE_SOURCE_VERSION_LABEL] = gvk.version;
  labels[GENERATE_SOURCE_KIND_LABEL] = getKind(source);
  labels[GENERATE_SOURCE_NS_LABEL] = getNamespace(source);
  labels[GENERATE_SOURCE_UID_LABEL] = getUid(source);
  setLabels(source, labels);
}

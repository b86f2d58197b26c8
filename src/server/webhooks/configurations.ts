/**
 * The webhook configurations Kyverno's admission controller registers (pkg/controllers/webhook
 * `build*WebhookConfiguration`, pkg/controllers/generic/webhook), as plain objects:
 *
 * | configuration                                   | webhooks (path)                                             | failurePolicy |
 * |-------------------------------------------------|-------------------------------------------------------------|---------------|
 * | kyverno-resource-validating-webhook-cfg         | validate.kyverno.svc-{ignore,fail}[-finegrained-…] (/validate/…) | per policy |
 * | kyverno-resource-mutating-webhook-cfg           | mutate.kyverno.svc-{ignore,fail}[-finegrained-…] (/mutate/…)     | per policy |
 * | (both, for the CEL kinds; cel-webhooks.ts)      | {vpol,nvpol,mpol,nmpol}.validate.kyverno.svc-… (/vpol/…, …)     | per policy |
 * | kyverno-policy-validating-webhook-cfg           | validate-policy.kyverno.svc (/policyvalidate)               | Fail          |
 * | kyverno-policy-mutating-webhook-cfg             | mutate-policy.kyverno.svc (/policymutate)                   | Fail          |
 * | kyverno-exception-validating-webhook-cfg        | <svc>.<ns>.svc (/exceptionvalidate)                         | Fail          |
 * | kyverno-cel-exception-validating-webhook-cfg    | <svc>.<ns>.svc (/celexception/validate)                     | Fail          |
 * | kyverno-global-context-validating-webhook-cfg   | <svc>.<ns>.svc (/globalcontextvalidate)                     | Fail          |
 * | kyverno-verify-mutating-webhook-cfg             | monitor-webhooks.kyverno.svc (/verifymutate)                | Ignore        |
 *
 * Resource webhooks take namespaceSelector / objectSelector / matchConditions from the `kyverno`
 * ConfigMap; every configuration is labelled `webhook.kyverno.io/managed-by=kyverno` (plus the
 * ConfigMap's `webhookLabels`) and annotated with its `webhookAnnotations`.
 */
import type { JsonObject, JsonValue } from '../../engine/api/json.ts';
import type { KyvernoPolicy } from '../../engine/api/policy.ts';
import { admissionEnabled, customWebhookMatchConditions, policyFailurePolicy } from '../admission/policy-cache.ts';
import type { KyvernoConfiguration } from '../config.ts';
import type { Discovery } from '../sources/discovery.ts';
import { celPolicyKey, celWebhooks, registeredCelPolicies } from './cel-webhooks.ts';
import { AggregatedWebhook, mergePolicy, policyNeedsMutatingWebhook, policyNeedsValidatingWebhook, type RuleWithOperations } from './rules.ts';

export const RESOURCE_VALIDATING_CONFIG = 'kyverno-resource-validating-webhook-cfg';
export const RESOURCE_MUTATING_CONFIG = 'kyverno-resource-mutating-webhook-cfg';
export const POLICY_VALIDATING_CONFIG = 'kyverno-policy-validating-webhook-cfg';
export const POLICY_MUTATING_CONFIG = 'kyverno-policy-mutating-webhook-cfg';
export const EXCEPTION_VALIDATING_CONFIG = 'kyverno-exception-validating-webhook-cfg';
export const CEL_EXCEPTION_VALIDATING_CONFIG = 'kyverno-cel-exception-validating-webhook-cfg';
export const GLOBAL_CONTEXT_VALIDATING_CONFIG = 'kyverno-global-context-validating-webhook-cfg';
export const VERIFY_MUTATING_CONFIG = 'kyverno-verify-mutating-webhook-cfg';
export const LABEL_WEBHOOK_MANAGED_BY = 'webhook.kyverno.io/managed-by';

/** Where the API server reaches the admission server. */
export interface ClientTarget {
  /** `--serverIP` (out of cluster): clientConfig.url `https://<server><path>` */
  server?: string;
  /** the Service (in cluster) */
  serviceName: string;
  namespace: string;
  servicePort: number;
}

export interface BuildOptions {
  target: ClientTarget;
  caBundle: string;
  config: KyvernoConfiguration;
  /** `--webhookTimeout` (default 10) */
  defaultTimeoutSeconds: number;
  /** `--admissionReports`: validating resource webhooks are `NoneOnDryRun` (else `None`) */
  admissionReports: boolean;
  discovery: Discovery;
  /** ValidatingPolicies, MutatingPolicies and their namespaced kinds (every one, ready or not) */
  celPolicies?: readonly JsonObject[];
  /** `--forceFailurePolicyIgnore` */
  forceFailurePolicyIgnore?: boolean;
  /** called for a kind a policy names that discovery cannot resolve */
  onUnknownKind?: (policy: KyvernoPolicy, kind: string, error: string) => void;
}

export interface WebhookObjects {
  validating: JsonObject[];
  mutating: JsonObject[];
  /** policies fully registered in the resource webhooks (Kyverno's policy state recorder) */
  registered: Set<string>;
  /** CEL policies registered in the resource webhooks (`Kind/[ns/]name`, the policy state recorder) */
  celRegistered: Set<string>;
}

export function clientConfig(t: ClientTarget, caBundle: string, path: string): JsonObject {
  const cc: JsonObject = { caBundle: Buffer.from(caBundle).toString('base64') };
  if (t.server !== undefined && t.server !== '') cc['url'] = `https://${t.server}${path}`;
  else cc['service'] = { namespace: t.namespace, name: t.serviceName, path, port: t.servicePort };
  return cc;
}

function objectMeta(name: string, cfg: KyvernoConfiguration): JsonObject {
  const meta: JsonObject = { name, labels: { ...(cfg.webhookLabels ?? {}), [LABEL_WEBHOOK_MANAGED_BY]: 'kyverno' } };
  if (cfg.webhookAnnotations && Object.keys(cfg.webhookAnnotations).length > 0) meta['annotations'] = { ...cfg.webhookAnnotations };
  return meta;
}

function configuration(kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration', name: string, cfg: KyvernoConfiguration, webhooks: JsonObject[]): JsonObject {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: objectMeta(name, cfg), webhooks };
}

const policyKey = (p: KyvernoPolicy): string => (p.kind === 'Policy' ? `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}` : (p.metadata.name ?? ''));

/** The kind-level webhooks (fail, ignore, fine-grained) of the resource validating or mutating configuration. */
function resourceWebhooks(policies: readonly KyvernoPolicy[], validate: boolean, o: BuildOptions, registered: Set<string>): JsonObject[] {
  const global = o.config.matchConditions;
  const ignoreWh = new AggregatedWebhook(o.defaultTimeoutSeconds, 'Ignore', global);
  const failWh = new AggregatedWebhook(o.defaultTimeoutSeconds, 'Fail', global);
  const fineGrained: AggregatedWebhook[] = [];
  for (const p of policies) {
    if (!admissionEnabled(p)) continue;
    const needed = validate ? policyNeedsValidatingWebhook(p) : policyNeedsMutatingWebhook(p);
    if (!needed) continue;
    // `Spec.GetFailurePolicy`: webhookConfiguration.failurePolicy first (the fine-grained path's handler agrees)
    const ignore = policyFailurePolicy(p) === 'Ignore';
    let dst: AggregatedWebhook;
    if (customWebhookMatchConditions(p)) {
      dst = new AggregatedWebhook(o.defaultTimeoutSeconds, ignore ? 'Ignore' : 'Fail', global);
      dst.policy = { namespace: p.kind === 'Policy' ? (p.metadata.namespace ?? '') : '', name: p.metadata.name ?? '' };
      dst.matchConditions = (p.spec?.webhookConfiguration?.matchConditions ?? []) as unknown as JsonValue[];
      fineGrained.push(dst);
    } else dst = ignore ? ignoreWh : failWh;
    const ready = mergePolicy(dst, p, validate, o.discovery, (kind, error) => o.onUnknownKind?.(p, kind, error));
    if (!ready) registered.delete(policyKey(p));
  }
  const ordered = [ignoreWh, failWh, ...fineGrained.filter((w) => w.failurePolicy === 'Ignore'), ...fineGrained.filter((w) => w.failurePolicy === 'Fail')];
  const base = validate ? 'validate.kyverno.svc' : 'mutate.kyverno.svc';
  const basePath = validate ? '/validate' : '/mutate';
  const objectSelector = o.config.webhook.objectSelector ?? {};
  const out: JsonObject[] = [];
  for (const wh of ordered) {
    if (wh.isEmpty()) continue;
    const suffix = wh.failurePolicy === 'Ignore' ? 'ignore' : 'fail';
    let name = `${base}-${suffix}`;
    let path = `${basePath}/${suffix}`;
    if (wh.policy) {
      name += `-finegrained-${wh.key('-')}`;
      path += `/finegrained/${wh.key('/')}`;
    }
    const hook: JsonObject = {
      name,
      clientConfig: clientConfig(o.target, o.caBundle, path),
      rules: wh.rulesWithOperations() as unknown as JsonValue[],
      failurePolicy: wh.failurePolicy,
      sideEffects: validate && !o.admissionReports ? 'None' : 'NoneOnDryRun',
      admissionReviewVersions: ['v1'],
      objectSelector,
      timeoutSeconds: Math.min(wh.maxTimeoutSeconds, 30),
      matchPolicy: 'Equivalent',
    };
    if (o.config.webhook.namespaceSelector) hook['namespaceSelector'] = o.config.webhook.namespaceSelector;
    if (!validate) hook['reinvocationPolicy'] = 'IfNeeded';
    if (wh.matchConditions && wh.matchConditions.length > 0) hook['matchConditions'] = wh.matchConditions;
    out.push(hook);
  }
  return out.sort((a, b) => (String(a['name']) < String(b['name']) ? -1 : String(a['name']) > String(b['name']) ? 1 : 0));
}

const rule = (apiGroups: string[], apiVersions: string[], resources: string[], operations: string[]): JsonObject => ({ apiGroups, apiVersions, resources, operations });
const CU = ['CREATE', 'UPDATE'];
const V = ['v1alpha1', 'v1beta1', 'v1'];
const NV = ['v1beta1', 'v1'];

/** Every configuration, built from the current policies. */
export function buildWebhookConfigurations(allPolicies: readonly KyvernoPolicy[], o: BuildOptions): WebhookObjects {
  const cfg = o.config;
  // a policy generated into a ValidatingAdmissionPolicy is not registered (getAllPolicies)
  const policies = allPolicies.filter((p) => !(p as unknown as { status?: { validatingadmissionpolicy?: { generated?: boolean } } }).status?.validatingadmissionpolicy?.generated);
  const registered = new Set(policies.map(policyKey));
  const timeout = o.defaultTimeoutSeconds;
  const generic = (name: string, path: string, rules: JsonObject[]): JsonObject =>
    configuration('ValidatingWebhookConfiguration', name, cfg, [
      {
        name: `${o.target.serviceName}.${o.target.namespace}.svc`,
        clientConfig: clientConfig(o.target, o.caBundle, path),
        rules,
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: timeout,
        matchPolicy: 'Equivalent',
      },
    ]);
  const celOpts = { config: cfg, forceFailurePolicyIgnore: o.forceFailurePolicyIgnore ?? false, clientConfig: (path: string) => clientConfig(o.target, o.caBundle, path) };
  const byName = (a: JsonObject, b: JsonObject): number => (String(a['name']) < String(b['name']) ? -1 : String(a['name']) > String(b['name']) ? 1 : 0);
  const withCel = (hooks: JsonObject[], mutating: boolean): JsonObject[] => {
    const cel = celWebhooks(o.celPolicies ?? [], mutating, celOpts);
    return cel.length === 0 ? hooks : [...hooks, ...cel].sort(byName);
  };
  const celRegistered = new Set(registeredCelPolicies(o.celPolicies ?? []).map(celPolicyKey));
  const validating = [
    configuration('ValidatingWebhookConfiguration', RESOURCE_VALIDATING_CONFIG, cfg, withCel(resourceWebhooks(policies, true, o, registered), false)),
    configuration('ValidatingWebhookConfiguration', POLICY_VALIDATING_CONFIG, cfg, [
      {
        name: 'validate-policy.kyverno.svc',
        clientConfig: clientConfig(o.target, o.caBundle, '/policyvalidate'),
        rules: [
          rule(['kyverno.io'], ['v1', 'v2beta1'], ['clusterpolicies', 'policies'], CU),
          rule(['policies.kyverno.io'], V, ['validatingpolicies'], CU),
          rule(['policies.kyverno.io'], NV, ['namespacedvalidatingpolicies'], CU),
          rule(['policies.kyverno.io'], V, ['imagevalidatingpolicies'], CU),
          rule(['policies.kyverno.io'], NV, ['namespacedimagevalidatingpolicies'], CU),
          rule(['policies.kyverno.io'], V, ['generatingpolicies'], CU),
          rule(['policies.kyverno.io'], NV, ['namespacedgeneratingpolicies'], CU),
          rule(['policies.kyverno.io'], V, ['mutatingpolicies'], CU),
          rule(['policies.kyverno.io'], NV, ['namespacedmutatingpolicies'], CU),
          rule(['policies.kyverno.io'], V, ['deletingpolicies'], CU),
          // Kyverno's cleanup controller serves these on its own webhook (kyverno-cleanup-validating-webhook-cfg)
          rule(['kyverno.io'], ['v2beta1'], ['cleanuppolicies/*', 'clustercleanuppolicies/*'], CU),
        ],
        failurePolicy: 'Fail',
        timeoutSeconds: timeout,
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        matchPolicy: 'Equivalent',
      },
    ]),
    generic(EXCEPTION_VALIDATING_CONFIG, '/exceptionvalidate', [rule(['kyverno.io'], ['v2alpha1', 'v2beta1'], ['policyexceptions'], CU)]),
    generic(CEL_EXCEPTION_VALIDATING_CONFIG, '/celexception/validate', [rule(['policies.kyverno.io'], ['v1alpha1'], ['policyexceptions'], CU)]),
    generic(GLOBAL_CONTEXT_VALIDATING_CONFIG, '/globalcontextvalidate', [rule(['kyverno.io'], ['v2alpha1'], ['globalcontextentries'], CU)]),
  ];
  const mutating = [
    configuration('MutatingWebhookConfiguration', RESOURCE_MUTATING_CONFIG, cfg, withCel(resourceWebhooks(policies, false, o, registered), true)),
    configuration('MutatingWebhookConfiguration', POLICY_MUTATING_CONFIG, cfg, [
      {
        name: 'mutate-policy.kyverno.svc',
        clientConfig: clientConfig(o.target, o.caBundle, '/policymutate'),
        rules: [rule(['kyverno.io'], ['v1', 'v2beta1'], ['clusterpolicies', 'policies'], CU)],
        failurePolicy: 'Fail',
        timeoutSeconds: timeout,
        sideEffects: 'NoneOnDryRun',
        reinvocationPolicy: 'IfNeeded',
        admissionReviewVersions: ['v1'],
        matchPolicy: 'Equivalent',
      },
    ]),
    configuration('MutatingWebhookConfiguration', VERIFY_MUTATING_CONFIG, cfg, [
      {
        name: 'monitor-webhooks.kyverno.svc',
        clientConfig: clientConfig(o.target, o.caBundle, '/verifymutate'),
        rules: [rule(['coordination.k8s.io'], ['v1'], ['leases'], ['UPDATE'])],
        failurePolicy: 'Ignore',
        sideEffects: 'NoneOnDryRun',
        timeoutSeconds: timeout,
        reinvocationPolicy: 'IfNeeded',
        admissionReviewVersions: ['v1'],
        objectSelector: { matchLabels: { 'app.kubernetes.io/name': 'kyverno' } },
        matchPolicy: 'Equivalent',
      },
    ]),
  ];
  return { validating, mutating, registered, celRegistered };
}

export type { RuleWithOperations };

/**
 * The classic Kyverno policy API (kyverno.io/v1 ClusterPolicy / Policy, kyverno.io/v2 PolicyException),
 * field for field as in kyverno/api/kyverno/v1/*_types.go. Objects are kept as decoded JSON; these
 * interfaces only describe them.
 */
import type { JsonObject, JsonValue } from './json.ts';

export type ValidationFailureAction = 'Audit' | 'Enforce' | 'audit' | 'enforce';
export type FailurePolicy = 'Fail' | 'Ignore';
export type ApplyRulesType = 'All' | 'One';

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  [k: string]: JsonValue | undefined;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface UserInfoFilter {
  roles?: string[];
  clusterRoles?: string[];
  subjects?: Subject[];
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface ResourceDescription {
  kinds?: string[];
  /** deprecated single name */
  name?: string;
  names?: string[];
  namespaces?: string[];
  annotations?: Record<string, string>;
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations?: AdmissionOperation[];
}

export interface ResourceFilter extends UserInfoFilter {
  resources?: ResourceDescription;
}

export interface MatchResources extends UserInfoFilter {
  any?: ResourceFilter[];
  all?: ResourceFilter[];
  /** legacy inline form */
  resources?: ResourceDescription;
}

export interface Condition {
  key?: JsonValue;
  operator?: string;
  value?: JsonValue;
  message?: string;
}

export interface AnyAllConditions {
  any?: Condition[];
  all?: Condition[];
}

/** preconditions may be `{any, all}` or a legacy list (meaning all). */
export type ConditionsWrapper = AnyAllConditions | Condition[];

export interface VariableEntry {
  value?: JsonValue;
  jmesPath?: string;
  default?: JsonValue;
}

export interface ConfigMapReference {
  name: string;
  namespace?: string;
}

export interface RequestData {
  key: string;
  value: JsonValue;
}

export interface HttpHeader {
  key: string;
  value: string;
}

export interface ServiceCall {
  url: string;
  headers?: HttpHeader[];
  caBundle?: string;
}

export interface ContextApiCall {
  urlPath?: string;
  method?: 'GET' | 'POST';
  data?: RequestData[];
  service?: ServiceCall;
  default?: JsonValue;
  jmesPath?: string;
}

export interface ImageRegistryEntry {
  reference: string;
  jmesPath?: string;
  imageRegistryCredentials?: JsonObject;
}

export interface GlobalContextEntryReference {
  name: string;
  jmesPath?: string;
}

export interface ContextEntry {
  name: string;
  configMap?: ConfigMapReference;
  apiCall?: ContextApiCall;
  imageRegistry?: ImageRegistryEntry;
  variable?: VariableEntry;
  globalReference?: GlobalContextEntryReference;
}

export interface Deny {
  conditions?: ConditionsWrapper;
}

export interface PodSecurityStandard {
  controlName: string;
  images?: string[];
  restrictedField?: string;
  values?: string[];
}

export interface PodSecurity {
  level?: 'privileged' | 'baseline' | 'restricted';
  version?: string;
  exclude?: PodSecurityStandard[];
}

export interface ForEachValidation {
  list?: string;
  elementScope?: boolean;
  context?: ContextEntry[];
  preconditions?: AnyAllConditions;
  pattern?: JsonValue;
  anyPattern?: JsonValue;
  deny?: Deny;
  foreach?: ForEachValidation[];
}

export interface ValidationFailureActionOverride {
  action?: ValidationFailureAction;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
}

export interface CelValidation {
  generate?: boolean;
  expressions?: Array<{ expression: string; message?: string; messageExpression?: string; reason?: string }>;
  paramKind?: { apiVersion?: string; kind?: string };
  paramRef?: JsonObject;
  auditAnnotations?: Array<{ key: string; valueExpression: string }>;
  variables?: Array<{ name: string; expression: string }>;
}

export interface Validation {
  failureAction?: ValidationFailureAction;
  failureActionOverrides?: ValidationFailureActionOverride[];
  allowExistingViolations?: boolean;
  message?: string;
  manifests?: JsonObject;
  foreach?: ForEachValidation[];
  pattern?: JsonValue;
  anyPattern?: JsonValue;
  deny?: Deny;
  podSecurity?: PodSecurity;
  cel?: CelValidation;
  assert?: JsonValue;
}

export interface TargetResourceSpec {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  selector?: LabelSelector;
  context?: ContextEntry[];
  preconditions?: ConditionsWrapper;
}

export interface ForEachMutation {
  list?: string;
  order?: 'Ascending' | 'Descending';
  context?: ContextEntry[];
  preconditions?: AnyAllConditions;
  patchStrategicMerge?: JsonValue;
  patchesJson6902?: string;
  foreach?: ForEachMutation[];
}

export interface Mutation {
  mutateExistingOnPolicyUpdate?: boolean;
  targets?: TargetResourceSpec[];
  patchStrategicMerge?: JsonValue;
  patchesJson6902?: string;
  foreach?: ForEachMutation[];
}

export interface CloneFrom {
  namespace?: string;
  name?: string;
}

export interface CloneList {
  namespace?: string;
  kinds?: string[];
  selector?: LabelSelector;
}

export interface GeneratePattern {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  data?: JsonValue;
  clone?: CloneFrom;
  cloneList?: CloneList;
}

export interface ForEachGeneration extends GeneratePattern {
  list?: string;
  context?: ContextEntry[];
  preconditions?: AnyAllConditions;
}

export interface Generation extends GeneratePattern {
  generateExisting?: boolean;
  synchronize?: boolean;
  orphanDownstreamOnPolicyDelete?: boolean;
  foreach?: ForEachGeneration[];
}

export interface Rule {
  name: string;
  context?: ContextEntry[];
  reportProperties?: Record<string, string>;
  match?: MatchResources;
  exclude?: MatchResources;
  imageExtractors?: JsonObject;
  preconditions?: ConditionsWrapper;
  celPreconditions?: Array<{ name: string; expression: string }>;
  mutate?: Mutation;
  validate?: Validation;
  generate?: Generation;
  verifyImages?: JsonValue[];
  skipBackgroundRequests?: boolean;
}

export interface WebhookConfiguration {
  failurePolicy?: FailurePolicy;
  timeoutSeconds?: number;
  matchConditions?: Array<{ name: string; expression: string }>;
}

export interface PolicySpec {
  rules?: Rule[];
  applyRules?: ApplyRulesType;
  validationFailureAction?: ValidationFailureAction;
  validationFailureActionOverrides?: ValidationFailureActionOverride[];
  emitWarning?: boolean;
  admission?: boolean;
  background?: boolean;
  schemaValidation?: boolean;
  failurePolicy?: FailurePolicy;
  webhookTimeoutSeconds?: number;
  webhookConfiguration?: WebhookConfiguration;
  mutateExistingOnPolicyUpdate?: boolean;
  generateExisting?: boolean;
  generateExistingOnPolicyUpdate?: boolean;
  useServerSideApply?: boolean;
}

/** kyverno.io/v1 ClusterPolicy or Policy. */
export interface KyvernoPolicy {
  apiVersion: string;
  kind: 'ClusterPolicy' | 'Policy';
  metadata: ObjectMeta;
  spec: PolicySpec;
  status?: JsonObject;
}

export interface PolicyExceptionSpec {
  background?: boolean;
  match?: MatchResources;
  conditions?: AnyAllConditions;
  exceptions?: Array<{ policyName: string; ruleNames: string[] }>;
  podSecurity?: PodSecurityStandard[];
}

/** kyverno.io/v2 (or v2beta1) PolicyException. */
export interface PolicyException {
  apiVersion: string;
  kind: 'PolicyException';
  metadata: ObjectMeta;
  spec: PolicyExceptionSpec;
}

/** `name` for ClusterPolicy, `namespace/name` for Policy. */
export function policyKey(p: { kind: string; metadata: ObjectMeta }): string {
  const name = p.metadata.name ?? '';
  return p.kind === 'Policy' && p.metadata.namespace ? `${p.metadata.namespace}/${name}` : name;
}

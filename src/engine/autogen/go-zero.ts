/**
 * Zero-value tests for the Kyverno API structs autogen compares with `reflect.DeepEqual(x, T{})`
 * (api/kyverno/v1). A decoded JSON object is "zero" when every field the Go struct declares would decode
 * to its zero value: pointers, slices, maps and raw JSON only when absent or `null` (an empty `[]` or `{}`
 * decodes to a non-nil value), strings when `""`, plain booleans when `false`, embedded/value structs
 * recursively. Fields Go does not declare are ignored, as the Go decoder drops them.
 */
import { isObject } from '../api/json.ts';
import type { JsonValue } from '../api/json.ts';

/** How one struct field decodes: a reference type, a string, a plain bool, or a nested value struct. */
type FieldShape = 'ref' | 'string' | 'bool' | StructShape;
interface StructShape {
  readonly [field: string]: FieldShape;
}

function isZeroField(v: JsonValue | undefined, shape: FieldShape): boolean {
  if (v === undefined || v === null) return true;
  if (shape === 'ref') return false;
  if (shape === 'string') return v === '';
  if (shape === 'bool') return v === false;
  return isObject(v) && isZeroStruct(v, shape);
}

function isZeroStruct(v: JsonValue | undefined, shape: StructShape): boolean {
  if (v === undefined || v === null) return true;
  if (!isObject(v)) return false;
  for (const field of Object.keys(shape)) {
    if (!isZeroField(v[field], shape[field] as FieldShape)) return false;
  }
  return true;
}

const RESOURCE_DESCRIPTION: StructShape = {
  kinds: 'ref',
  name: 'string',
  names: 'ref',
  namespaces: 'ref',
  annotations: 'ref',
  selector: 'ref',
  namespaceSelector: 'ref',
  operations: 'ref',
};

const MATCH_RESOURCES: StructShape = {
  any: 'ref',
  all: 'ref',
  roles: 'ref',
  clusterRoles: 'ref',
  subjects: 'ref',
  resources: RESOURCE_DESCRIPTION,
};

const MUTATION: StructShape = {
  mutateExistingOnPolicyUpdate: 'ref',
  targets: 'ref',
  patchStrategicMerge: 'ref',
  patchesJson6902: 'string',
  foreach: 'ref',
};

const VALIDATION: StructShape = {
  failureAction: 'ref',
  failureActionOverrides: 'ref',
  allowExistingViolations: 'ref',
  message: 'string',
  manifests: 'ref',
  foreach: 'ref',
  pattern: 'ref',
  anyPattern: 'ref',
  deny: 'ref',
  podSecurity: 'ref',
  cel: 'ref',
  assert: 'ref',
};

const CEL: StructShape = {
  generate: 'ref',
  expressions: 'ref',
  paramKind: 'ref',
  paramRef: 'ref',
  auditAnnotations: 'ref',
  variables: 'ref',
};

const GENERATION: StructShape = {
  generateExisting: 'ref',
  synchronize: 'bool',
  orphanDownstreamOnPolicyDelete: 'bool',
  apiVersion: 'string',
  kind: 'string',
  namespace: 'string',
  name: 'string',
  uid: 'string',
  data: 'ref',
  clone: { namespace: 'string', name: 'string' },
  cloneList: { namespace: 'string', kinds: 'ref', selector: 'ref' },
  foreach: 'ref',
};

/** `MatchResources{}`: e.g. `{}` and `{resources: {}}` are zero, `{any: []}` is not. */
export function isZeroMatchResources(v: JsonValue | undefined): boolean {
  return isZeroStruct(v, MATCH_RESOURCES);
}

/** `Mutation{}`. */
export function isZeroMutation(v: JsonValue | undefined): boolean {
  return isZeroStruct(v, MUTATION);
}

/** `Validation{}`: e.g. `{message: ''}` is zero, `{cel: {}}` is not. */
export function isZeroValidation(v: JsonValue | undefined): boolean {
  return isZeroStruct(v, VALIDATION);
}

/** `CEL{}` (so `validate.cel: {}` is not a CEL rule). */
export function isZeroCel(v: JsonValue | undefined): boolean {
  return isZeroStruct(v, CEL);
}

/** `Generation{}` (so `generate: {}` is not a generate rule). */
export function isZeroGeneration(v: JsonValue | undefined): boolean {
  return isZeroStruct(v, GENERATION);
}

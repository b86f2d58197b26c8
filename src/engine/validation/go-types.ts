/**
 * `encoding/json` output of Kyverno's Go API structs (kyverno/api/kyverno/v1, v2), computed from the
 * decoded policy JSON.
 *
 * Kyverno serializes typed objects in several validation paths: field errors print the bad value as JSON
 * (`spec.rules[0]: Invalid value: {"name":"r","match":{...}}: ...`), variable checks scan the serialized
 * policy, and rule copies are walked in their serialized form. Go writes struct fields in declaration
 * order, drops `omitempty` zero values, always writes non-`omitempty` fields (`"clone":{}`,
 * `"creationTimestamp":null`), inlines embedded structs and writes maps with sorted keys. Free-form fields
 * (`pattern`, `data`, `key`, ...) are written as their JSON with sorted keys, as Kubernetes stores them.
 *
 * Example: `goStructJson(RULE, {name: 'r', match: {any: [{resources: {kinds: ['Pod']}}]}})` is
 * `{"name":"r","match":{"any":[{"resources":{"kinds":["Pod"]}}],"resources":{}}}`.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { compareGoStrings, goJsonMarshal, goJsonNumber, goJsonString } from '../utils/gojson.ts';

/** The shape of a Go type as encoding/json sees it. */
export type GoType =
  | { readonly k: 'string' }
  | { readonly k: 'bool' }
  | { readonly k: 'int' }
  /** free-form JSON behind a pointer (`*apiextv1.JSON`, `*kyverno.Any`): `null`/absent is nil */
  | { readonly k: 'raw' }
  | { readonly k: 'ptr'; readonly elem: GoType }
  | { readonly k: 'slice'; readonly elem: GoType }
  | { readonly k: 'map'; readonly elem: GoType }
  | { readonly k: 'struct'; readonly fields: readonly GoField[] }
  /** `ConditionsWrapper`: a list of conditions (legacy) or `{any, all}` */
  | { readonly k: 'conditions' }
  /** `metav1.Time`: a struct whose zero value marshals as `null` */
  | { readonly k: 'time' };

/** A struct field: named (`json:"name,omitempty"`) or embedded without a name (inlined). */
export type GoField =
  | { readonly name: string; readonly type: GoType; readonly omitempty: boolean }
  | { readonly inline: GoType & { k: 'struct' } };

const STRING: GoType = { k: 'string' };
const BOOL: GoType = { k: 'bool' };
const INT: GoType = { k: 'int' };
const RAW: GoType = { k: 'raw' };
const TIME: GoType = { k: 'time' };
const ptr = (elem: GoType): GoType => ({ k: 'ptr', elem });
const slice = (elem: GoType): GoType => ({ k: 'slice', elem });
const map = (elem: GoType): GoType => ({ k: 'map', elem });
const struct = (...fields: GoField[]): GoType & { k: 'struct' } => ({ k: 'struct', fields });
/** `json:"name,omitempty"` */
const o = (name: string, type: GoType): GoField => ({ name, type, omitempty: true });
/** `json:"name"` */
const f = (name: string, type: GoType): GoField => ({ name, type, omitempty: false });
const inline = (type: GoType & { k: 'struct' }): GoField => ({ inline: type });

// ---- k8s.io/apimachinery, k8s.io/api ----

export const LABEL_SELECTOR = struct(
  o('matchLabels', map(STRING)),
  o('matchExpressions', slice(struct(f('key', STRING), f('operator', STRING), o('values', slice(STRING))))),
);
const SUBJECT = struct(f('kind', STRING), o('apiGroup', STRING), f('name', STRING), o('namespace', STRING));
const MATCH_CONDITION = struct(f('name', STRING), f('expression', STRING));
const CEL_VALIDATION = struct(
  f('expression', STRING),
  o('message', STRING),
  o('reason', ptr(STRING)),
  o('messageExpression', STRING),
);
const PARAM_KIND = struct(o('apiVersion', STRING), o('kind', STRING));
const PARAM_REF = struct(
  o('name', STRING),
  o('namespace', STRING),
  o('selector', ptr(LABEL_SELECTOR)),
  o('parameterNotFoundAction', ptr(STRING)),
);
const AUDIT_ANNOTATION = struct(f('key', STRING), f('valueExpression', STRING));
const CEL_VARIABLE = struct(f('name', STRING), f('expression', STRING));
const TYPE_META = struct(o('kind', STRING), o('apiVersion', STRING));
const OWNER_REFERENCE = struct(
  f('apiVersion', STRING),
  f('kind', STRING),
  f('name', STRING),
  f('uid', STRING),
  o('controller', ptr(BOOL)),
  o('blockOwnerDeletion', ptr(BOOL)),
);
const OBJECT_META = struct(
  o('name', STRING),
  o('generateName', STRING),
  o('namespace', STRING),
  o('selfLink', STRING),
  o('uid', STRING),
  o('resourceVersion', STRING),
  o('generation', INT),
  o('creationTimestamp', TIME),
  o('deletionTimestamp', ptr(TIME)),
  o('deletionGracePeriodSeconds', ptr(INT)),
  o('labels', map(STRING)),
  o('annotations', map(STRING)),
  o('ownerReferences', slice(OWNER_REFERENCE)),
  o('finalizers', slice(STRING)),
  o('managedFields', slice(RAW)),
);

// ---- kyverno.io/v1 ----

export const USER_INFO_FIELDS = [o('roles', slice(STRING)), o('clusterRoles', slice(STRING)), o('subjects', slice(SUBJECT))];
export const RESOURCE_DESCRIPTION = struct(
  o('kinds', slice(STRING)),
  o('name', STRING),
  o('names', slice(STRING)),
  o('namespaces', slice(STRING)),
  o('annotations', map(STRING)),
  o('selector', ptr(LABEL_SELECTOR)),
  o('namespaceSelector', ptr(LABEL_SELECTOR)),
  o('operations', slice(STRING)),
);
const USER_INFO = struct(...USER_INFO_FIELDS);
export const RESOURCE_FILTER = struct(inline(USER_INFO), o('resources', RESOURCE_DESCRIPTION));
export const MATCH_RESOURCES = struct(
  o('any', slice(RESOURCE_FILTER)),
  o('all', slice(RESOURCE_FILTER)),
  inline(USER_INFO),
  o('resources', RESOURCE_DESCRIPTION),
);
/** kyverno.io/v2beta1 MatchResources (PolicyException.spec.match) */
export const MATCH_RESOURCES_V2 = struct(o('any', slice(RESOURCE_FILTER)), o('all', slice(RESOURCE_FILTER)));

export const CONDITION = struct(o('key', RAW), o('operator', STRING), o('value', RAW), o('message', STRING));
export const ANY_ALL_CONDITIONS = struct(o('any', slice(CONDITION)), o('all', slice(CONDITION)));
const CONDITIONS: GoType = { k: 'conditions' };

const IMAGE_REGISTRY_CREDENTIALS = struct(
  o('allowInsecureRegistry', BOOL),
  o('providers', slice(STRING)),
  o('secrets', slice(STRING)),
);
const API_CALL_FIELDS = struct(
  f('urlPath', STRING),
  o('method', STRING),
  o('data', slice(struct(f('key', STRING), f('value', RAW)))),
  o(
    'service',
    ptr(struct(f('url', STRING), o('headers', slice(struct(f('key', STRING), f('value', STRING)))), f('caBundle', STRING))),
  ),
);
export const CONTEXT_ENTRY = struct(
  f('name', STRING),
  o('configMap', ptr(struct(f('name', STRING), o('namespace', STRING)))),
  o('apiCall', ptr(struct(inline(API_CALL_FIELDS), o('default', RAW), o('jmesPath', STRING)))),
  o(
    'imageRegistry',
    ptr(struct(f('reference', STRING), o('jmesPath', STRING), o('imageRegistryCredentials', ptr(IMAGE_REGISTRY_CREDENTIALS)))),
  ),
  o('variable', ptr(struct(o('value', RAW), o('jmesPath', STRING), o('default', RAW)))),
  o('globalReference', ptr(struct(f('name', STRING), o('jmesPath', STRING)))),
);
export const CONTEXT = slice(CONTEXT_ENTRY);

const FAILURE_ACTION_OVERRIDE = struct(
  o('action', STRING),
  o('namespaces', slice(STRING)),
  o('namespaceSelector', ptr(LABEL_SELECTOR)),
);
const DENY = struct(o('conditions', ptr(CONDITIONS)));

const REKOR = struct(f('url', STRING), o('pubkey', STRING), o('ignoreTlog', BOOL));
const CTLOG = struct(o('ignoreSCT', BOOL), o('pubkey', STRING), o('tsaCertChain', STRING));
export const STATIC_KEY_ATTESTOR = struct(
  o('publicKeys', STRING),
  o('signatureAlgorithm', STRING),
  o('kms', STRING),
  o('secret', ptr(struct(f('name', STRING), f('namespace', STRING)))),
  o('rekor', ptr(REKOR)),
  o('ctlog', ptr(CTLOG)),
);
export const CERTIFICATE_ATTESTOR = struct(
  o('cert', STRING),
  o('certChain', STRING),
  o('rekor', ptr(REKOR)),
  o('ctlog', ptr(CTLOG)),
);
export const KEYLESS_ATTESTOR = struct(
  o('rekor', ptr(REKOR)),
  o('ctlog', ptr(CTLOG)),
  o('issuer', STRING),
  o('issuerRegExp', STRING),
  o('subject', STRING),
  o('subjectRegExp', STRING),
  o('roots', STRING),
  o('additionalExtensions', map(STRING)),
);
export const ATTESTOR = struct(
  o('keys', ptr(STATIC_KEY_ATTESTOR)),
  o('certificates', ptr(CERTIFICATE_ATTESTOR)),
  o('keyless', ptr(KEYLESS_ATTESTOR)),
  o('attestor', RAW),
  o('annotations', map(STRING)),
  o('repository', STRING),
  o('signatureAlgorithm', STRING),
);
export const ATTESTOR_SET = struct(o('count', ptr(INT)), o('entries', slice(ATTESTOR)));
const ATTESTATION = struct(
  o('name', STRING),
  f('predicateType', STRING),
  f('type', STRING),
  f('attestors', slice(ATTESTOR_SET)),
  o('conditions', slice(ANY_ALL_CONDITIONS)),
);
export const VALIDATE_IMAGE_VERIFICATION = struct(o('message', STRING), o('deny', ptr(DENY)));
export const IMAGE_VERIFICATION = struct(
  o('failureAction', ptr(STRING)),
  o('type', STRING),
  o('image', STRING),
  o('imageReferences', slice(STRING)),
  o('skipImageReferences', slice(STRING)),
  o('key', STRING),
  o('roots', STRING),
  o('subject', STRING),
  o('issuer', STRING),
  o('additionalExtensions', map(STRING)),
  o('attestors', slice(ATTESTOR_SET)),
  o('attestations', slice(ATTESTATION)),
  o('annotations', map(STRING)),
  o('repository', STRING),
  o('cosignOCI11', BOOL),
  f('mutateDigest', BOOL),
  f('verifyDigest', BOOL),
  o('validate', VALIDATE_IMAGE_VERIFICATION),
  f('required', BOOL),
  o('imageRegistryCredentials', ptr(IMAGE_REGISTRY_CREDENTIALS)),
  f('useCache', BOOL),
);

const FOREACH_VALIDATION_FIELDS: GoField[] = [];
/** recursive: the field list is filled below */
const FOREACH_VALIDATION: GoType & { k: 'struct' } = { k: 'struct', fields: FOREACH_VALIDATION_FIELDS };
FOREACH_VALIDATION_FIELDS.push(
  o('list', STRING),
  o('elementScope', ptr(BOOL)),
  o('context', CONTEXT),
  o('preconditions', ptr(ANY_ALL_CONDITIONS)),
  o('pattern', RAW),
  o('anyPattern', RAW),
  o('deny', ptr(DENY)),
  o('foreach', ptr(slice(FOREACH_VALIDATION))),
);

const POD_SECURITY_STANDARD = struct(
  f('controlName', STRING),
  o('images', slice(STRING)),
  o('restrictedField', STRING),
  o('values', slice(STRING)),
);
export const CEL = struct(
  o('generate', ptr(BOOL)),
  o('expressions', slice(CEL_VALIDATION)),
  o('paramKind', ptr(PARAM_KIND)),
  o('paramRef', ptr(PARAM_REF)),
  o('auditAnnotations', slice(AUDIT_ANNOTATION)),
  o('variables', slice(CEL_VARIABLE)),
);
export const VALIDATION = struct(
  o('failureAction', ptr(STRING)),
  o('failureActionOverrides', slice(FAILURE_ACTION_OVERRIDE)),
  o('allowExistingViolations', ptr(BOOL)),
  o('message', STRING),
  o(
    'manifests',
    ptr(
      struct(
        o('attestors', slice(ATTESTOR_SET)),
        o('annotationDomain', STRING),
        o('ignoreFields', slice(struct(o('fields', slice(STRING)), o('objects', slice(RAW))))),
        o('dryRun', struct(o('enable', BOOL), o('namespace', STRING))),
        o('repository', STRING),
      ),
    ),
  ),
  o('foreach', slice(FOREACH_VALIDATION)),
  o('pattern', RAW),
  o('anyPattern', RAW),
  o('deny', ptr(DENY)),
  o('podSecurity', ptr(struct(o('level', STRING), o('version', STRING), o('exclude', slice(POD_SECURITY_STANDARD))))),
  o('cel', ptr(CEL)),
  o('assert', RAW),
);

const RESOURCE_SPEC = struct(o('apiVersion', STRING), o('kind', STRING), o('namespace', STRING), o('name', STRING), o('uid', STRING));
const TARGET_RESOURCE_SPEC = struct(
  inline(struct(inline(RESOURCE_SPEC), o('selector', ptr(LABEL_SELECTOR)))),
  o('context', CONTEXT),
  o('preconditions', ptr(CONDITIONS)),
);
const FOREACH_MUTATION_FIELDS: GoField[] = [];
/** recursive: the field list is filled below */
const FOREACH_MUTATION: GoType & { k: 'struct' } = { k: 'struct', fields: FOREACH_MUTATION_FIELDS };
FOREACH_MUTATION_FIELDS.push(
  o('list', STRING),
  o('order', ptr(STRING)),
  o('context', CONTEXT),
  o('preconditions', ptr(ANY_ALL_CONDITIONS)),
  o('patchStrategicMerge', RAW),
  o('patchesJson6902', STRING),
  o('foreach', ptr(slice(FOREACH_MUTATION))),
);
export const MUTATION = struct(
  o('mutateExistingOnPolicyUpdate', ptr(BOOL)),
  o('targets', slice(TARGET_RESOURCE_SPEC)),
  o('patchStrategicMerge', RAW),
  o('patchesJson6902', STRING),
  o('foreach', slice(FOREACH_MUTATION)),
);

const CLONE_FROM = struct(o('namespace', STRING), o('name', STRING));
const CLONE_LIST = struct(o('namespace', STRING), o('kinds', slice(STRING)), o('selector', ptr(LABEL_SELECTOR)));
export const GENERATE_PATTERN = struct(inline(RESOURCE_SPEC), o('data', RAW), o('clone', CLONE_FROM), o('cloneList', CLONE_LIST));
/** the parts of a generate pattern Kyverno checks for variables */
export const GENERATE_PATTERN_SOURCES = { clone: CLONE_FROM, pattern: GENERATE_PATTERN } as const;
export const GENERATION = struct(
  o('generateExisting', ptr(BOOL)),
  o('synchronize', BOOL),
  o('orphanDownstreamOnPolicyDelete', BOOL),
  inline(GENERATE_PATTERN),
  o(
    'foreach',
    slice(struct(o('list', STRING), o('context', CONTEXT), o('preconditions', ptr(ANY_ALL_CONDITIONS)), inline(GENERATE_PATTERN))),
  ),
);

export const RULE = struct(
  f('name', STRING),
  o('context', CONTEXT),
  o('reportProperties', map(STRING)),
  f('match', MATCH_RESOURCES),
  o('exclude', ptr(MATCH_RESOURCES)),
  o(
    'imageExtractors',
    map(slice(struct(f('path', STRING), o('value', STRING), o('name', STRING), o('key', STRING), o('jmesPath', STRING)))),
  ),
  o('preconditions', ptr(CONDITIONS)),
  o('celPreconditions', slice(MATCH_CONDITION)),
  o('mutate', ptr(MUTATION)),
  o('validate', ptr(VALIDATION)),
  o('generate', ptr(GENERATION)),
  o('verifyImages', slice(IMAGE_VERIFICATION)),
  o('skipBackgroundRequests', ptr(BOOL)),
);

export const SPEC = struct(
  o('rules', slice(RULE)),
  o('applyRules', ptr(STRING)),
  o('failurePolicy', ptr(STRING)),
  o('validationFailureAction', STRING),
  o('validationFailureActionOverrides', slice(FAILURE_ACTION_OVERRIDE)),
  o('emitWarning', ptr(BOOL)),
  o('admission', ptr(BOOL)),
  o('background', ptr(BOOL)),
  o('schemaValidation', ptr(BOOL)),
  o('webhookTimeoutSeconds', ptr(INT)),
  o('mutateExistingOnPolicyUpdate', BOOL),
  o('generateExistingOnPolicyUpdate', ptr(BOOL)),
  o('generateExisting', BOOL),
  o('useServerSideApply', BOOL),
  o(
    'webhookConfiguration',
    ptr(struct(o('failurePolicy', ptr(STRING)), o('timeoutSeconds', ptr(INT)), o('matchConditions', slice(MATCH_CONDITION)))),
  ),
);

/** kyverno.io/v2 `CleanupPolicySpec` (CleanupPolicy, ClusterCleanupPolicy). */
export const CLEANUP_POLICY_SPEC = struct(
  o('context', CONTEXT),
  f('match', MATCH_RESOURCES_V2),
  o('exclude', ptr(MATCH_RESOURCES_V2)),
  f('schedule', STRING),
  o('conditions', ptr(ANY_ALL_CONDITIONS)),
  o('deletionPropagationPolicy', ptr(STRING)),
);

/** ClusterPolicy / Policy; `status` is written as stored (it never matters for validation). */
export const POLICY = struct(inline(TYPE_META), o('metadata', OBJECT_META), f('spec', SPEC), o('status', RAW));

// ---- serialization ----

function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** Go's `isEmptyValue` for `omitempty` on the decoded value of a field of this type. */
function isEmpty(type: GoType, v: JsonValue | undefined): boolean {
  switch (type.k) {
    case 'string':
      return typeof v !== 'string' || v === '';
    case 'bool':
      return v !== true;
    case 'int':
      return typeof v !== 'number' || v === 0;
    case 'raw':
    case 'ptr':
    case 'conditions':
      return isNil(v);
    case 'slice':
      return !Array.isArray(v) || v.length === 0;
    case 'map':
      return !isObject(v) || Object.keys(v).length === 0;
    case 'struct':
    case 'time':
      return false;
  }
}

function writeFields(type: GoType & { k: 'struct' }, obj: JsonObject | undefined, parts: string[]): void {
  for (const field of type.fields) {
    if ('inline' in field) {
      writeFields(field.inline, obj, parts);
      continue;
    }
    const v = obj?.[field.name];
    if (field.omitempty && isEmpty(field.type, v)) continue;
    parts.push(`${goJsonString(field.name)}:${goStructJson(field.type, v)}`);
  }
}

/**
 * The JSON encoding/json produces for the Go value decoded from `v` into a field of type `type`.
 * Values of the wrong JSON type are treated as the zero value (Kubernetes would have refused them).
 */
export function goStructJson(type: GoType, v: JsonValue | undefined): string {
  switch (type.k) {
    case 'string':
      return goJsonString(typeof v === 'string' ? v : '');
    case 'bool':
      return v === true ? 'true' : 'false';
    case 'int':
      return typeof v === 'number' ? goJsonNumber(v) : '0';
    case 'raw':
      return isNil(v) ? 'null' : goJsonMarshal(v);
    case 'time':
      return isNil(v) || v === '' ? 'null' : goJsonMarshal(v);
    case 'ptr':
      return isNil(v) ? 'null' : goStructJson(type.elem, v);
    case 'slice':
      if (!Array.isArray(v)) return 'null';
      return `[${v.map((e) => goStructJson(type.elem, e)).join(',')}]`;
    case 'map': {
      if (!isObject(v)) return 'null';
      const keys = Object.keys(v).sort(compareGoStrings);
      return `{${keys.map((k) => `${goJsonString(k)}:${goStructJson(type.elem, v[k])}`).join(',')}}`;
    }
    case 'conditions':
      if (isNil(v)) return 'null';
      return Array.isArray(v) ? goStructJson(slice(CONDITION), v) : goStructJson(ANY_ALL_CONDITIONS, v);
    case 'struct': {
      const parts: string[] = [];
      writeFields(type, isObject(v) ? v : undefined, parts);
      return `{${parts.join(',')}}`;
    }
  }
}

/**
 * The decoded form of the Go value (`json.Marshal` then `json.Unmarshal` into `interface{}`), i.e. the
 * value as Kyverno's untyped traversals see it: default fields present, empty ones dropped.
 */
export function goStructValue(type: GoType, v: JsonValue | undefined): JsonValue {
  return JSON.parse(goStructJson(type, v)) as JsonValue;
}

/**
 * `reflect.DeepEqual(x, T{})`: is the Go value decoded from `v` the zero value of `type`? Absent and
 * `null` are nil; an empty list or map is not (Go decodes `[]` and `{}` into non-nil values).
 */
export function isGoZero(type: GoType, v: JsonValue | undefined): boolean {
  switch (type.k) {
    case 'string':
      return typeof v !== 'string' || v === '';
    case 'bool':
      return v !== true;
    case 'int':
      return typeof v !== 'number' || v === 0;
    case 'raw':
    case 'ptr':
    case 'conditions':
    case 'time':
      return isNil(v);
    case 'slice':
      return !Array.isArray(v);
    case 'map':
      return !isObject(v);
    case 'struct': {
      const obj = isObject(v) ? v : undefined;
      return fieldsAreZero(type, obj);
    }
  }
}

function fieldsAreZero(type: GoType & { k: 'struct' }, obj: JsonObject | undefined): boolean {
  for (const field of type.fields) {
    if ('inline' in field) {
      if (!fieldsAreZero(field.inline, obj)) return false;
    } else if (!isGoZero(field.type, obj?.[field.name])) {
      return false;
    }
  }
  return true;
}

/** `reflect.DeepEqual` of the Go values decoded from `a` and `b` (nil and empty lists/maps differ). */
export function goDeepEqual(type: GoType, a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  switch (type.k) {
    case 'string':
    case 'bool':
    case 'int':
      return isGoZero(type, a) && isGoZero(type, b) ? true : a === b;
    case 'raw':
    case 'time':
      if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
      return goJsonMarshal(a) === goJsonMarshal(b);
    case 'conditions':
      if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
      if (Array.isArray(a) !== Array.isArray(b)) return false;
      return Array.isArray(a) ? goDeepEqual(slice(CONDITION), a, b) : goDeepEqual(ANY_ALL_CONDITIONS, a, b);
    case 'ptr':
      if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
      return goDeepEqual(type.elem, a, b);
    case 'slice': {
      if (!Array.isArray(a) || !Array.isArray(b)) return !Array.isArray(a) && !Array.isArray(b);
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!goDeepEqual(type.elem, a[i], b[i])) return false;
      return true;
    }
    case 'map': {
      if (!isObject(a) || !isObject(b)) return !isObject(a) && !isObject(b);
      const ka = Object.keys(a);
      if (ka.length !== Object.keys(b).length) return false;
      for (const k of ka) {
        if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
        if (!goDeepEqual(type.elem, a[k], b[k])) return false;
      }
      return true;
    }
    case 'struct':
      return fieldsEqual(type, isObject(a) ? a : undefined, isObject(b) ? b : undefined);
  }
}

function fieldsEqual(type: GoType & { k: 'struct' }, a: JsonObject | undefined, b: JsonObject | undefined): boolean {
  for (const field of type.fields) {
    if ('inline' in field) {
      if (!fieldsEqual(field.inline, a, b)) return false;
    } else if (!goDeepEqual(field.type, a?.[field.name], b?.[field.name])) {
      return false;
    }
  }
  return true;
}

/**
 * Expected errors, messages and defaulted objects come from Kyverno v1.19's own loader (kubectl-validate
 * with Kyverno's CRDs, `ext/resource/loader`) run on the same documents with a throwaway Go program.
 * Go reports a document's validation errors in random order, so error lists compare as sets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { JsonObject } from '../../engine/api/json.ts';
import { formatSchemaError, hasSchema, validateAgainstSchema, type SchemaValidationResult } from './validate.ts';

const doc = (y: string): JsonObject => parse(y) as JsonObject;
const run = (y: string, crds: 'all' | 'cli' = 'all'): SchemaValidationResult => validateAgainstSchema(doc(y), undefined, { crds });
const sorted = (r: SchemaValidationResult): string[] => r.errors.map(formatSchemaError).sort();

const CPOL = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\n';

interface Case {
  name: string;
  yaml: string;
  /** formatted errors (any order) */
  errors?: string[];
  /** the loader's message, exactly (parse errors keep Go's sorted order) */
  message?: string;
  fatal?: boolean;
  /** the defaulted document, exactly */
  defaulted?: JsonObject;
  crds?: 'all' | 'cli';
}

const UNKNOWN = 'Invalid value: value provided for unknown field';

const cases: Case[] = [
  {
    name: 'unknown fields (metadata and spec) fail the parse, fatally',
    yaml: `${CPOL}metadata:\n  name: test\n  foo: bar\nspec:\n  validationFailureAction: deny\n  rules:\n  - name: r\n    match:\n      foo: 1\n      any:\n      - resources:\n          kinds: [Pod]\n`,
    message: `failed to parse document (metadata.foo: ${UNKNOWN}\nspec.rules[0].match.foo: ${UNKNOWN})`,
    fatal: true,
  },
  {
    name: 'unknown fields in nested metadata and case-mismatched keys, sorted',
    yaml: `${CPOL}metadata:
  name: cp
  ownerReferences: [{apiVersion: v1, kind: X, name: "yy", uid: z, foo: 1}]
  managedFields: [{manager: m, operation: Bad, fieldsV1: {"f:a": {}}, bar: 2}]
  Name: x
spec:
  rules: []
`,
    message: `failed to parse document (metadata.Name: ${UNKNOWN}\nmetadata.managedFields[0].bar: ${UNKNOWN}\nmetadata.ownerReferences[0].foo: ${UNKNOWN})`,
    fatal: true,
  },
  {
    name: 'an unknown field next to the status',
    yaml: `${CPOL}metadata: {name: cp}\nspec:\n  rules: []\n  status_x: 1\n`,
    message: `failed to parse document (spec.status_x: ${UNKNOWN})`,
    fatal: true,
  },
  {
    name: 'enum, type, oneOf (none and two) and not',
    yaml: `${CPOL}metadata:
  name: test2
spec:
  validationFailureAction: deny
  background: "yes"
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
          name: a
          names: [b]
    context:
    - name: x
    - name: true
      variable: {value: 1}
      configMap: {name: a}
    validate:
      pattern:
        a: b
`,
    errors: [
      'spec.background: Invalid value: "string": spec.background in body must be of type boolean: "string"',
      'spec.validationFailureAction: Unsupported value: "deny": supported values: "audit", "enforce", "Audit", "Enforce"',
      '<nil>: Invalid value: "": "spec.rules[0].context[0]" must validate one and only one schema (oneOf). Found none valid',
      'spec.rules[0].context[0].configMap: Required value',
      '<nil>: Invalid value: "": "spec.rules[0].context[1]" must validate one and only one schema (oneOf). Found 2 valid alternatives',
      'spec.rules[0].context[1].name: Invalid value: "boolean": spec.rules[0].context[1].name in body must be of type string: "boolean"',
      '<nil>: Invalid value: "": "spec.rules[0].match.any[0].resources" must not validate the schema (not)',
    ],
    fatal: false,
  },
  {
    name: 'defaults: policy spec, rule and validate defaults, only where objects exist',
    yaml: `${CPOL}metadata:\n  name: test3\nspec:\n  rules:\n  - name: r\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    validate:\n      foreach:\n      - list: a\n      pattern:\n        a: b\n`,
    defaulted: {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'test3' },
      spec: {
        admission: true,
        background: true,
        emitWarning: false,
        rules: [
          {
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            name: 'r',
            skipBackgroundRequests: true,
            validate: { allowExistingViolations: true, foreach: [{ list: 'a' }], pattern: { a: 'b' } },
          },
        ],
        validationFailureAction: 'Audit',
      },
    },
  },
  {
    name: 'missing metadata: name required, empty name in the message',
    yaml: `${CPOL}spec:\n  rules: []\n`,
    message:
      'failed to validate resource (ClusterPolicy.kyverno.io "" is invalid: metadata.name: Required value: name or generateName is required)',
  },
  {
    name: 'metadata type mismatch is a decode error worded like encoding/json',
    yaml: `${CPOL}metadata:\n  name: Bad_Name\n  labels:\n    a: 1\nspec:\n  rules: []\n`,
    message: 'failed to parse document (json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string)',
    fatal: false,
  },
  {
    name: 'metadata that is not an object',
    yaml: `${CPOL}metadata: "x"\nspec:\n  rules: []\n`,
    message: 'failed to parse document (json: cannot unmarshal string into Go value of type v1.ObjectMeta)',
  },
  {
    name: 'metadata type mismatch inside an owner reference',
    yaml: `${CPOL}metadata:\n  name: cp\n  ownerReferences: [{apiVersion: v1, kind: X, name: false, uid: z}]\nspec:\n  rules: []\n`,
    message:
      'failed to parse document (json: cannot unmarshal bool into Go struct field OwnerReference.ownerReferences.name of type string)',
  },
  {
    name: 'metadata time that does not parse',
    yaml: `apiVersion: kyverno.io/v1\nkind: Policy\nmetadata:\n  name: p\n  creationTimestamp: "bad"\nspec: {}\n`,
    message: 'failed to parse document (parsing time "bad" as "2006-01-02T15:04:05Z07:00": cannot parse "bad" as "2006")',
  },
  {
    name: 'metadata number where a string is expected',
    yaml: `apiVersion: kyverno.io/v1\nkind: Policy\nmetadata:\n  name: p\n  resourceVersion: 12\nspec: {}\n`,
    message: 'failed to parse document (json: cannot unmarshal number into Go struct field ObjectMeta.resourceVersion of type string)',
  },
  {
    name: 'label key format and a null list item',
    yaml: `${CPOL}metadata:\n  name: ok\n  labels:\n    "a b": "x"\n  annotations:\n    x: "1"\nspec:\n  rules: [null]\n`,
    errors: [
      "metadata.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'spec.rules[0]: Invalid value: "null": spec.rules[0] in body must be of type object: "null"',
    ],
  },
  {
    name: 'namespace format; float in an int32 field (type and range)',
    yaml: `apiVersion: kyverno.io/v1\nkind: Policy\nmetadata:\n  name: ok\n  namespace: Bad_NS\nspec:\n  webhookTimeoutSeconds: 1.5\n  rules:\n  - name: a\n    match: {}\n    skipBackgroundRequests: null\n    mutate:\n      foreach: null\n`,
    errors: [
      "metadata.namespace: Invalid value: \"Bad_NS\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      'spec.webhookTimeoutSeconds: Invalid value: "float64": spec.webhookTimeoutSeconds in body must be of type int32: "float64"',
      '<nil>: Invalid value: "": Checked value must be of type integer with format int32 in spec.webhookTimeoutSeconds',
    ],
  },
  {
    name: 'int32 overflow, array for an object (type and not), maxLength',
    yaml: `${CPOL}metadata:\n  name: ok\nspec:\n  webhookTimeoutSeconds: 99999999999\n  rules:\n  - name: ${'a'.repeat(71)}\n    match: []\n`,
    errors: [
      '<nil>: Invalid value: "": Checked value must be of type integer with format int32 in spec.webhookTimeoutSeconds',
      'spec.rules[0].match: Invalid value: "array": spec.rules[0].match in body must be of type object: "array"',
      '<nil>: Invalid value: "": "spec.rules[0].match" must not validate the schema (not)',
      'spec.rules[0].name: Too long: may not be more than 63 bytes',
    ],
  },
  {
    name: 'duration format and minimum',
    yaml: 'apiVersion: kyverno.io/v2beta1\nkind: GlobalContextEntry\nmetadata:\n  name: g1\nspec:\n  apiCall:\n    urlPath: /x\n    refreshInterval: "abc"\n    retryLimit: 0\n',
    errors: [
      'spec.apiCall.refreshInterval: Invalid value: "abc": spec.apiCall.refreshInterval in body must be of type duration: "abc"',
      'spec.apiCall.retryLimit: Invalid value: 0: spec.apiCall.retryLimit in body should be greater than or equal to 1',
    ],
  },
  {
    name: 'pattern, minLength, enum and date-time in a status',
    yaml: `apiVersion: kyverno.io/v2beta1
kind: GlobalContextEntry
metadata:
  name: g2
spec:
  apiCall:
    urlPath: /x
    refreshInterval: "1 hour"
  projections: [{name: a, jmesPath: b}]
status:
  lastRefreshTime: "yesterday"
  conditions:
  - type: "bad type!"
    status: "Maybe"
    reason: ""
    message: "m"
    lastTransitionTime: "2024-01-01T00:00:00Z"
`,
    errors: [
      "status.conditions[0].type: Invalid value: \"bad type!\": status.conditions[0].type in body should match '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$'",
      'status.conditions[0].reason: Invalid value: "": status.conditions[0].reason in body should be at least 1 chars long',
      'status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"',
      'status.lastRefreshTime: Invalid value: "yesterday": status.lastRefreshTime in body must be of type date-time: "yesterday"',
    ],
  },
  {
    name: 'exactly one source: none or both (oneOf at spec)',
    yaml: 'apiVersion: kyverno.io/v2beta1\nkind: GlobalContextEntry\nmetadata:\n  name: g\nspec:\n  kubernetesResource: {version: v1, resource: pods}\n  apiCall: {urlPath: /x}\n',
    errors: ['<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found 2 valid alternatives'],
  },
  {
    name: 'list-type map duplicates and x-kubernetes-validations rules',
    yaml: `apiVersion: policies.kyverno.io/v1beta1
kind: GeneratingPolicy
metadata:
  name: gp
spec:
  matchConditions:
  - {name: a, expression: "true"}
  - {name: a, expression: "false"}
  generate:
  - expression: "x"
    template: {value: "y"}
  - {}
`,
    errors: [
      'spec.matchConditions[1]: Duplicate value: {"name":"a"}',
      'spec.generate[0]: Invalid value: exactly one of expression or template must be set',
      'spec.generate[1]: Invalid value: exactly one of expression or template must be set',
    ],
  },
  {
    name: 'minItems',
    yaml: 'apiVersion: policies.kyverno.io/v1beta1\nkind: GeneratingPolicy\nmetadata:\n  name: gp2\nspec:\n  generate: []\n',
    errors: ['spec.generate: Invalid value: 0: spec.generate in body should have at least 1 items'],
  },
  {
    name: 'rules are skipped after a blocking error',
    yaml: 'apiVersion: policies.kyverno.io/v1beta1\nkind: GeneratingPolicy\nmetadata:\n  name: zk\nspec:\n  matchConstraints: {}\n',
    errors: [
      'spec.generate: Required value',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ],
  },
  {
    name: 'list-type set and map duplicates (with and without key), required, int32',
    yaml: `apiVersion: policies.kyverno.io/v1beta1
kind: ValidatingPolicy
metadata:
  name: vp
spec:
  validationActions: [Deny, Deny, Audit, Deny]
  variables:
  - {name: a, expression: x}
  - {name: a, expression: true}
  - {expression: z}
  - {expression: w}
  webhookConfiguration:
    timeoutSeconds: 1.5
`,
    errors: [
      'spec.variables[1].expression: Invalid value: "boolean": spec.variables[1].expression in body must be of type string: "boolean"',
      'spec.variables[2].name: Required value',
      'spec.variables[3].name: Required value',
      'spec.webhookConfiguration.timeoutSeconds: Invalid value: "float64": spec.webhookConfiguration.timeoutSeconds in body must be of type int32: "float64"',
      '<nil>: Invalid value: "": Checked value must be of type integer with format int32 in spec.webhookConfiguration.timeoutSeconds',
      'spec.validationActions[1]: Duplicate value: "Deny"',
      'spec.variables[1]: Duplicate value: {"name":"a"}',
      'spec.variables[3]: Duplicate value: {}',
    ],
  },
  {
    name: 'integer fields: wrong types, fraction (type and default-format range), minimum',
    yaml: `${CPOL}metadata:
  name: cp
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    verifyImages:
    - attestors:
      - count: 0
        entries: []
    validate:
      foreach:
      - list: "x"
        elementScope: 1
status:
  rulecount: {validate: 1.5, mutate: "a", generate: true, verifyimages: {}}
`,
    errors: [
      'spec.rules[0].validate.foreach[0].elementScope: Invalid value: "integer": spec.rules[0].validate.foreach[0].elementScope in body must be of type boolean: "integer"',
      'spec.rules[0].verifyImages[0].attestors[0].count: Invalid value: 0: spec.rules[0].verifyImages[0].attestors[0].count in body should be greater than or equal to 1',
      'status.rulecount.generate: Invalid value: "boolean": status.rulecount.generate in body must be of type integer: "boolean"',
      'status.rulecount.mutate: Invalid value: "string": status.rulecount.mutate in body must be of type integer: "string"',
      'status.rulecount.validate: Invalid value: "number": status.rulecount.validate in body must be of type integer: "number"',
      '<nil>: Invalid value: "": Checked value must be of type integer (default format) in status.rulecount.validate',
      'status.rulecount.verifyimages: Invalid value: "object": status.rulecount.verifyimages in body must be of type integer: "object"',
    ],
  },
  {
    name: 'owner references with empty fields',
    yaml: 'apiVersion: kyverno.io/v1\nkind: Policy\nmetadata:\n  name: p\n  generation: -1\n  ownerReferences:\n  - {apiVersion: "", kind: "", name: "", uid: ""}\nspec:\n  rules: []\n',
    errors: [
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ],
  },
  {
    name: 'managed fields',
    yaml: `${CPOL}metadata:\n  name: cp\n  managedFields:\n  - {manager: m, operation: Bad, fieldsType: X}\nspec:\n  rules: []\n`,
    errors: [
      'metadata.managedFields[0].operation: Invalid value: "Bad": must be `Apply` or `Update`',
      'metadata.managedFields[0].fieldsType: Invalid value: "X": must be `FieldsV1`',
    ],
  },
  {
    name: 'name, generateName, labels, annotations and finalizers formats',
    yaml: `${CPOL}metadata:
  name: "-bad.Name-"
  generateName: "Gen_"
  labels:
    "example.com/": "v"
    "a/b/c": "v"
    ok: "bad value!"
  annotations:
    "Foo_Bar": "x"
    "-x": "yy"
  finalizers: ["a/b", "bad finalizer"]
spec:
  rules: []
`,
    errors: [
      "metadata.generateName: Invalid value: \"Gen_\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      "metadata.name: Invalid value: \"-bad.Name-\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      "metadata.labels: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      'metadata.labels: Invalid value: "example.com/": name part must be non-empty',
      "metadata.labels: Invalid value: \"example.com/\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      "metadata.annotations: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "metadata.finalizers: Invalid value: \"bad finalizer\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  },
  {
    name: 'generateName without a name: nothing generates the name',
    yaml: `${CPOL}metadata:\n  generateName: abc-\nspec:\n  rules: []\n`,
    message: 'failed to validate resource (Internal error occurred: metadata.name was not generated)',
  },
  {
    name: 'null spec is dropped (then required); a namespace on a cluster-scoped kind is ignored',
    yaml: `${CPOL}metadata:\n  name: "a"\n  labels: null\n  annotations: {}\n  namespace: "x"\nspec: null\n`,
    message: 'failed to validate resource (ClusterPolicy.kyverno.io "a" is invalid: spec: Required value)',
  },
  {
    name: 'null non-nullable fields are dropped',
    yaml: `${CPOL}metadata:\n  name: "a"\nspec:\n  rules:\n  - name: x\n    match: null\n    context: null\n    preconditions: null\n`,
    message: 'failed to validate resource (ClusterPolicy.kyverno.io "a" is invalid: spec.rules[0].match: Required value)',
  },
  {
    name: 'metadata re-encoded as ObjectMeta: empty fields dropped, times normalized',
    yaml: `${CPOL}metadata:
  name: b
  namespace: foo
  labels: {}
  annotations: null
  finalizers: []
  uid: ""
  creationTimestamp: "2024-01-01T01:00:00.5+01:00"
  generation: 0
  deletionGracePeriodSeconds: 0
  ownerReferences:
  - {apiVersion: v1, kind: Foo, name: "nn", uid: u, controller: null, blockOwnerDeletion: false}
spec:
  rules: []
`,
    defaulted: {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: {
        name: 'b',
        namespace: 'foo',
        creationTimestamp: '2024-01-01T00:00:00Z',
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Foo', name: 'nn', uid: 'u', blockOwnerDeletion: false }],
      },
      spec: { admission: true, background: true, emitWarning: false, rules: [], validationFailureAction: 'Audit' },
    },
  },
  {
    name: 'an object default ({}) is applied and then defaulted inside',
    yaml: 'apiVersion: policies.kyverno.io/v1\nkind: ImageValidatingPolicy\nmetadata:\n  name: ivp\nspec:\n  attestors: [{name: a, cosign: {key: {data: x}}}]\n  validations: [{expression: "true"}]\n',
    defaulted: {
      apiVersion: 'policies.kyverno.io/v1',
      kind: 'ImageValidatingPolicy',
      metadata: { name: 'ivp' },
      spec: {
        attestors: [{ cosign: { key: { data: 'x' } }, name: 'a' }],
        validationConfigurations: { mutateDigest: true, required: true, verifyDigest: true },
        validations: [{ expression: 'true' }],
      },
    },
  },
  {
    name: 'preconditions keep unknown fields but prune inside their typed entries',
    yaml: `${CPOL}metadata:\n  name: b\nspec:\n  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n    mutate:\n      foreach:\n      - list: x\n        preconditions: {any: [{key: a, operator: Equals, value: b, extra: 1}], other: 2}\n`,
    message: `failed to parse document (spec.rules[0].mutate.foreach[0].preconditions.any[0].extra: ${UNKNOWN})`,
    fatal: true,
  },
  {
    name: 'a kind the CLI has no schema for (same group/version exists)',
    yaml: 'apiVersion: kyverno.io/v2beta1\nkind: GlobalContextEntry\nmetadata:\n  name: g\nspec:\n  kubernetesResource: {version: v1, resource: pods}\n',
    crds: 'cli',
    message:
      'failed to parse document (failed to retrieve validator: kind GlobalContextEntry not found in kyverno.io/v2beta1 groupversion)',
    fatal: false,
  },
  {
    name: 'a group/version the CLI has no schema for',
    yaml: 'apiVersion: reports.kyverno.io/v1\nkind: EphemeralReport\nmetadata:\n  name: e\nspec:\n  owner: {apiVersion: v1, kind: Pod, name: p, uid: u}\n',
    crds: 'cli',
    message: 'failed to parse document (failed to retrieve validator: failed to locate OpenAPI spec for GV: reports.kyverno.io/v1)',
  },
  {
    name: 'an unknown kind in a known group/version',
    yaml: 'apiVersion: kyverno.io/v1\nkind: Test\nmetadata:\n  name: t\n',
    message: 'failed to parse document (failed to retrieve validator: kind Test not found in kyverno.io/v1 groupversion)',
  },
];

for (const c of cases) {
  test(`validateAgainstSchema: ${c.name}`, () => {
    const r = run(c.yaml, c.crds);
    if (c.errors) assert.deepEqual(sorted(r), [...c.errors].sort());
    if (c.message !== undefined) assert.equal(r.kyvernoMessage, c.message);
    if (c.fatal !== undefined) assert.equal(r.fatal, c.fatal);
    if (c.defaulted) {
      assert.deepEqual(r.errors, []);
      assert.equal(r.kyvernoMessage, undefined);
      assert.deepEqual(r.defaulted, c.defaulted);
    }
  });
}

test('validation errors carry document paths for line lookup and a stage', () => {
  const r = run(`${CPOL}metadata:\n  name: x\nspec:\n  rules:\n  - name: r\n    match:\n      any: [{resources: {kinds: [Pod]}}]\n    validate:\n      podSecurity: {level: high}\n`);
  assert.equal(r.errors.length, 1);
  const e = r.errors[0]!;
  assert.deepEqual(e.path, ['spec', 'rules', 0, 'validate', 'podSecurity', 'level']);
  assert.equal(e.field, 'spec.rules[0].validate.podSecurity.level');
  assert.equal(e.code, 'ENUM');
  assert.equal(e.stage, 'validate');
  assert.equal(e.message, 'Unsupported value: "high": supported values: "privileged", "baseline", "restricted"');

  const u = run(`${CPOL}metadata:\n  name: x\nspec:\n  rules:\n  - name: r\n    mtach: {}\n`);
  assert.deepEqual(u.errors.map((x) => [x.code, x.stage, x.path]), [
    ['UNKNOWN_FIELD', 'parse', ['spec', 'rules', 0, 'mtach']],
  ]);
  assert.equal(formatSchemaError(u.errors[0]!), `spec.rules[0].mtach: ${UNKNOWN}`);
});

test('the input document is not modified', () => {
  const d = doc(`${CPOL}metadata:\n  name: x\n  foo: 1\nspec:\n  rules: []\n  bar: 2\n`);
  const before = JSON.stringify(d);
  validateAgainstSchema(d);
  assert.equal(JSON.stringify(d), before);
});

test('decode errors from the reader fail the parse before unknown fields; fatal only with unknown fields', () => {
  const dup = 'yaml: unmarshal errors:\n  line 5: key "kind" already set in map';
  const ok = validateAgainstSchema(doc(`${CPOL}metadata:\n  name: x\nspec:\n  rules: []\n`), undefined, { decodeErrors: [dup] });
  assert.equal(ok.kyvernoMessage, `failed to parse document (${dup})`);
  assert.equal(ok.fatal, false);
  const both = validateAgainstSchema(doc(`${CPOL}metadata:\n  name: x\nspec:\n  rules: []\n  x: 1\n`), undefined, {
    decodeErrors: [dup],
  });
  assert.equal(both.kyvernoMessage, `failed to parse document (${dup}\nspec.x: ${UNKNOWN})`);
  assert.equal(both.fatal, true);
});

test('hasSchema knows every served kind and version, and the CLI subset', () => {
  assert.ok(hasSchema({ group: 'kyverno.io', version: 'v1', kind: 'ClusterPolicy' }));
  assert.ok(hasSchema({ group: 'kyverno.io', version: 'v2beta1', kind: 'Policy' }));
  assert.ok(hasSchema({ group: 'policies.kyverno.io', version: 'v1alpha1', kind: 'ValidatingPolicy' }));
  assert.ok(!hasSchema({ group: 'policies.kyverno.io', version: 'v1alpha1', kind: 'NamespacedValidatingPolicy' }));
  assert.ok(hasSchema({ group: 'openreports.io', version: 'v1alpha1', kind: 'Report' }));
  assert.ok(!hasSchema({ group: 'openreports.io', version: 'v1alpha1', kind: 'Report' }, { crds: 'cli' }));
  assert.ok(!hasSchema({ group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicy' }));
});

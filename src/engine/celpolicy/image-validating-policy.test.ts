/**
 * ImageValidatingPolicy offline. Expected values were produced by Kyverno v1.19.1's CLI on the same
 * policies (a Pod `p1` in `ns1` running `docker.io/nginx:1.0`, a CEL PolicyException `e1` naming
 * `iv-exc`); the registry-dependent outcome is this implementation's (Kyverno's network error text).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, Resource } from '../api/json.ts';
import { autogenVariants } from './autogen.ts';
import type { AdmissionAttributes } from './admission.ts';
import { CelPolicyEnvironments } from './environments.ts';
import { compileGlob } from './glob.ts';
import { compileImageValidatingPolicy, handleImageValidatingPolicy, prepareImageValidatingPolicies, type PreparedImagePolicy } from './image-validating-policy.ts';

const envs = new CelPolicyEnvironments();
const pod: Resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1' }, spec: { containers: [{ name: 'c', image: 'docker.io/nginx:1.0' }] } };
const attributes: AdmissionAttributes = {
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  subresource: '',
  name: 'p1',
  namespace: 'ns1',
  operation: 'CREATE',
  userInfo: {},
  object: pod,
  oldObject: null,
  dryRun: false,
};
const attestors = [{ name: 'n', notary: { certs: { value: 'x' } } }];
const exception: JsonObject = {
  apiVersion: 'policies.kyverno.io/v1beta1',
  kind: 'PolicyException',
  metadata: { name: 'e1' },
  spec: { policyRefs: [{ name: 'iv-exc', kind: 'ImageValidatingPolicy' }], matchConditions: [{ name: 'a', expression: 'true' }] },
};

function ivpol(name: string, spec: JsonObject): JsonObject {
  return {
    apiVersion: 'policies.kyverno.io/v1beta1',
    kind: 'ImageValidatingPolicy',
    metadata: { name },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] }, attestors, ...spec },
  };
}

const cases: Array<{ name: string; spec: JsonObject; want?: { rule: string; status: string; message: string } }> = [
  { name: 'iv-digest', spec: { matchImageReferences: [{ glob: 'docker.io/*' }], validations: [{ expression: 'true' }] }, want: { rule: 'iv-digest', status: 'fail', message: 'image docker.io/nginx:1.0 does not have a digest' } },
  {
    name: 'iv-nomatch-pass',
    spec: { validationConfigurations: { verifyDigest: false }, matchImageReferences: [{ glob: 'ghcr.io/*' }], validations: [{ expression: 'size(images.containers) == 0' }] },
    want: { rule: 'iv-nomatch-pass', status: 'pass', message: 'success' },
  },
  {
    name: 'iv-nomatch-fail',
    spec: { matchImageReferences: [{ glob: 'ghcr.io/*' }], validations: [{ expression: 'false', messageExpression: "'imgs ' + string(size(images.containers)) + ' ' + string(size(images.initContainers))" }] },
    want: { rule: 'iv-nomatch-fail', status: 'fail', message: 'imgs 0 0' },
  },
  { name: 'iv-mc-false', spec: { matchConditions: [{ name: 'c', expression: 'false' }], validations: [{ expression: 'false' }] } },
  { name: 'iv-exc', spec: { matchImageReferences: [{ glob: 'ghcr.io/*' }], validations: [{ expression: 'false' }] }, want: { rule: 'exception', status: 'skip', message: 'rule is skipped due to policy exception: e1' } },
  {
    name: 'iv-compile',
    spec: { validations: [{ expression: 'object.x' }] },
    want: { rule: 'evaluation', status: 'error', message: 'failed to compile policy: spec.validations[0].expression: Invalid value: "object.x": output is expected to be of type bool' },
  },
  { name: 'iv-expr-ref', spec: { matchImageReferences: [{ expression: "ref.startsWith('quay.io/')" }], validations: [{ expression: 'false', message: 'm' }] }, want: { rule: 'iv-expr-ref', status: 'fail', message: 'm' } },
  {
    name: 'iv-verify-unmatched',
    spec: { matchImageReferences: [{ glob: 'ghcr.io/*' }], validations: [{ expression: "verifyImageSignatures('docker.io/nginx', [attestors.n]) == 0", message: 'm' }] },
    want: { rule: 'iv-verify-unmatched', status: 'pass', message: 'success' },
  },
  {
    name: 'iv-default-msg',
    spec: { matchImageReferences: [{ glob: 'ghcr.io/*' }], validations: [{ expression: 'true' }, { expression: 'false' }] },
    want: { rule: 'iv-default-msg', status: 'fail', message: 'CEL expression validation failed at index 1' },
  },
  {
    name: 'iv-registry',
    spec: { validationConfigurations: { verifyDigest: false }, validations: [{ expression: 'true' }] },
    want: { rule: 'evaluation', status: 'error', message: 'failed to evaluate policy: failed to fetch image data for docker.io/nginx:1.0: registry access is not available offline' },
  },
];

const compile = (p: PreparedImagePolicy, gvr: AdmissionAttributes['resource'] | undefined) => compileImageValidatingPolicy(envs, p.policy, p.exceptions, gvr);

for (const c of cases) {
  test(`ImageValidatingPolicy: ${c.name}`, () => {
    const [p] = prepareImageValidatingPolicies([ivpol(c.name, c.spec)], [exception], (s) => autogenVariants(s).map((v) => v.spec));
    const r = handleImageValidatingPolicy(envs, p!, { attributes, context: {} }, compile);
    if (!c.want) {
      assert.equal(r, undefined);
      return;
    }
    assert.deepEqual({ rule: r?.name, status: r?.status, message: r?.message }, c.want);
  });
}

const globs: Array<[string, string, boolean]> = [
  ['ghcr.io/*', 'ghcr.io/kyverno/test:v1', true],
  ['ghcr.io/*', 'docker.io/nginx', false],
  ['*', 'anything/at:all', true],
  ['docker.io/library/nginx:?.?', 'docker.io/library/nginx:1.2', true],
  ['docker.io/{nginx,busybox}:*', 'docker.io/busybox:latest', true],
  ['registry-[0-9].io/*', 'registry-7.io/x', true],
  ['registry-[!0-9].io/*', 'registry-7.io/x', false],
];

for (const [pattern, s, want] of globs) {
  test(`glob ${pattern} ~ ${s}`, () => {
    const g = compileGlob(pattern);
    assert.ok(g.ok);
    if (g.ok) assert.equal(g.match(s), want);
  });
}

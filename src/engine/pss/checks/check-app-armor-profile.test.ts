/**
 * Table tests for appArmorProfile: pods re-expressed from upstream check_*_test.go scenarios; expected
 * results (reason, detail, field errors) as Kyverno's pod-security-admission fork returns them with field
 * errors enabled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../api/json.ts';
import { parsePsaVersion, PssVersionError } from '../api.ts';
import type { CheckResult } from '../check.ts';
import { decodePod } from '../pod.ts';
import { psaRevision } from '../registry.ts';
import { checkAppArmorProfile } from './check-app-armor-profile.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'default and localhost annotations, unrelated annotation',
    version: 'v1.0',
    pod: { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/test': 'runtime/default', 'container.apparmor.security.beta.kubernetes.io/t2': 'localhost/sec-profile01', env: 'prod' } }, spec: {} },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'pod and container RuntimeDefault / Localhost',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'foo', securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'unconfined pod',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { appArmorProfile: { type: 'Unconfined' } } } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden AppArmor profile',
      forbiddenDetail: 'pod must not set AppArmor profile type to "Unconfined"',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.appArmorProfile.type', badValue: 'Unconfined' },
      ],
    },
  },
  {
    name: 'unconfined container',
    version: 'v1.0',
    pod: { metadata: {}, spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'foo', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden AppArmor profile',
      forbiddenDetail: 'container "foo" must not set AppArmor profile type to "Unconfined"',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.appArmorProfile.type', badValue: 'Unconfined' },
      ],
    },
  },
  {
    name: 'unconfined init container',
    version: 'v1.0',
    pod: { metadata: {}, spec: { initContainers: [{ name: 'foo', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden AppArmor profile',
      forbiddenDetail: 'container "foo" must not set AppArmor profile type to "Unconfined"',
      errList: [
        { type: 'Forbidden', field: 'spec.initContainers[0].securityContext.appArmorProfile.type', badValue: 'Unconfined' },
      ],
    },
  },
  {
    name: 'empty type is forbidden',
    version: 'v1.0',
    pod: { metadata: {}, spec: { containers: [{ name: 'foo', securityContext: { appArmorProfile: {} } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden AppArmor profile',
      forbiddenDetail: 'container "foo" must not set AppArmor profile type to ""',
      errList: [
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.appArmorProfile.type', badValue: '' },
      ],
    },
  },
  {
    name: 'pod, containers and annotations',
    version: 'v1.0',
    pod: { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/b': 'runtime/default', 'container.apparmor.security.beta.kubernetes.io/c': 'foo"bar' } }, spec: { securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Unconfined' } } }, { name: 'b', securityContext: { appArmorProfile: { type: 'Other' } } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden AppArmor profiles',
      forbiddenDetail: 'pod and containers "a", "b" and annotations must not set AppArmor profile type to "Other", "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"", "container.apparmor.security.beta.kubernetes.io/c="foo\\"bar""',
      errList: [
        { type: 'Forbidden', field: 'spec.securityContext.appArmorProfile.type', badValue: 'Unconfined' },
        { type: 'Forbidden', field: 'spec.containers[0].securityContext.appArmorProfile.type', badValue: 'Unconfined' },
        { type: 'Forbidden', field: 'spec.containers[1].securityContext.appArmorProfile.type', badValue: 'Other' },
        { type: 'Forbidden', field: 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]', badValue: 'foo"bar' },
        { type: 'Forbidden', field: 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]', badValue: 'unconfined' },
      ],
    },
  },
  {
    name: 'one forbidden annotation',
    version: 'v1.0',
    pod: { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' } }, spec: {} },
    expect: {
      allowed: false,
      forbiddenReason: 'forbidden AppArmor profile',
      forbiddenDetail: 'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="unconfined""',
      errList: [
        { type: 'Forbidden', field: 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]', badValue: 'unconfined' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkAppArmorProfile ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkAppArmorProfile, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    // Go builds these field errors while ranging over a map (random order): compare them as a set.
    const sorted = (r: CheckResult): CheckResult => ({
      ...r,
      errList: r.errList && [...r.errList].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)),
    });
    assert.deepEqual(sorted(revision.checkPod(pod.metadata, pod.spec)), sorted(c.expect));
  });
}

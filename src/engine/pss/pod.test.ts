import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import { compareGoStrings, decodePod, decodePodSource, GoJsonTypeError, UnsupportedKindError } from './pod.ts';

// Error texts: encoding/json unmarshalling the same (key-sorted) JSON into corev1.Pod / appsv1.Deployment /
// batchv1.CronJob, as a Go program printed them.
const typeErrors: Array<[string, JsonObject, string]> = [
  [
    'string into bool',
    { kind: 'Pod', spec: { containers: [{ name: 'a', securityContext: { privileged: 'true' } }] } },
    'SecurityContext.spec.containers.securityContext.privileged of type bool',
  ],
  ['string into struct', { kind: 'Pod', spec: { containers: [{ name: 'a', securityContext: 'x' }] } }, 'Container.spec.containers.securityContext of type v1.SecurityContext'],
  ['string element into struct slice', { kind: 'Pod', spec: { containers: ['x'] } }, 'PodSpec.spec.containers of type v1.Container'],
  ['object into slice', { kind: 'Pod', spec: { containers: {} } }, 'PodSpec.spec.containers of type []v1.Container'],
  ['string into spec', { kind: 'Pod', spec: 'x' }, 'Pod.spec of type v1.PodSpec'],
  [
    'fraction into int32',
    { kind: 'Pod', spec: { containers: [{ ports: [{ hostPort: 1.5 }] }] } },
    'ContainerPort.spec.containers.ports.hostPort of type int32',
  ],
  [
    'int32 overflow',
    { kind: 'Pod', spec: { containers: [{ ports: [{ hostPort: 99999999999 }] }] } },
    'ContainerPort.spec.containers.ports.hostPort of type int32',
  ],
  ['number into map value', { kind: 'Pod', metadata: { annotations: { a: 1 } } }, 'ObjectMeta.metadata.annotations of type string'],
  [
    'string into volume source',
    { kind: 'Pod', spec: { volumes: [{ name: 'v', emptyDir: 'x' }] } },
    'Volume.spec.volumes.VolumeSource.emptyDir of type v1.EmptyDirVolumeSource',
  ],
  [
    'number into hostPath path',
    { kind: 'Pod', spec: { volumes: [{ name: 'v', hostPath: { path: 1 } }] } },
    'HostPathVolumeSource.spec.volumes.VolumeSource.hostPath.path of type string',
  ],
  [
    'ephemeral container (embedded struct in the path)',
    { kind: 'Pod', spec: { ephemeralContainers: [{ name: 1 }] } },
    'EphemeralContainer.spec.ephemeralContainers.EphemeralContainerCommon.name of type string',
  ],
  [
    'probe handler (embedded struct in the path)',
    { kind: 'Pod', spec: { containers: [{ livenessProbe: { httpGet: { host: 1 } } }] } },
    'HTTPGetAction.spec.containers.livenessProbe.ProbeHandler.httpGet.host of type string',
  ],
  [
    'named string type',
    { kind: 'Pod', spec: { containers: [{ securityContext: { capabilities: { add: [1] } } }] } },
    'Capabilities.spec.containers.securityContext.capabilities.add of type v1.Capability',
  ],
  [
    'first error in sorted key order',
    { kind: 'Pod', spec: { hostPID: 'b', hostNetwork: 'a' } },
    'PodSpec.spec.hostNetwork of type bool',
  ],
  [
    'Deployment template',
    { kind: 'Deployment', spec: { template: { spec: { containers: [{ securityContext: { privileged: 'x' } }] } } } },
    'SecurityContext.spec.template.spec.containers.securityContext.privileged of type bool',
  ],
  [
    'CronJob job template metadata',
    { kind: 'CronJob', spec: { jobTemplate: { metadata: { annotations: { a: true } }, spec: { template: { spec: { hostIPC: 1 } } } } } },
    'ObjectMeta.spec.jobTemplate.metadata.annotations of type string',
  ],
];
const valueOf: Record<string, string> = {
  'fraction into int32': 'number 1.5',
  'int32 overflow': 'number 99999999999',
  'string into bool': 'string',
  'string into struct': 'string',
  'string element into struct slice': 'string',
  'object into slice': 'object',
  'string into spec': 'string',
  'number into map value': 'number',
  'string into volume source': 'string',
  'number into hostPath path': 'number',
  'ephemeral container (embedded struct in the path)': 'number',
  'probe handler (embedded struct in the path)': 'number',
  'named string type': 'number',
  'first error in sorted key order': 'string',
  'Deployment template': 'string',
  'CronJob job template metadata': 'bool',
};
for (const [name, resource, where] of typeErrors) {
  test(`decode error: ${name}`, () => {
    assert.throws(
      () => decodePodSource(resource),
      (e: unknown) => e instanceof GoJsonTypeError && e.message === `json: cannot unmarshal ${valueOf[name]} into Go struct field ${where}`,
    );
  });
}

test('unsupported kinds', () => {
  for (const kind of ['Service', 'PodTemplate', undefined]) {
    assert.throws(() => decodePodSource(kind === undefined ? {} : { kind }), UnsupportedKindError);
  }
});

test('where the pod lives for each kind (CronJob: the job template metadata)', () => {
  const spec = { containers: [{ name: 'a' }] };
  for (const kind of ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job']) {
    const p = decodePodSource({ kind, metadata: { name: 'top' }, spec: { template: { metadata: { name: 'tpl' }, spec } } });
    assert.deepEqual(p, { metadata: { name: 'tpl' }, spec }, kind);
  }
  const cj = decodePodSource({
    kind: 'CronJob',
    spec: { jobTemplate: { metadata: { name: 'job' }, spec: { template: { metadata: { name: 'pod' }, spec } } } },
  });
  assert.deepEqual(cj, { metadata: { name: 'job' }, spec });
  assert.deepEqual(decodePodSource({ kind: 'Deployment' }), { metadata: {}, spec: {} });
});

test('Go zero values: null pointers are nil, null scalars and slice elements are zero', () => {
  const p = decodePod({
    metadata: { annotations: { a: null } },
    spec: {
      hostNetwork: null,
      securityContext: null,
      containers: [null, { name: 'b', securityContext: { capabilities: { drop: [null, 'ALL'] }, privileged: null } }],
    },
  });
  assert.deepEqual({ ...p.metadata.annotations }, { a: '' });
  assert.equal(p.spec.hostNetwork, undefined);
  assert.equal(p.spec.securityContext, undefined);
  assert.deepEqual(p.spec.containers?.[0], {});
  assert.deepEqual(p.spec.containers?.[1]?.securityContext?.capabilities?.drop, ['', 'ALL']);
  assert.equal(p.spec.containers?.[1]?.securityContext?.privileged, undefined);
});

test('Go matches keys case-insensitively; a later key in sorted order wins', () => {
  assert.equal(decodePod({ spec: { hostnetwork: true } }).spec.hostNetwork, true);
  assert.equal(decodePod({ spec: { HostNetwork: true, hostNetwork: false } }).spec.hostNetwork, false);
  assert.equal(decodePod({ spec: { containers: [{ Name: 'x', SecurityContext: { Privileged: true } }] } }).spec.containers?.[0]?.securityContext?.privileged, true);
});

test('annotation keys are plain map keys', () => {
  const p = decodePod({ metadata: { annotations: JSON.parse('{"__proto__": "x", "b": null}') } });
  assert.deepEqual(Object.keys(p.metadata.annotations ?? {}).sort(), ['__proto__', 'b']);
});

test('compareGoStrings: byte order (code points, not UTF-16 units)', () => {
  assert.ok(compareGoStrings('B', 'a') < 0);
  assert.ok(compareGoStrings('a', 'ab') < 0);
  assert.ok(compareGoStrings('\uFF5E', '\u{1F600}') < 0); // U+FF5E sorts before U+1F600 in UTF-8
});

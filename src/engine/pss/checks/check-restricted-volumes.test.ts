/**
 * Table tests for restrictedVolumes: pods re-expressed from upstream check_*_test.go scenarios; expected
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
import { checkRestrictedVolumes } from './check-restricted-volumes.ts';

const cases: Array<{ name: string; version: string; pod: JsonObject; expect: CheckResult }> = [
  {
    name: 'allowed volume types',
    version: 'v1.0',
    pod: { metadata: {}, spec: { volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', secret: {} }, { name: 'c', persistentVolumeClaim: { claimName: 'x' } }, { name: 'd', downwardAPI: {} }, { name: 'e', configMap: {} }, { name: 'f', projected: {} }, { name: 'g', csi: { driver: 'x' } }, { name: 'h', ephemeral: {} }, { name: 'i', image: { reference: 'x' } }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'restricted volume types',
    version: 'v1.0',
    pod: { metadata: {}, spec: { volumes: [{ name: 'a', hostPath: { path: '/' } }, { name: 'b', gcePersistentDisk: {} }, { name: 'c', awsElasticBlockStore: {} }, { name: 'd', gitRepo: {} }, { name: 'e', nfs: {} }, { name: 'f', iscsi: {} }, { name: 'g', glusterfs: {} }, { name: 'h', rbd: {} }, { name: 'i', flexVolume: {} }, { name: 'j', cinder: {} }, { name: 'k', cephfs: {} }, { name: 'l', flocker: {} }, { name: 'm', fc: {} }, { name: 'n', azureFile: {} }, { name: 'o', vsphereVolume: {} }, { name: 'p', quobyte: {} }, { name: 'q', azureDisk: {} }, { name: 'r', portworxVolume: {} }, { name: 's', photonPersistentDisk: {} }, { name: 't', scaleIO: {} }, { name: 'u', storageos: {} }, { name: 'v', hostPath: { path: '/v' } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'restricted volume types',
      forbiddenDetail: 'volumes "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v" use restricted volume types "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume"',
      errList: [
        { type: 'Forbidden', field: 'spec.volumes[0].hostPath', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[1].gcePersistentDisk', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[2].awsElasticBlockStore', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[3].gitRepo', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[4].nfs', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[5].iscsi', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[6].glusterfs', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[7].rbd', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[8].flexVolume', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[9].cinder', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[10].cephfs', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[11].flocker', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[12].fc', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[13].azureFile', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[14].vsphereVolume', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[15].quobyte', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[16].azureDisk', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[17].portworxVolume', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[18].photonPersistentDisk', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[19].scaleIO', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[20].storageos', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[21].hostPath', badValue: '' },
      ],
    },
  },
  {
    name: 'a volume without a known source is unknown',
    version: 'v1.0',
    pod: { metadata: {}, spec: { volumes: [{ name: 'a' }, { name: 'b', somethingNew: {} }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'restricted volume types',
      forbiddenDetail: 'volumes "a", "b" use restricted volume type "unknown"',
      errList: [
        { type: 'Forbidden', field: 'spec.volumes[0].unknown', badValue: '' },
        { type: 'Forbidden', field: 'spec.volumes[1].unknown', badValue: '' },
      ],
    },
  },
  {
    name: 'an allowed source wins over a restricted one',
    version: 'v1.0',
    pod: { metadata: {}, spec: { volumes: [{ name: 'a', hostPath: { path: '/' }, emptyDir: {} }] } },
    expect: { allowed: true, forbiddenReason: '', forbiddenDetail: '', errList: null },
  },
  {
    name: 'one restricted volume',
    version: 'v1.0',
    pod: { metadata: {}, spec: { volumes: [{ name: 'a', nfs: { server: 's', path: '/' } }] } },
    expect: {
      allowed: false,
      forbiddenReason: 'restricted volume types',
      forbiddenDetail: 'volume "a" uses restricted volume type "nfs"',
      errList: [
        { type: 'Forbidden', field: 'spec.volumes[0].nfs', badValue: '' },
      ],
    },
  },
];

for (const c of cases) {
  test(`checkRestrictedVolumes ${c.version}: ${c.name}`, () => {
    const version = parsePsaVersion(c.version);
    assert.ok(!(version instanceof PssVersionError));
    const revision = psaRevision(checkRestrictedVolumes, version);
    assert.ok(revision !== undefined);
    const pod = decodePod(c.pod);
    assert.deepEqual(revision.checkPod(pod.metadata, pod.spec), c.expect);
  });
}

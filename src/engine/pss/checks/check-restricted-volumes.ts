/**
 * Volume types (restricted).
 *
 * Besides hostPath, the restricted profile limits inline volume sources to a known-safe list: configMap,
 * csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret.
 *
 * Restricted Fields (each of):
 *   spec.volumes[*].hostPath, .gcePersistentDisk, .awsElasticBlockStore, .gitRepo, .nfs, .iscsi,
 *   .glusterfs, .rbd, .flexVolume, .cinder, .cephfs, .flocker, .fc, .azureFile, .vsphereVolume,
 *   .quobyte, .azureDisk, .portworxVolume, .photonPersistentDisk, .scaleIO, .storageos
 *
 * Allowed Values: unset/null. A volume with none of the known sources set counts as "unknown" and is
 * forbidden too (the API server would have defaulted it to emptyDir).
 *
 * Restricted level, from v1.0 (replaces hostPathVolumes).
 */
import { majorMinor } from '../api.ts';
import { ALLOWED, deny, forbidden, joinQuote, pluralize, sortedSet } from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';
import { CHECK_HOST_PATH_VOLUMES_ID } from './check-host-path-volumes.ts';

const ALLOWED_SOURCES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** In upstream's switch order: the first one set names the volume's type. */
const RESTRICTED_SOURCES: readonly string[] = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

function restrictedVolumesV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  const volumes = spec.volumes;
  if (volumes === undefined) return ALLOWED;
  let names: string[] | undefined;
  const errs: FieldError[] = [];
  const types: string[] = [];
  outer: for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i]!;
    for (const s of ALLOWED_SOURCES) if (v[s] !== undefined) continue outer;
    let type = 'unknown';
    for (const s of RESTRICTED_SOURCES) {
      if (v[s] !== undefined) {
        type = s;
        break;
      }
    }
    (names ??= []).push(v.name ?? '');
    types.push(type);
    errs.push(forbidden(`spec.volumes[${i}].${type}`));
  }
  if (names === undefined) return ALLOWED;
  const typeList = sortedSet(types);
  return deny(
    'restricted volume types',
    `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', typeList.length)} ${joinQuote(typeList)}`,
    errs,
  );
}

export const checkRestrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [
    {
      minimumVersion: majorMinor(1, 0),
      checkPod: restrictedVolumesV1Dot0,
      overrideCheckIDs: [CHECK_HOST_PATH_VOLUMES_ID],
    },
  ],
};

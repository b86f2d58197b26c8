/**
 * HostPath volumes.
 *
 * Mounting a directory of the node into the pod is forbidden.
 *
 * Restricted Fields:
 *   spec.volumes[*].hostPath
 *
 * Allowed Values: unset/null
 *
 * Baseline level, from v1.0 (replaced by restrictedVolumes at the restricted level).
 */
import { majorMinor } from '../api.ts';
import { ALLOWED, deny, forbidden, joinQuote, pluralize } from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

/** The check ID (overridden by restrictedVolumes in the PSA registry). */
export const CHECK_HOST_PATH_VOLUMES_ID = 'hostPathVolumes';

function hostPathVolumesV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  const volumes = spec.volumes;
  if (volumes === undefined) return ALLOWED;
  let names: string[] | undefined;
  const errs: FieldError[] = [];
  for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i]!;
    const hostPath = v['hostPath'] as { path?: string } | undefined;
    if (hostPath !== undefined) {
      (names ??= []).push(v.name ?? '');
      errs.push(forbidden(`spec.volumes[${i}].hostPath`, hostPath.path ?? ''));
    }
  }
  if (names === undefined) return ALLOWED;
  return deny('hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`, errs);
}

export const checkHostPathVolumes: Check = {
  id: CHECK_HOST_PATH_VOLUMES_ID,
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostPathVolumesV1Dot0 }],
};

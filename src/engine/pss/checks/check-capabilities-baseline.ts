/**
 * Capabilities (baseline).
 *
 * Containers may only add capabilities from the runtime's default set; anything beyond it (NET_RAW
 * included, which the set leaves out) is forbidden.
 *
 * Restricted Fields:
 *   spec.containers[*].securityContext.capabilities.add
 *   spec.initContainers[*].securityContext.capabilities.add
 *   spec.ephemeralContainers[*].securityContext.capabilities.add
 *
 * Allowed Values: unset or empty, or only names from AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID,
 * KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT
 *
 * Baseline level, from v1.0.
 */
import { majorMinor } from '../api.ts';
import {
  ALLOWED,
  containerField,
  deny,
  forbidden,
  joinQuote,
  nameOf,
  pluralize,
  sortedSet,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';

/** The check ID (overridden by capabilities_restricted in the PSA registry). */
export const CHECK_CAPABILITIES_BASELINE_ID = 'capabilities_baseline';

const ALLOWED_1_0: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function capabilitiesBaselineV1Dot0(_meta: PodMeta, spec: PodSpecView): CheckResult {
  let names: string[] | undefined;
  const errs: FieldError[] = [];
  const nonDefault: string[] = [];
  visitContainers(spec, (c, list, i) => {
    const add = c.securityContext?.capabilities?.add;
    if (add === undefined) return;
    let bad: string[] | undefined;
    for (const cap of add) {
      if (!ALLOWED_1_0.has(cap)) {
        (bad ??= []).push(cap);
        nonDefault.push(cap);
      }
    }
    if (bad !== undefined) {
      (names ??= []).push(nameOf(c));
      errs.push(forbidden(containerField(list, i, 'securityContext.capabilities.add'), sortedSet(bad)));
    }
  });
  if (names === undefined) return ALLOWED;
  return deny(
    'non-default capabilities',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not include ${joinQuote(sortedSet(nonDefault))} in securityContext.capabilities.add`,
    errs,
  );
}

export const checkCapabilitiesBaseline: Check = {
  id: CHECK_CAPABILITIES_BASELINE_ID,
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: capabilitiesBaselineV1Dot0 }],
};

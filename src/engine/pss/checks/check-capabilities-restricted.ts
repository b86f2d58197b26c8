/**
 * Capabilities (restricted).
 *
 * Every container drops all capabilities and may add back at most NET_BIND_SERVICE.
 *
 * Restricted Fields:
 *   spec.containers[*].securityContext.capabilities.drop
 *   spec.initContainers[*].securityContext.capabilities.drop
 *   spec.ephemeralContainers[*].securityContext.capabilities.drop
 * Allowed Values: a list that contains "ALL"
 *
 * Restricted Fields:
 *   spec.containers[*].securityContext.capabilities.add
 *   spec.initContainers[*].securityContext.capabilities.add
 *   spec.ephemeralContainers[*].securityContext.capabilities.add
 * Allowed Values: unset or empty, or only "NET_BIND_SERVICE"
 *
 * Restricted level, from v1.22 (replaces capabilities_baseline); from v1.25, pods declaring
 * `spec.os.name: windows` are exempt.
 */
import { majorMinor } from '../api.ts';
import {
  ALLOWED,
  containerField,
  deny,
  forbidden,
  isWindowsPod,
  joinQuote,
  nameOf,
  pluralize,
  required,
  sortedSet,
  visitContainers,
} from '../check.ts';
import type { Check, CheckResult, FieldError } from '../check.ts';
import type { PodMeta, PodSpecView } from '../pod.ts';
import { CHECK_CAPABILITIES_BASELINE_ID } from './check-capabilities-baseline.ts';

const CAPABILITY_ALL = 'ALL';
const CAPABILITY_NET_BIND_SERVICE = 'NET_BIND_SERVICE';

function capabilitiesRestrictedV1Dot22(_meta: PodMeta, spec: PodSpecView): CheckResult {
  let missingDropAll: string[] | undefined;
  const missingErrs: FieldError[] = [];
  let addingForbidden: string[] | undefined;
  const addingErrs: FieldError[] = [];
  const forbiddenCapabilities: string[] = [];

  visitContainers(spec, (c, list, i) => {
    const caps = c.securityContext?.capabilities;
    if (caps === undefined) {
      (missingDropAll ??= []).push(nameOf(c));
      missingErrs.push(required(containerField(list, i, 'securityContext.capabilities.drop')));
      return;
    }
    const drop = caps.drop ?? [];
    if (!drop.includes(CAPABILITY_ALL)) {
      (missingDropAll ??= []).push(nameOf(c));
      const field = containerField(list, i, 'securityContext.capabilities.drop');
      missingErrs.push(drop.length > 0 ? forbidden(field, sortedSet(drop)) : required(field));
    }
    let bad: string[] | undefined;
    for (const cap of caps.add ?? []) {
      if (cap !== CAPABILITY_NET_BIND_SERVICE) {
        (bad ??= []).push(cap);
        forbiddenCapabilities.push(cap);
      }
    }
    if (bad !== undefined) {
      (addingForbidden ??= []).push(nameOf(c));
      addingErrs.push(forbidden(containerField(list, i, 'securityContext.capabilities.add'), sortedSet(bad)));
    }
  });

  if (missingDropAll === undefined && addingForbidden === undefined) return ALLOWED;
  const details: string[] = [];
  if (missingDropAll !== undefined) {
    details.push(
      `${pluralize('container', 'containers', missingDropAll.length)} ${joinQuote(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`,
    );
  }
  if (addingForbidden !== undefined) {
    details.push(
      `${pluralize('container', 'containers', addingForbidden.length)} ${joinQuote(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCapabilities))} in securityContext.capabilities.add`,
    );
  }
  return deny('unrestricted capabilities', details.join('; '), [...missingErrs, ...addingErrs]);
}

function capabilitiesRestrictedV1Dot25(meta: PodMeta, spec: PodSpecView): CheckResult {
  // Pod validation rejects capabilities on Windows pods, so they are admitted without them.
  if (isWindowsPod(spec)) return ALLOWED;
  return capabilitiesRestrictedV1Dot22(meta, spec);
}

export const checkCapabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    {
      minimumVersion: majorMinor(1, 22),
      checkPod: capabilitiesRestrictedV1Dot22,
      overrideCheckIDs: [CHECK_CAPABILITIES_BASELINE_ID],
    },
    {
      minimumVersion: majorMinor(1, 25),
      checkPod: capabilitiesRestrictedV1Dot25,
      overrideCheckIDs: [CHECK_CAPABILITIES_BASELINE_ID],
    },
  ],
};

/**
 * Kyverno's names for the Pod Security Standards controls and how they map onto upstream check IDs
 * (`pkg/pss/utils/mapping.go`), plus the control groups its policy validation uses (the static checks
 * themselves live in src/engine/validation/pod-security.ts).
 */

/** Control name (as written in `exclude[].controlName`) -> the check IDs it covers. */
export const CONTROL_NAME_TO_IDS: Readonly<Record<string, readonly string[]>> = {
  Capabilities: ['capabilities_baseline', 'capabilities_restricted'],
  Seccomp: ['seccompProfile_baseline', 'seccompProfile_restricted'],
  'Privileged Containers': ['privileged'],
  'Host Ports': ['hostPorts'],
  '/proc Mount Type': ['procMount'],
  HostProcess: ['windowsHostProcess'],
  SELinux: ['seLinuxOptions'],
  'Host Namespaces': ['hostNamespaces'],
  'HostPath Volumes': ['hostPathVolumes'],
  Sysctls: ['sysctls'],
  AppArmor: ['appArmorProfile'],
  'Privilege Escalation': ['allowPrivilegeEscalation'],
  'Running as Non-root': ['runAsNonRoot'],
  'Running as Non-root user': ['runAsUser'],
  'Volume Types': ['restrictedVolumes'],
};

/** The check IDs of a control name; empty for unknown names (which then exclude nothing). */
export function controlCheckIds(controlName: string): readonly string[] {
  return Object.prototype.hasOwnProperty.call(CONTROL_NAME_TO_IDS, controlName) ? CONTROL_NAME_TO_IDS[controlName]! : [];
}

const ID_TO_NAME: ReadonlyMap<string, string> = new Map(
  Object.entries(CONTROL_NAME_TO_IDS).flatMap(([name, ids]) => ids.map((id) => [id, name] as [string, string])),
);

/**
 * Check ID -> control name (`PSSControlIDToName`), e.g. `capabilities_restricted` -> `Capabilities`;
 * `''` for IDs no control covers (`hostProbesAndHostLifecycle`).
 */
export function controlNameOf(checkId: string): string {
  return ID_TO_NAME.get(checkId) ?? '';
}

/** Controls only the restricted level has; a `baseline` rule may not exclude them (except Seccomp and Capabilities). */
export const RESTRICTED_CONTROL_NAMES: readonly string[] = [
  'Volume Types',
  'Privilege Escalation',
  'Running as Non-root',
  'Running as Non-root user',
  'Seccomp',
  'Capabilities',
];

/** Pod-level controls: an exclusion must not list images. */
export const POD_LEVEL_CONTROLS: readonly string[] = ['Host Namespaces', 'HostPath Volumes', 'Sysctls', 'Volume Types'];

/** Container-level controls: an exclusion must list images. */
export const CONTAINER_LEVEL_CONTROLS: readonly string[] = [
  'Capabilities',
  'Privileged Containers',
  'Host Ports',
  '/proc Mount Type',
  'Privilege Escalation',
];

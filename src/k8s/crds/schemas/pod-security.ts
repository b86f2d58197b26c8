/**
 * `validate.podSecurity` (api/kyverno/v1 common_types.go `PodSecurity`, `PodSecurityStandard`): level,
 * version and per-control exclusions. The exclusion entry is also a PolicyException field.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, obj, oneOfStrings, str, strings } from './builders.ts';

/** PSS control names accepted in exclusions (kubebuilder enum on `controlName`). */
export const PSS_CONTROL_NAMES = [
  'HostProcess',
  'Host Namespaces',
  'Privileged Containers',
  'Capabilities',
  'HostPath Volumes',
  'Host Ports',
  'AppArmor',
  'SELinux',
  '/proc Mount Type',
  'Seccomp',
  'Sysctls',
  'Volume Types',
  'Privilege Escalation',
  'Running as Non-root',
  'Running as Non-root user',
] as const;

export const PSS_LEVELS = ['privileged', 'baseline', 'restricted'] as const;

/** Versions accepted in `podSecurity.version` (kubebuilder enum). */
export const PSS_VERSIONS = [
  'v1.19',
  'v1.20',
  'v1.21',
  'v1.22',
  'v1.23',
  'v1.24',
  'v1.25',
  'v1.26',
  'v1.27',
  'v1.28',
  'v1.29',
  'v1.30',
  'v1.31',
  'v1.32',
  'latest',
] as const;

/** kyvernov1.PodSecurityStandard: an excluded control. */
export const podSecurityStandard = (): JSONSchemaProps =>
  obj(
    {
      controlName: oneOfStrings(PSS_CONTROL_NAMES),
      images: strings(),
      restrictedField: str(),
      values: strings(),
    },
    { required: ['controlName'] },
  );

/** kyvernov1.PodSecurity. */
export const podSecurity = (): JSONSchemaProps =>
  obj({
    exclude: arr(podSecurityStandard()),
    level: oneOfStrings(PSS_LEVELS),
    version: oneOfStrings(PSS_VERSIONS),
  });

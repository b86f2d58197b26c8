/**
 * The default checks, in the order Kyverno's fork registers them (`policy.DefaultChecks()`: Go runs the
 * `init()` of each `check_*.go` file in file-name order). Kyverno evaluates and reports checks in this
 * order; the PSA registry sorts by ID instead.
 */
import type { Check } from '../check.ts';
import { checkAllowPrivilegeEscalation } from './check-allow-privilege-escalation.ts';
import { checkAppArmorProfile } from './check-app-armor-profile.ts';
import { checkCapabilitiesBaseline } from './check-capabilities-baseline.ts';
import { checkCapabilitiesRestricted } from './check-capabilities-restricted.ts';
import { checkHostNamespaces } from './check-host-namespaces.ts';
import { checkHostPathVolumes } from './check-host-path-volumes.ts';
import { checkHostPorts } from './check-host-ports.ts';
import { checkHostProbesAndHostLifecycle } from './check-host-probes-and-host-lifecycle.ts';
import { checkPrivileged } from './check-privileged.ts';
import { checkProcMount } from './check-proc-mount.ts';
import { checkRestrictedVolumes } from './check-restricted-volumes.ts';
import { checkRunAsNonRoot } from './check-run-as-non-root.ts';
import { checkRunAsUser } from './check-run-as-user.ts';
import { checkSELinuxOptions } from './check-se-linux-options.ts';
import { checkSeccompBaseline } from './check-seccomp-profile-baseline.ts';
import { checkSeccompProfileRestricted } from './check-seccomp-profile-restricted.ts';
import { checkSysctls } from './check-sysctls.ts';
import { checkWindowsHostProcess } from './check-windows-host-process.ts';

export const DEFAULT_CHECKS: readonly Check[] = [
  checkAllowPrivilegeEscalation,
  checkAppArmorProfile,
  checkCapabilitiesBaseline,
  checkCapabilitiesRestricted,
  checkHostNamespaces,
  checkHostPathVolumes,
  checkHostPorts,
  checkHostProbesAndHostLifecycle,
  checkPrivileged,
  checkProcMount,
  checkRestrictedVolumes,
  checkRunAsNonRoot,
  checkRunAsUser,
  checkSELinuxOptions,
  checkSeccompBaseline,
  checkSeccompProfileRestricted,
  checkSysctls,
  checkWindowsHostProcess,
];

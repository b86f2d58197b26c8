import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import type { PodSecurity } from '../api/policy.ts';
import { validatePodSecurity } from './rule.ts';
import type { MatchedPodSecurityException } from './rule.ts';

/**
 * Rule outcomes and messages. Expected statuses, messages and remaining field errors come from running
 * Kyverno v1.19's pkg/pss (EvaluatePod, ApplyPodSecurityExclusion, FormatChecksPrint) and the steps of
 * validate_pss.go (getSpec, convertChecks) on the same inputs, with Kyverno's fork of the checks.
 */
const table: Array<{
  name: string;
  podSecurity: PodSecurity;
  resource: JsonObject;
  exceptions: MatchedPodSecurityException[];
  status: string;
  message: string;
  /** remaining failed checks with their field errors as `path=JSON(value)` */
  checks: Array<{ id: string; errors: string[] }>;
}> = [
  {
    name: 'exclusion with images swap-removes the matched error (Go order)',
    podSecurity: { level: 'baseline', version: 'v1.29', exclude: [{ controlName: 'Privileged Containers', images: ['nginx'] }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'p0', image: 'x', securityContext: { privileged: true } }, { name: 'p1', image: 'nginx', securityContext: { privileged: true } }, { name: 'p2', image: 'x', securityContext: { privileged: true } }, { name: 'p3', image: 'y', securityContext: { privileged: true } }] } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:v1.29": (Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true, spec.containers[3].securityContext.privileged is forbidden, forbidden values found: true, spec.containers[2].securityContext.privileged is forbidden, forbidden values found: true])',
    checks: [{ id: 'privileged', errors: ['spec.containers[0].securityContext.privileged=true', 'spec.containers[3].securityContext.privileged=true', 'spec.containers[2].securityContext.privileged=true'] }],
  },
  {
    name: 'exclusion without images cancels the first error with the same wildcarded path',
    podSecurity: { level: 'restricted', version: 'latest', exclude: [{ controlName: 'Privilege Escalation' }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', image: 'a', securityContext: { capabilities: { drop: ['ALL'] } } }, { name: 'b', image: 'b', securityContext: { capabilities: { drop: ['ALL'] } } }] } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "restricted:latest": (Forbidden reason: allowPrivilegeEscalation != false, field error list: [spec.containers[1].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: nil])',
    checks: [{ id: 'allowPrivilegeEscalation', errors: ['spec.containers[1].securityContext.allowPrivilegeEscalation="nil"'] }],
  },
  {
    name: 'container-level exclusion needs the same list and container name',
    podSecurity: { level: 'baseline', version: 'latest', exclude: [{ controlName: 'Privileged Containers', images: ['nginx'] }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { initContainers: [{ name: 'web', image: 'nginx', securityContext: { privileged: true } }], containers: [{ name: 'web', image: 'busybox', securityContext: { privileged: true } }] } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])',
    checks: [{ id: 'privileged', errors: ['spec.containers[0].securityContext.privileged=true'] }],
  },
  {
    name: 'values are wildcards and every bad value must match one',
    podSecurity: { level: 'baseline', version: 'latest', exclude: [{ controlName: 'Capabilities', images: ['*'], restrictedField: 'spec.containers[*].securityContext.capabilities.add', values: ['NET_*'] }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'a', image: 'a', securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } } }, { name: 'b', image: 'b', securityContext: { capabilities: { add: ['SYS_ADMIN', 'NET_RAW'] } } }] } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: non-default capabilities, field error list: [spec.containers[1].securityContext.capabilities.add is forbidden, forbidden values found: [NET_RAW SYS_ADMIN]])',
    checks: [{ id: 'capabilities_baseline', errors: ['spec.containers[1].securityContext.capabilities.add=["NET_RAW","SYS_ADMIN"]'] }],
  },
  {
    name: 'a restrictedField that is not a real path excludes nothing',
    podSecurity: { level: 'baseline', version: 'latest', exclude: [{ controlName: 'Host Ports', images: ['nginx'], restrictedField: 'spec.containers[*].ports.hostPort', values: ['80'] }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80, hostPort: 80 }] }] } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: hostPort, field error list: [spec.containers[0].ports[0].hostPort is forbidden, forbidden values found: 80])',
    checks: [{ id: 'hostPorts', errors: ['spec.containers[0].ports[0].hostPort=80'] }],
  },
  {
    name: 'exceptions that cancel every violation skip the rule',
    podSecurity: { level: 'baseline', version: 'v1.29' },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { hostNetwork: true, containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: true } }] } },
    exceptions: [{ key: 'ns/e0', podSecurity: [{ controlName: 'Host Namespaces' }] }, { key: 'ns/e1', podSecurity: [{ controlName: 'Privileged Containers', images: ['nginx'] }] }],
    status: 'skip',
    message: 'rule is skipped due to policy exceptions ns/e0, ns/e1',
    checks: [],
  },
  {
    name: 'exceptions that cancel some violations leave a failure',
    podSecurity: { level: 'baseline', version: 'v1.29' },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { hostNetwork: true, containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: true } }] } },
    exceptions: [{ key: 'ns/e0', podSecurity: [{ controlName: 'Host Namespaces' }] }],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:v1.29": (Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])',
    checks: [{ id: 'privileged', errors: ['spec.containers[0].securityContext.privileged=true'] }],
  },
  {
    name: 'Deployment: spec and metadata paths are rewritten (substring replacement)',
    podSecurity: { level: 'baseline', version: 'v1.29' },
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/inspector': 'unconfined' } }, spec: { hostPID: true, containers: [{ name: 'inspector', image: 'x', ports: [{ hostPort: 8080 }] }], volumes: [{ name: 'h', hostPath: { path: '/var' } }] } } } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:v1.29": (Forbidden reason: forbidden AppArmor profile, field error list: [spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/inspec.template.spector] is forbidden, forbidden values found: unconfined])(Forbidden reason: host namespaces, field error list: [spec.template.spec.hostPID is forbidden, forbidden values found: true])(Forbidden reason: hostPath volumes, field error list: [spec.template.spec.volumes[0].hostPath is forbidden, forbidden values found: /var])(Forbidden reason: hostPort, field error list: [spec.template.spec.containers[0].ports[0].hostPort is forbidden, forbidden values found: 8080])',
    checks: [{ id: 'appArmorProfile', errors: ['spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/inspec.template.spector]="unconfined"'] }, { id: 'hostNamespaces', errors: ['spec.template.spec.hostPID=true'] }, { id: 'hostPathVolumes', errors: ['spec.template.spec.volumes[0].hostPath="/var"'] }, { id: 'hostPorts', errors: ['spec.template.spec.containers[0].ports[0].hostPort=8080'] }],
  },
  {
    name: 'CronJob: spec paths point into the job template; an omitted version prints empty',
    podSecurity: { level: 'restricted' },
    resource: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, spec: { template: { metadata: { annotations: { x: 'y' } }, spec: { containers: [{ name: 'a', image: 'x', securityContext: { runAsUser: 0 } }] } } } } } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "restricted:": (Forbidden reason: allowPrivilegeEscalation != false, field error list: [spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: nil])(Forbidden reason: unrestricted capabilities, field error list: [spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.drop: Required value])(Forbidden reason: runAsNonRoot != true, field error list: [spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsNonRoot: Required value])(Forbidden reason: runAsUser=0, field error list: [spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsUser is forbidden, forbidden values found: 0])(Forbidden reason: seccompProfile, field error list: [spec.jobTemplate.spec.template.spec.containers[0].securityContext.seccompProfile.type: Required value])',
    checks: [{ id: 'allowPrivilegeEscalation', errors: ['spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation="nil"'] }, { id: 'capabilities_restricted', errors: ['spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.drop=""'] }, { id: 'runAsNonRoot', errors: ['spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsNonRoot=""'] }, { id: 'runAsUser', errors: ['spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsUser=0'] }, { id: 'seccompProfile_restricted', errors: ['spec.jobTemplate.spec.template.spec.containers[0].securityContext.seccompProfile.type=""'] }],
  },
  {
    name: 'restricted v1.0 (Kyverno selection): baseline hostPath and restricted volume types both fail, seccomp annotations',
    podSecurity: { level: 'restricted', version: 'v1.0' },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { 'container.seccomp.security.alpha.kubernetes.io/a': 'unconfined' } }, spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'a', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } }], volumes: [{ name: 'h', hostPath: { path: '/' } }] } },
    exceptions: [],
    status: 'fail',
    message: "Validation rule 'r' failed. It violates PodSecurity \"restricted:v1.0\": (Forbidden reason: hostPath volumes, field error list: [spec.volumes[0].hostPath is forbidden, forbidden values found: /])(Forbidden reason: restricted volume types, field error list: [spec.volumes[0].hostPath: Forbidden])(Forbidden reason: seccompProfile, field error list: [spec.template.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/a] is forbidden, forbidden values found: unconfined])",
    checks: [{ id: 'hostPathVolumes', errors: ['spec.volumes[0].hostPath="/"'] }, { id: 'restrictedVolumes', errors: ['spec.volumes[0].hostPath=""'] }, { id: 'seccompProfile_baseline', errors: ['spec.template.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/a]="unconfined"'] }],
  },
  {
    // pkg/pss evaluatePSS only filters checks for baseline: the privileged level runs every check
    name: 'privileged level runs every check (Kyverno selection)',
    podSecurity: { level: 'privileged', version: 'latest' },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'a', image: 'x' }] } },
    exceptions: [],
    status: 'fail',
    message: "Validation rule 'r' failed. It violates PodSecurity \"privileged:latest\": (Forbidden reason: allowPrivilegeEscalation != false, field error list: [spec.containers[0].securityContext.allowPrivilegeEscalation: Required value])(Forbidden reason: unrestricted capabilities, field error list: [spec.containers[0].securityContext.capabilities.drop: Required value])(Forbidden reason: runAsNonRoot != true, field error list: [spec.containers[0].securityContext.runAsNonRoot: Required value])(Forbidden reason: seccompProfile, field error list: [spec.containers[0].securityContext.seccompProfile.type: Required value])",
    checks: [{ id: 'allowPrivilegeEscalation', errors: ['spec.containers[0].securityContext.allowPrivilegeEscalation=""'] }, { id: 'capabilities_restricted', errors: ['spec.containers[0].securityContext.capabilities.drop=""'] }, { id: 'runAsNonRoot', errors: ['spec.containers[0].securityContext.runAsNonRoot=""'] }, { id: 'seccompProfile_restricted', errors: ['spec.containers[0].securityContext.seccompProfile.type=""'] }],
  },
  {
    name: 'an unknown control name excludes nothing',
    podSecurity: { level: 'baseline', version: 'latest', exclude: [{ controlName: 'Nope' }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { hostIPC: true } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: host namespaces, field error list: [spec.hostIPC is forbidden, forbidden values found: true])',
    checks: [{ id: 'hostNamespaces', errors: ['spec.hostIPC=true'] }],
  },
  {
    name: 'host ports: one exclusion error cancels one port',
    podSecurity: { level: 'baseline', version: 'latest', exclude: [{ controlName: 'Host Ports', images: ['nginx'], restrictedField: 'spec.containers[*].ports[*].hostPort', values: ['80'] }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'a', image: 'nginx', ports: [{ hostPort: 80 }, { hostPort: 81 }] }] } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: hostPort, field error list: [spec.containers[0].ports[1].hostPort is forbidden, forbidden values found: 81])',
    checks: [{ id: 'hostPorts', errors: ['spec.containers[0].ports[1].hostPort=81'] }],
  },
  {
    name: 'sysctls excluded by name wildcard',
    podSecurity: { level: 'baseline', version: 'latest', exclude: [{ controlName: 'Sysctls', restrictedField: 'spec.securityContext.sysctls[*].name', values: ['kernel.msg*'] }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'kernel.shmmax', value: '1' }] } } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: forbidden sysctls, field error list: [spec.securityContext.sysctls[1].name is forbidden, forbidden values found: kernel.shmmax])',
    checks: [{ id: 'sysctls', errors: ['spec.securityContext.sysctls[1].name="kernel.shmmax"'] }],
  },
  {
    name: 'volume types: errors without a value always satisfy values',
    podSecurity: { level: 'restricted', version: 'latest', exclude: [{ controlName: 'Volume Types', restrictedField: 'spec.volumes[*].nfs', values: ['*'] }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }], volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }] } },
    exceptions: [],
    status: 'pass',
    message: 'Validation rule \'r\' passed.',
    checks: [],
  },
  {
    name: 'pod-level runAsNonRoot exclusion: the fake container cancels one container error',
    podSecurity: { level: 'restricted', version: 'latest', exclude: [{ controlName: 'Running as Non-root' }] },
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }, { name: 'b', image: 'y', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] } },
    exceptions: [],
    status: 'fail',
    message: 'Validation rule \'r\' failed. It violates PodSecurity "restricted:latest": (Forbidden reason: runAsNonRoot != true, field error list: [spec.containers[1].securityContext.runAsNonRoot: Required value])',
    checks: [{ id: 'runAsNonRoot', errors: ['spec.containers[1].securityContext.runAsNonRoot=""'] }],
  },
];

for (const c of table) {
  test(`podSecurity rule: ${c.name}`, () => {
    const r = validatePodSecurity('r', c.podSecurity, c.resource, 'CREATE', c.exceptions);
    assert.ok(r !== null);
    assert.equal(r.status, c.status);
    assert.equal(r.message, c.message);
    assert.deepEqual(
      (r.checks ?? []).map((x) => ({ id: x.id, errors: (x.errors ?? []).map((e) => `${e.path}=${JSON.stringify(e.value)}`) })),
      c.checks,
    );
    if (r.status === 'skip') assert.deepEqual(r.exceptions, c.exceptions.map((e) => e.key));
  });
}

const privilegedPod: JsonObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: true } }] },
};

test('DELETE requests get no response', () => {
  assert.equal(validatePodSecurity('r', { level: 'baseline' }, privilegedPod, 'DELETE'), null);
});

test('a matched exception without podSecurity skips the whole rule', () => {
  const r = validatePodSecurity('r', { level: 'baseline' }, privilegedPod, 'CREATE', [
    { key: 'ns/partial', podSecurity: [{ controlName: 'Host Namespaces' }] },
    { key: 'ns/whole' },
  ]);
  assert.deepEqual(r, { status: 'skip', message: 'rule is skipped due to policy exception ns/whole', exceptions: ['ns/whole'] });
});

test('pass: message and the level/version as written in the rule', () => {
  const pod: JsonObject = { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'nginx' }] } };
  const r = validatePodSecurity('check-baseline', { level: 'baseline' }, pod, 'CREATE');
  assert.deepEqual(r, {
    status: 'pass',
    message: "Validation rule 'check-baseline' passed.",
    checks: [],
    podSecurityChecks: { level: 'baseline', version: '', checks: [] },
  });
});

const errors: Array<[string, PodSecurity, JsonObject, string]> = [
  [
    'unsupported kind',
    { level: 'baseline' },
    { kind: 'Service', spec: {} },
    'Error while getting new resource: could not find correct resource type',
  ],
  [
    'bad version (checked after the resource)',
    { level: 'baseline', version: 'v1.x' },
    { kind: 'Pod', spec: {} },
    'failed to parse pod security api version: must be "latest" or "v1.x"',
  ],
  [
    'wrongly typed field',
    { level: 'baseline' },
    { kind: 'Pod', spec: { containers: [{ name: 'a', securityContext: { privileged: 'yes' } }] } },
    'Error while getting new resource: json: cannot unmarshal string into Go struct field SecurityContext.spec.containers.securityContext.privileged of type bool',
  ],
  [
    'wrongly typed field in a Deployment (first in sorted key order)',
    { level: 'baseline' },
    { kind: 'Deployment', spec: { template: { spec: { hostPID: 'x', hostNetwork: 1 } } } },
    'Error while getting new resource: json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.hostNetwork of type bool',
  ],
];
for (const [name, ps, resource, message] of errors) {
  test(`error: ${name}`, () => {
    assert.deepEqual(validatePodSecurity('r', ps, resource, 'CREATE'), { status: 'error', message });
  });
}

// Kyverno's Test_PSS_PolicyExceptions_Skip and the chainsaw test reports/background/multiple-exceptions-with-pod-security.
const capsPod: JsonObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'test-pod' },
  spec: {
    containers: [
      {
        name: 'primary',
        image: 'public.ecr.aws/docker/library/alpine:latest',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
      },
    ],
    initContainers: [
      {
        name: 'init1',
        image: 'public.ecr.aws/docker/library/alpine:latest',
        securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, privileged: false },
      },
      {
        name: 'init2',
        image: 'public.ecr.aws/docker/library/busybox:latest',
        securityContext: { capabilities: { add: ['SYS_TIME'], drop: ['ALL'] }, privileged: false },
      },
    ],
  },
};
const init1Exception: MatchedPodSecurityException = {
  key: 'ns/init1-exception-baseline',
  podSecurity: [
    {
      controlName: 'Capabilities',
      images: ['public.ecr.aws/docker/library/alpine:latest'],
      restrictedField: 'spec.initContainers[*].securityContext.capabilities.add',
      values: ['NET_ADMIN', 'NET_RAW'],
    },
  ],
};
const init2Exception: MatchedPodSecurityException = {
  key: 'ns/init2-exception-baseline',
  podSecurity: [
    {
      controlName: 'Capabilities',
      images: ['public.ecr.aws/docker/library/busybox:latest'],
      restrictedField: 'spec.initContainers[*].securityContext.capabilities.add',
      values: ['SYS_TIME'],
    },
  ],
};

test('two exceptions together cancel every violation: skip', () => {
  const r = validatePodSecurity('baseline', { level: 'baseline', version: 'v1.29' }, capsPod, 'CREATE', [init1Exception, init2Exception]);
  assert.equal(r?.status, 'skip');
  assert.equal(r?.message, 'rule is skipped due to policy exceptions ns/init1-exception-baseline, ns/init2-exception-baseline');
  assert.deepEqual(r?.exceptions, ['ns/init1-exception-baseline', 'ns/init2-exception-baseline']);
  assert.deepEqual(r?.podSecurityChecks, { level: 'baseline', version: 'v1.29', checks: [] });
});

test('one exception left: fail with the remaining error and the images named in the detail', () => {
  const r = validatePodSecurity('baseline', { level: 'baseline', version: 'v1.29' }, capsPod, 'CREATE', [init2Exception], {
    images: {
      initContainers: {
        init1: 'public.ecr.aws/docker/library/alpine:latest',
        init2: 'public.ecr.aws/docker/library/busybox:latest',
      },
      containers: { primary: 'public.ecr.aws/docker/library/alpine:latest' },
    },
  });
  assert.equal(r?.status, 'fail');
  assert.equal(
    r?.message,
    'Validation rule \'baseline\' failed. It violates PodSecurity "baseline:v1.29": (Forbidden reason: non-default capabilities, field error list: [spec.initContainers[0].securityContext.capabilities.add is forbidden, forbidden values found: [NET_ADMIN NET_RAW]])',
  );
  assert.deepEqual(r?.checks?.map((c) => [c.id, c.images]), [
    ['capabilities_baseline', ['public.ecr.aws/docker/library/alpine:latest', 'public.ecr.aws/docker/library/busybox:latest']],
  ]);
  assert.equal(r?.podSecurityChecks?.checks, r?.checks);
});

test('images: container names from the first "container(s) ... must" phrase; unknown names kept', () => {
  const pod: JsonObject = {
    kind: 'Pod',
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        { name: 'nginx', image: 'nginx', securityContext: { capabilities: { drop: ['ALL'] } } },
        { name: 'busybox', image: 'busybox', securityContext: { capabilities: { drop: ['ALL'] } } },
      ],
      ephemeralContainers: [{ name: 'nginx2', image: 'x', securityContext: { capabilities: { drop: ['ALL'] } } }],
    },
  };
  const r = validatePodSecurity('r', { level: 'restricted' }, pod, 'CREATE', undefined, {
    images: { containers: { nginx: 'docker.io/nginx:v13.4' }, initContainers: { busybox: 'index.docker.io/busybox:v1.2.3' } },
  });
  assert.deepEqual(r?.checks?.map((c) => [c.forbiddenDetail, c.images]), [
    [
      'containers "nginx", "busybox", "nginx2" must set securityContext.allowPrivilegeEscalation=false',
      ['docker.io/nginx:v13.4', 'index.docker.io/busybox:v1.2.3', 'nginx2'],
    ],
  ]);
});

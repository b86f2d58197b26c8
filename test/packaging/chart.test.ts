/**
 * The Helm chart (charts/kyverno), rendered by the real helm binary: lint, the Pod Security Standards
 * profiles and failure actions the announcement's one-line install asks for, the other policy values,
 * NOTES, and the wiring of the four components (the admission controller runs `kyverno serve`, the
 * background, reports and cleanup controllers run `kyverno controllers` with the groups Kyverno gives
 * them; every flag is accepted by its command, the probes hit the endpoints the process serves, the
 * ConfigMap parses the way Kyverno parses it, the RBAC of each component has no wildcard and only what
 * it needs, and every Pod passes the restricted profile and every best practice the chart ships).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { isObject, type JsonObject, type JsonValue } from '../../src/engine/api/json.ts';
import { parseYamlStream, toYaml } from '../../src/k8s/yaml.ts';
import { parseKyvernoConfig } from '../../src/server/config.ts';
import { parseMetricsConfig } from '../../src/server/metrics-config.ts';
import { parseListen, registerServeCommand } from '../../src/cli/commands/serve.ts';
import { registerControllersCommand } from '../../src/cli/commands/controllers.ts';
import { GROUP_LEASES, type ControllerGroup } from '../../src/controllers/manager.ts';
import { LIVENESS_PATH, READINESS_PATH } from '../../src/controllers/runtime/health.ts';
import { HEALTH_LEASE } from '../../src/controllers/watchdog/watchdog.ts';
import { main } from '../../src/cli/main.ts';
import { VERSION } from '../../src/cli/version.ts';
import { CHART, ChartRenderError, lintChart, renderChart, renderNotes, type RenderOptions } from './chart.ts';

const repoRoot = join(CHART, '..', '..');

/** Library policy names per folder, read from policies/ (the source of the chart's copies). */
function library(folder: string): string[] {
  return readdirSync(join(repoRoot, 'policies', folder))
    .filter((e) => !e.startsWith('.') && !e.endsWith('.md'))
    .sort();
}
const BASELINE = library('pod-security/baseline');
const RESTRICTED = library('pod-security/restricted');
const BEST_PRACTICES = library('best-practices');

/**
 * The policies the announcement's `kubectl get cpol` listed after
 * `helm install kyverno kyverno/kyverno --set podSecurityStandard=restricted --set validationFailureAction=enforce`
 * (Kyverno 1.4: 9 baseline + 5 restricted), and the library policy that covers each control today.
 */
const ANNOUNCEMENT: ReadonlyArray<readonly [announced: string, library: string]> = [
  ['disallow-adding-capabilities', 'disallow-add-capabilities'],
  ['disallow-host-namespaces', 'disallow-host-namespaces'],
  ['disallow-host-path', 'disallow-host-path'],
  ['disallow-host-ports', 'disallow-host-ports'],
  ['disallow-privileged-containers', 'disallow-privileged-containers'],
  ['disallow-proc-mount', 'require-default-proc-mount'],
  ['disallow-selinux', 'disallow-selinux'],
  ['restrict-apparmor-profiles', 'restrict-apparmor-profiles'],
  ['restrict-sysctls', 'restrict-sysctls'],
  ['deny-privilege-escalation', 'deny-privilege-escalation'],
  ['require-non-root-groups', 'require-non-root-groups'],
  ['require-run-as-nonroot', 'require-run-as-non-root'],
  ['restrict-seccomp', 'restrict-seccomp'],
  ['restrict-volume-types', 'restrict-volume-types'],
];

const cache = new Map<string, JsonObject[]>();
/** Renders once per distinct input (helm takes a fraction of a second per run). */
function render(values: Record<string, unknown> = {}, opts: RenderOptions = {}): JsonObject[] {
  const key = JSON.stringify([values, opts]);
  let out = cache.get(key);
  if (out === undefined) {
    out = renderChart(values, { includeCrds: false, ...opts });
    cache.set(key, out);
  }
  return out;
}

const obj = (v: JsonValue | undefined): JsonObject => (isObject(v) ? v : {});
const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');
const name = (o: JsonObject): string => str(obj(o['metadata'])['name']);
const ofKind = (objects: JsonObject[], kind: string): JsonObject[] => objects.filter((o) => o['kind'] === kind);
const one = (objects: JsonObject[], kind: string, n?: string): JsonObject => {
  const found = ofKind(objects, kind).filter((o) => n === undefined || name(o) === n);
  assert.equal(found.length, 1, `one ${kind}${n ? ` ${n}` : ''}`);
  return found[0]!;
};
const policies = (objects: JsonObject[]): JsonObject[] => ofKind(objects, 'ClusterPolicy');
/** The `kyverno` ConfigMap (the chart also renders the `kyverno-metrics` one). */
const kyvernoConfigMap = (objects: JsonObject[]): JsonObject => {
  const found = ofKind(objects, 'ConfigMap').filter((o) => !name(o).endsWith('-metrics'));
  assert.equal(found.length, 1, 'one kyverno ConfigMap');
  return found[0]!;
};
const labelsOf = (o: JsonObject): JsonObject => obj(obj(o['metadata'])['labels']);
/** The four components, as Kyverno names them (label app.kubernetes.io/component). */
const CONTROLLERS = ['background-controller', 'reports-controller', 'cleanup-controller'] as const;
const COMPONENTS = ['admission-controller', ...CONTROLLERS] as const;
type Component = (typeof COMPONENTS)[number];
/** A component's objects of one kind (by its component label). */
const ofComponent = (objects: JsonObject[], component: Component, kind?: string): JsonObject[] =>
  objects.filter((o) => labelsOf(o)['app.kubernetes.io/component'] === component && (kind === undefined || o['kind'] === kind));
const deploymentOf = (objects: JsonObject[], component: Component): JsonObject => {
  const found = ofComponent(objects, component, 'Deployment');
  assert.equal(found.length, 1, `one ${component} Deployment`);
  return found[0]!;
};
const podSpecOf = (deploy: JsonObject): JsonObject => obj(obj(obj(deploy['spec'])['template'])['spec']);
const containerOf = (deploy: JsonObject): JsonObject => obj((podSpecOf(deploy)['containers'] as JsonValue[])[0]);
const argsOf = (deploy: JsonObject): string[] => ((containerOf(deploy)['args'] as JsonValue[]) ?? []).map(String);
const rulesOfRole = (r: JsonObject): JsonObject[] => ((r['rules'] as JsonValue[] | undefined) ?? []).map(obj);
const strings = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The `kyverno controllers` options a container's args give (every flag must be known). */
function controllersOptions(args: readonly string[]): Record<string, unknown> {
  const program = new Command('kyverno').exitOverride();
  registerControllersCommand(program);
  const cmd = program.commands.find((c) => c.name() === 'controllers');
  assert.ok(cmd);
  assert.equal(args[0], 'controllers');
  const parsed = cmd.parseOptions(args.slice(1));
  assert.deepEqual(parsed.unknown, [], `every flag is a controllers flag: ${args.join(' ')}`);
  assert.deepEqual(parsed.operands, []);
  return cmd.opts();
}
const policyNames = (objects: JsonObject[]): string[] => policies(objects).map(name).sort();
const actionOf = (p: JsonObject): string => str(obj(p['spec'])['validationFailureAction']);
const rulesOf = (p: JsonObject): JsonObject[] => ((obj(p['spec'])['rules'] as JsonValue[] | undefined) ?? []).map(obj);

function sourcePolicy(n: string): JsonObject {
  const folder = BASELINE.includes(n) ? 'pod-security/baseline' : RESTRICTED.includes(n) ? 'pod-security/restricted' : 'best-practices';
  const { documents } = parseYamlStream(readFileSync(join(repoRoot, 'policies', folder, n, `${n}.yaml`), 'utf8'));
  assert.equal(documents.length, 1);
  return obj(documents[0]!.value);
}

function renderError(values: Record<string, unknown>, opts: RenderOptions = {}): string {
  try {
    renderChart(values, { includeCrds: false, ...opts });
  } catch (err) {
    assert.ok(err instanceof ChartRenderError, String(err));
    return err.stderr;
  }
  assert.fail(`helm accepted ${JSON.stringify(values)} ${JSON.stringify(opts)}`);
}

test('packaging: helm lint --strict is clean, with the defaults and with the announcement values', () => {
  for (const [values, set] of [
    [{}, []],
    [{}, ['podSecurityStandard=restricted', 'validationFailureAction=enforce']],
    [{ includeOtherPolicies: ['*'], admissionController: { replicas: 3, serviceMonitor: { enabled: true } } }, []],
  ] as const) {
    const r = lintChart(values, { set });
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    assert.doesNotMatch(r.output, /\[(INFO|WARNING|ERROR)\]/, r.output);
  }
});

test('packaging: the chart version follows the package version', () => {
  const chart = obj(parseYamlStream(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')).documents[0]?.value);
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(chart['name'], 'kyverno');
  assert.equal(chart['version'], pkg.version);
  assert.equal(chart['appVersion'], pkg.version);
  assert.equal(VERSION, pkg.version);
});

test('packaging: the announcement install (--set podSecurityStandard=restricted --set validationFailureAction=enforce) enforces every announced policy', () => {
  const objects = render({}, { set: ['podSecurityStandard=restricted', 'validationFailureAction=enforce'] });
  const installed = new Map(policies(objects).map((p) => [name(p), p]));
  for (const [announced, lib] of ANNOUNCEMENT) {
    const p = installed.get(lib);
    assert.ok(p, `${announced} (library: ${lib}) is installed`);
    assert.equal(actionOf(p), 'Enforce', `${lib} enforces`);
  }
  // the whole restricted profile: every baseline and restricted policy of the library, all enforced
  assert.deepEqual(policyNames(objects), [...BASELINE, ...RESTRICTED].sort());
  for (const p of policies(objects)) assert.equal(actionOf(p), 'Enforce', name(p));
});

test('packaging: values files take Enforce and enforce alike', () => {
  for (const action of ['Enforce', 'enforce']) {
    const objects = render({ podSecurityStandard: 'restricted', validationFailureAction: action });
    assert.equal(policies(objects).length, BASELINE.length + RESTRICTED.length);
    assert.deepEqual([...new Set(policies(objects).map(actionOf))], ['Enforce']);
  }
  const audit = render({ podSecurityStandard: 'restricted', validationFailureAction: 'audit' });
  assert.deepEqual([...new Set(policies(audit).map(actionOf))], ['Audit']);
});

test('packaging: the defaults install the baseline profile in Audit, and nothing else', () => {
  const objects = render();
  assert.deepEqual(policyNames(objects), BASELINE);
  for (const p of policies(objects)) assert.equal(actionOf(p), 'Audit', name(p));
});

test('packaging: an installed policy is the library file, changed only where the values say', () => {
  const objects = render({ validationFailureAction: 'Enforce', includeOtherPolicies: ['*'], podSecurityStandard: 'restricted' });
  assert.equal(policies(objects).length, BASELINE.length + RESTRICTED.length + BEST_PRACTICES.length);
  for (const p of policies(objects)) {
    const want = sourcePolicy(name(p));
    obj(want['spec'])['validationFailureAction'] = 'Enforce';
    const got = structuredClone(p);
    const meta = obj(got['metadata']);
    const labels = obj(meta['labels']);
    assert.equal(labels['app.kubernetes.io/instance'], 'kyverno');
    assert.equal(labels['app.kubernetes.io/managed-by'], 'Helm');
    delete meta['labels'];
    assert.deepEqual(got, want, name(p));
  }
});

test('packaging: privileged installs no policy; custom installs exactly the named ones', () => {
  assert.deepEqual(policyNames(render({ podSecurityStandard: 'privileged' })), []);
  assert.deepEqual(policyNames(render({ podSecurityStandard: 'privileged', validationFailureAction: 'Enforce' })), []);
  const custom = render({ podSecurityStandard: 'custom', podSecurityPolicies: ['disallow-host-path', 'deny-privilege-escalation'] });
  assert.deepEqual(policyNames(custom), ['deny-privilege-escalation', 'disallow-host-path']);
  assert.deepEqual(policyNames(render({ podSecurityStandard: 'custom' })), []);
  const plus = render({ includeRestrictedPolicies: ['deny-privilege-escalation'] });
  assert.deepEqual(policyNames(plus), [...BASELINE, 'deny-privilege-escalation'].sort());
});

test('packaging: includeOtherPolicies adds best-practice policies by name, or all of them with *', () => {
  const some = render({ includeOtherPolicies: ['require-labels', 'disallow-latest-tag'], validationFailureAction: 'Enforce' });
  assert.deepEqual(policyNames(some), [...BASELINE, 'disallow-latest-tag', 'require-labels'].sort());
  for (const p of policies(some)) assert.equal(actionOf(p), 'Enforce');
  assert.deepEqual(policyNames(render({ podSecurityStandard: 'privileged', includeOtherPolicies: ['*'] })), BEST_PRACTICES);
});

test('packaging: per-policy action, severity and background', () => {
  const objects = render({
    podSecurityStandard: 'restricted',
    validationFailureAction: 'Enforce',
    validationFailureActionByPolicy: { 'disallow-host-path': 'audit' },
    podSecuritySeverity: 'high',
    podSecuritySeverityByPolicy: { 'restrict-sysctls': 'low' },
    includeOtherPolicies: ['require-labels'],
    background: false,
  });
  for (const p of policies(objects)) {
    const n = name(p);
    assert.equal(actionOf(p), n === 'disallow-host-path' ? 'Audit' : 'Enforce', n);
    const severity = obj(obj(p['metadata'])['annotations'])['policies.kyverno.io/severity'];
    const want = n === 'restrict-sysctls' ? 'low' : n === 'require-labels' ? str(obj(obj(sourcePolicy(n)['metadata'])['annotations'])['policies.kyverno.io/severity']) : 'high';
    assert.equal(severity, want, n);
    assert.equal(obj(p['spec'])['background'], false, n);
  }
  // without podSecuritySeverity every policy keeps its own severity
  for (const p of policies(render())) {
    const own = obj(obj(sourcePolicy(name(p))['metadata'])['annotations'])['policies.kyverno.io/severity'];
    assert.equal(obj(obj(p['metadata'])['annotations'])['policies.kyverno.io/severity'], own);
  }
});

test('packaging: policyExclude adds exclude blocks per policy (every rule) and per rule', () => {
  const byPolicy = { any: [{ resources: { kinds: ['Pod'], namespaces: ['fluent'] } }] };
  const byRule = { any: [{ resources: { namespaces: ['monitoring'] } }] };
  const hostPorts = sourcePolicy('disallow-host-ports');
  const ruleName = str(rulesOf(hostPorts)[0]!['name']);
  const objects = render({ podSecurityStandard: 'restricted', policyExclude: { 'require-non-root-groups': byPolicy, [ruleName]: byRule } });
  const groups = one(objects, 'ClusterPolicy', 'require-non-root-groups');
  assert.ok(rulesOf(groups).length > 1);
  for (const r of rulesOf(groups)) assert.deepEqual(r['exclude'], byPolicy, str(r['name']));
  for (const r of rulesOf(one(objects, 'ClusterPolicy', 'disallow-host-ports'))) {
    if (r['name'] === ruleName) assert.deepEqual(r['exclude'], byRule);
    else assert.equal(r['exclude'], undefined);
  }
  for (const p of policies(objects)) {
    if (['require-non-root-groups', 'disallow-host-ports'].includes(name(p))) continue;
    for (const r of rulesOf(p)) assert.equal(r['exclude'], undefined, `${name(p)}/${str(r['name'])}`);
  }
});

test('packaging: values that name no policy, or an unknown mode, are refused with a clear message', () => {
  const cases: Array<[Record<string, unknown>, RegExp, RenderOptions?]> = [
    [{}, /validationFailureAction.*'Audit', 'Enforce', 'audit', 'enforce'/, { set: ['validationFailureAction=block'] }],
    [{ podSecurityStandard: 'strict' }, /podSecurityStandard/],
    [{ podSecurityStandard: 'custom', podSecurityPolicies: ['no-such-policy'] }, /podSecurityPolicies: "no-such-policy" is not a pod-security policy/],
    [{ includeOtherPolicies: ['disallow-host-path'] }, /includeOtherPolicies: "disallow-host-path" is not a best-practice policy/],
    [{ includeRestrictedPolicies: ['disallow-host-path'] }, /includeRestrictedPolicies: "disallow-host-path" is not a restricted policy/],
    [{ policyExclude: { 'no-such-rule': { any: [] } } }, /policyExclude: "no-such-rule" is neither a policy nor a rule/],
    [{ validationFailureActionByPolicy: { 'no-such-policy': 'Audit' } }, /validationFailureActionByPolicy: "no-such-policy"/],
    [{ admissionController: { replicas: 0 } }, /replicas/],
    [{ mode: 'standalone' }, /additional properties 'mode' not allowed/],
    [{}, /own namespace, not kube-system/, { namespace: 'kube-system' }],
  ];
  for (const [values, want, opts] of cases) assert.match(renderError(values, opts), want, JSON.stringify(values));
});

test('packaging: NOTES say which profile was installed and in which mode', () => {
  const restricted = renderNotes({}, { set: ['podSecurityStandard=restricted', 'validationFailureAction=enforce'] });
  assert.match(restricted, /^We have installed the "restricted" profile of Pod Security Standards and set them in Enforce mode\.$/m);
  assert.match(restricted, new RegExp(`^Installed policies \\(${BASELINE.length + RESTRICTED.length}\\):$`, 'm'));
  for (const n of [...BASELINE, ...RESTRICTED]) assert.match(restricted, new RegExp(`^  - ${n} \\(Enforce\\)$`, 'm'));
  assert.match(restricted, /kubectl get cpol/);
  assert.match(restricted, /not highly available/);

  assert.match(restricted, /^Components: admission-controller \(1\), background-controller \(1\), reports-controller \(1\), cleanup-controller \(1\) \(replicas in parentheses\)\.$/m);
  const defaults = renderNotes();
  assert.match(defaults, /^We have installed the "baseline" profile of Pod Security Standards and set them in Audit mode\.$/m);
  assert.match(defaults, new RegExp(`^Installed policies \\(${BASELINE.length}\\):$`, 'm'));
  assert.doesNotMatch(defaults, /deny-privilege-escalation/);

  const privileged = renderNotes({ podSecurityStandard: 'privileged' });
  assert.match(privileged, /"privileged" profile of Pod Security Standards was selected: no pod-security policy is installed/);
  assert.doesNotMatch(privileged, /Installed policies/);

  const custom = renderNotes({ podSecurityStandard: 'custom', podSecurityPolicies: ['disallow-host-path', 'restrict-volume-types'], validationFailureAction: 'Enforce' });
  assert.match(custom, /^We have installed a custom set of 2 Pod Security Standards policies and set them in Enforce mode\.$/m);
  assert.match(custom, /^  - restrict-volume-types \(Enforce\)$/m);

  const mixed = renderNotes({ validationFailureAction: 'Enforce', validationFailureActionByPolicy: { 'disallow-host-path': 'Audit' }, includeOtherPolicies: ['require-labels'], admissionController: { replicas: 3 } });
  assert.match(mixed, /^  - disallow-host-path \(Audit\)$/m);
  assert.match(mixed, /^  - restrict-sysctls \(Enforce\)$/m);
  assert.match(mixed, /^We have also installed 1 best-practice policy in Enforce mode\.$/m);
  assert.doesNotMatch(mixed, /not highly available/);
  assert.match(renderNotes({ reportsController: { replicas: 2 }, cleanupController: { enabled: false } }), /^Components: admission-controller \(1\), background-controller \(1\), reports-controller \(2\) \(replicas/m);
});

test('packaging: the CRDs are those of config/crds and come first', () => {
  const objects = renderChart({}, { createNamespace: true });
  assert.equal(objects[0]?.['kind'], 'Namespace');
  const crds = ofKind(objects, 'CustomResourceDefinition');
  const files = readdirSync(join(repoRoot, 'config', 'crds')).filter((f) => f.endsWith('.yaml'));
  assert.equal(crds.length, files.length);
  const firstOther = objects.findIndex((o, i) => i > 0 && o['kind'] !== 'CustomResourceDefinition');
  assert.equal(firstOther, crds.length + 1, 'CRDs right after the namespace');
  assert.ok(crds.some((c) => name(c) === 'clusterpolicies.kyverno.io'));
});

test('packaging: the components are wired together', () => {
  const objects = render({}, { releaseName: 'acme', namespace: 'policy-system' });
  const deploy = deploymentOf(objects, 'admission-controller');
  assert.equal(name(deploy), 'acme-kyverno-admission-controller');
  const podTemplate = obj(obj(deploy['spec'])['template']);
  const podLabels = obj(obj(podTemplate['metadata'])['labels']);
  const pod = obj(podTemplate['spec']);
  const container = obj((pod['containers'] as JsonValue[])[0]);
  const selectorMatches = (sel: JsonObject): void => {
    for (const [k, v] of Object.entries(sel)) assert.equal(podLabels[k], v, `selector ${k}`);
  };
  selectorMatches(obj(obj(obj(deploy['spec'])['selector'])['matchLabels']));
  // every Service selects the pods of one Deployment and targets a named port of its container
  for (const svc of ofKind(objects, 'Service')) {
    const sel = obj(obj(svc['spec'])['selector']);
    const selects = (d: JsonObject): boolean => {
      const labels = obj(obj(obj(obj(d['spec'])['template'])['metadata'])['labels']);
      return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
    };
    const targets = ofKind(objects, 'Deployment').filter(selects);
    assert.equal(targets.length, 1, `${name(svc)} selects the pods of one Deployment`);
    const ports = ((containerOf(targets[0]!)['ports'] as JsonValue[]) ?? []).map(obj);
    for (const p of ((obj(svc['spec'])['ports'] as JsonValue[]) ?? []).map(obj)) {
      assert.ok(ports.some((cp) => cp['name'] === p['targetPort']), `${name(svc)} targets ${str(p['targetPort'])}`);
    }
  }
  assert.deepEqual(
    ofKind(objects, 'Service').map(name).sort(),
    ['acme-kyverno-background-controller-metrics', 'acme-kyverno-cleanup-controller-metrics', 'acme-kyverno-reports-controller-metrics', 'acme-kyverno-svc', 'acme-kyverno-svc-metrics'],
  );
  const webhookSvc = one(objects, 'Service', 'acme-kyverno-svc');
  assert.equal(obj((obj(webhookSvc['spec'])['ports'] as JsonValue[])[0])['port'], 443);
  // the ServiceAccount, ConfigMap and Service the pod refers to exist under those names
  assert.equal(name(one(objects, 'ServiceAccount', str(pod['serviceAccountName']))), 'acme-kyverno-admission-controller');
  const env = new Map(((container['env'] as JsonValue[]) ?? []).map(obj).map((e) => [str(e['name']), e]));
  assert.equal(str(env.get('INIT_CONFIG')?.['value']), name(kyvernoConfigMap(objects)));
  assert.equal(str(env.get('KYVERNO_SVC')?.['value']), name(webhookSvc));
  assert.equal(str(env.get('KYVERNO_DEPLOYMENT')?.['value']), name(deploy));
  // the controllers: named after the release, except the background controller's ServiceAccount, which
  // `kyverno serve` recognises by Kyverno's name to skip the background controller's own requests
  for (const c of CONTROLLERS) {
    const d = deploymentOf(objects, c);
    assert.equal(name(d), `acme-kyverno-${c}`);
    const sa = str(podSpecOf(d)['serviceAccountName']);
    assert.equal(sa, c === 'background-controller' ? 'kyverno-background-controller' : `acme-kyverno-${c}`);
    assert.equal(name(one(objects, 'ServiceAccount', sa)), sa);
    assert.deepEqual(obj(one(objects, 'ClusterRoleBinding', `acme-kyverno:${c}`))['subjects'], [{ kind: 'ServiceAccount', name: sa, namespace: 'policy-system' }]);
  }
  for (const o of objects) {
    if (['ClusterRole', 'ClusterRoleBinding', 'ClusterPolicy'].includes(str(o['kind']))) continue;
    assert.equal(obj(o['metadata'])['namespace'], 'policy-system', `${str(o['kind'])} ${name(o)} is in the release namespace`);
  }
});

test('packaging: the container runs `kyverno serve` with flags the serve command accepts', () => {
  const objects = render({ features: { policyExceptions: { enabled: true, namespace: 'exceptions' } }, admissionController: { extraArgs: ['--dumpPayload=true'] } });
  const container = containerOf(deploymentOf(objects, 'admission-controller'));
  const args = (container['args'] as JsonValue[]).map(String);
  assert.equal(args[0], 'serve');
  assert.ok(!args.includes('--standalone'), 'in-cluster mode');
  const program = new Command('kyverno').exitOverride();
  registerServeCommand(program);
  const serve = program.commands.find((c) => c.name() === 'serve');
  assert.ok(serve);
  const parsed = serve.parseOptions(args.slice(1));
  assert.deepEqual(parsed.unknown, [], 'every flag is a serve flag');
  assert.deepEqual(parsed.operands, []);
  const o = serve.opts();
  assert.deepEqual(parseListen(String(o['listen'])), { host: '0.0.0.0', port: 9443 });
  assert.deepEqual(parseListen(String(o['metricsListen'])), { host: '0.0.0.0', port: 8000 });
  assert.equal(o['serviceName'], 'kyverno-svc');
  assert.equal(o['kyvernoNamespace'], 'kyverno');
  assert.equal(o['enablePolicyException'], true);
  assert.equal(o['exceptionNamespace'], 'exceptions');
  assert.equal(o['webhookTimeout'], 10);
  assert.equal(o['dumpPayload'], true);
  const ports = ((container['ports'] as JsonValue[]) ?? []).map(obj);
  assert.deepEqual(ports.map((p) => [p['name'], p['containerPort']]), [['https', 9443], ['metrics', 8000]]);
});

test('packaging: the ConfigMap is read by the configuration parser without problems', () => {
  const cm = one(render(), 'ConfigMap', 'kyverno');
  const data = obj(cm['data']) as Record<string, string>;
  const cfg = parseKyvernoConfig(data);
  assert.deepEqual(cfg.problems, []);
  const pod = { group: '', version: 'v1', kind: 'Pod' };
  for (const ns of ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno']) assert.equal(cfg.toFilter(pod, '', ns, 'p'), true, ns);
  assert.equal(cfg.toFilter(pod, '', 'default', 'p'), false);
  assert.equal(cfg.toFilter({ group: '', version: 'v1', kind: 'Event' }, '', 'default', 'e'), true);
  assert.equal(cfg.toFilter({ group: '', version: 'v1', kind: 'Namespace' }, '', '', 'kube-system'), true);
  assert.equal(cfg.isExcluded('system:node:n1', ['system:nodes'], null, null), true);
  assert.equal(cfg.isExcluded('alice', ['devs'], null, null), false);
  assert.deepEqual(cfg.webhook.namespaceSelector, {
    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno'] }],
  });
  assert.deepEqual(cfg.webhookAnnotations, { 'admissions.enforcer/disabled': 'true' });
  // the release namespace can be let through, and the namespace list replaced
  const open = parseKyvernoConfig(obj(kyvernoConfigMap(render({ config: { excludeKyvernoNamespace: false, excludedNamespaces: ['kube-system'] } }))['data']) as Record<string, string>);
  assert.equal(open.toFilter(pod, '', 'kyverno', 'p'), false);
  assert.equal(open.toFilter(pod, '', 'kube-public', 'p'), false);
  assert.equal(open.toFilter(pod, '', 'kube-system', 'p'), true);
});

test('packaging: RBAC is least privilege, per component', () => {
  const objects = render();
  const clusterRules = ofKind(objects, 'ClusterRole').flatMap(rulesOfRole);
  const roleRules = ofKind(objects, 'Role').flatMap(rulesOfRole);
  assert.ok(clusterRules.length > 0 && roleRules.length > 0);
  for (const rule of [...clusterRules, ...roleRules]) {
    const all = [...strings(rule['apiGroups']), ...strings(rule['resources']), ...strings(rule['verbs'])];
    assert.ok(!all.some((x) => x.includes('*')), `no wildcard: ${JSON.stringify(rule)}`);
    for (const v of strings(rule['verbs'])) assert.ok(!['escalate', 'bind', 'impersonate'].includes(v), `no ${v}`);
  }
  for (const rule of clusterRules) {
    for (const r of strings(rule['resources'])) assert.ok(!['secrets', 'pods/exec', 'serviceaccounts/token', 'leases'].includes(r), `cluster-wide ${r}`);
  }
  /** Whether a component's (Cluster)Roles grant `verb` on `group/resource` (cluster-wide, or in the release namespace). */
  const grants = (component: Component, scope: 'ClusterRole' | 'Role', group: string, resource: string, verb: string): boolean =>
    ofComponent(objects, component, scope)
      .flatMap(rulesOfRole)
      .some((r) => strings(r['apiGroups']).includes(group) && strings(r['resources']).includes(resource) && strings(r['verbs']).includes(verb));
  for (const component of COMPONENTS) {
    const sa = ofComponent(objects, component, 'ServiceAccount');
    assert.equal(sa.length, 1, `${component}: one ServiceAccount`);
    const subject = { kind: 'ServiceAccount', name: name(sa[0]!), namespace: 'kyverno' };
    assert.equal(name(sa[0]!), `kyverno-${component}`);
    assert.equal(podSpecOf(deploymentOf(objects, component))['serviceAccountName'], name(sa[0]!));
    // the aggregated ClusterRole collects the core rules through its label, and is bound to the ServiceAccount
    const aggregated = one(objects, 'ClusterRole', `kyverno:${component}`);
    const selector = obj(((obj(aggregated['aggregationRule'])['clusterRoleSelectors'] as JsonValue[]) ?? []).map(obj)[0]);
    assert.deepEqual(selector['matchLabels'], { [`rbac.kyverno.io/aggregate-to-${component}`]: 'true' });
    const core = one(objects, 'ClusterRole', `kyverno:${component}:core`);
    for (const [k, v] of Object.entries(obj(selector['matchLabels']))) assert.equal(labelsOf(core)[k], v, `${component}: core rules aggregated`);
    // and, as Kyverno's chart, every ClusterRole carrying the component's selector labels (chainsaw tests grant that way)
    const selectors = ((obj(aggregated['aggregationRule'])['clusterRoleSelectors'] as JsonValue[]) ?? []).map(obj);
    assert.deepEqual(selectors[1]?.['matchLabels'], { 'app.kubernetes.io/component': component, 'app.kubernetes.io/instance': 'kyverno', 'app.kubernetes.io/part-of': 'kyverno' });
    const crb = one(objects, 'ClusterRoleBinding', `kyverno:${component}`);
    assert.deepEqual(crb['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `kyverno:${component}` });
    assert.deepEqual(crb['subjects'], [subject]);
    const rb = one(objects, 'RoleBinding', `kyverno:${component}`);
    assert.deepEqual(rb['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `kyverno:${component}` });
    assert.deepEqual(rb['subjects'], [subject]);
    // every binding of the chart grants to a ServiceAccount of the chart, in the release namespace
    for (const b of [...ofComponent(objects, component, 'ClusterRoleBinding'), ...ofComponent(objects, component, 'RoleBinding')]) assert.deepEqual(b['subjects'], [subject], name(b));
    // each component reads the policies it evaluates
    assert.ok(grants(component, 'ClusterRole', 'kyverno.io', 'clusterpolicies', 'watch'), `${component} watches ClusterPolicies`);
  }
  // Secrets: the admission controller only (its TLS material), in the release namespace only
  assert.ok(grants('admission-controller', 'Role', '', 'secrets', 'get'));
  for (const c of CONTROLLERS) assert.ok(!ofComponent(objects, c).flatMap(rulesOfRole).some((r) => strings(r['resources']).includes('secrets')), `${c}: no Secrets`);
  // what only one of the controllers does (the admission controller's rules are its own)
  const only = (component: Component, scope: 'ClusterRole' | 'Role', group: string, resource: string, verb: string): void => {
    for (const c of CONTROLLERS) assert.equal(grants(c, scope, group, resource, verb), c === component, `${group}/${resource} ${verb}: only ${component} (${c})`);
  };
  only('background-controller', 'Role', 'kyverno.io', 'updaterequests', 'watch');
  only('background-controller', 'ClusterRole', 'reports.kyverno.io', 'ephemeralreports', 'create');
  only('reports-controller', 'ClusterRole', 'wgpolicyk8s.io', 'policyreports', 'create');
  only('reports-controller', 'ClusterRole', 'reports.kyverno.io', 'ephemeralreports', 'delete');
  only('cleanup-controller', 'ClusterRole', 'kyverno.io', 'clustercleanuppolicies', 'watch');
  only('cleanup-controller', 'ClusterRole', 'kyverno.io', 'cleanuppolicies/status', 'update');
  // policy status is written by `kyverno serve` alone
  for (const c of COMPONENTS) assert.equal(grants(c, 'ClusterRole', 'kyverno.io', 'clusterpolicies/status', 'update'), c === 'admission-controller', c);
  // the webhook configurations: written by the admission controller, suspended by the watchdog of the background controller
  for (const c of COMPONENTS) assert.equal(grants(c, 'ClusterRole', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations', 'update'), ['admission-controller', 'background-controller'].includes(c), c);
  assert.ok(!grants('background-controller', 'ClusterRole', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations', 'create'));
  // read access for scans and triggers: Kubernetes' view ClusterRole for the background and reports controllers
  for (const c of CONTROLLERS) {
    const view = ofComponent(objects, c, 'ClusterRoleBinding').filter((b) => obj(b['roleRef'])['name'] === 'view');
    assert.equal(view.length, c === 'cleanup-controller' ? 0 : 1, `${c}: view binding`);
  }
  // the admission controller too: synchronized generate rules need it to list and get what they generate
  assert.equal(ofComponent(objects, 'admission-controller', 'ClusterRoleBinding').filter((b) => obj(b['roleRef'])['name'] === 'view').length, 1);
  const noView = render({ backgroundController: { rbac: { createViewRoleBinding: false } } });
  assert.equal(ofComponent(noView, 'background-controller', 'ClusterRoleBinding').length, 1);
  // openreports: the reports controller writes openreports.io Reports instead
  const open = render({ reportsController: { openreports: { enabled: true } } });
  const openRules = ofComponent(open, 'reports-controller', 'ClusterRole').flatMap(rulesOfRole);
  assert.ok(openRules.some((r) => strings(r['apiGroups']).includes('openreports.io') && strings(r['verbs']).includes('create')));
  assert.ok(!openRules.some((r) => strings(r['apiGroups']).includes('wgpolicyk8s.io')));
  assert.equal(controllersOptions(argsOf(deploymentOf(open, 'reports-controller')))['openreportsEnabled'], true);
  // extra rules go to the core ClusterRole
  const extra = { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'update'] };
  const withExtra = render({ backgroundController: { rbac: { coreClusterRole: { extraResources: [extra] } } } });
  assert.ok(rulesOfRole(one(withExtra, 'ClusterRole', 'kyverno:background-controller:core')).some((r) => JSON.stringify(r) === JSON.stringify(extra)));
  // or to a ClusterRole of their own, aggregated through the component's selector labels (Kyverno's rbac.clusterRole.extraResources)
  for (const [key, component] of [['admissionController', 'admission-controller'], ['backgroundController', 'background-controller'], ['cleanupController', 'cleanup-controller']] as const) {
    const additional = one(render({ [key]: { rbac: { clusterRole: { extraResources: [extra] } } } }), 'ClusterRole', `kyverno:${component}:additional`);
    assert.deepEqual(rulesOfRole(additional), [extra]);
    assert.equal(labelsOf(additional)['app.kubernetes.io/component'], component);
  }
});

test('packaging: each controller runs `kyverno controllers` with its groups, its Leases and probes the process serves', () => {
  const objects = render({ features: { policyExceptions: { enabled: true, namespace: 'exceptions' } }, reportsController: { backgroundScanInterval: '30m', extraArgs: ['--scanDelay=2s'] } });
  const want: Record<(typeof CONTROLLERS)[number], { groups: ControllerGroup[]; extraLeases: string[] }> = {
    'background-controller': { groups: ['background', 'status'], extraLeases: [HEALTH_LEASE] },
    'reports-controller': { groups: ['reports'], extraLeases: [] },
    'cleanup-controller': { groups: ['cleanup'], extraLeases: [] },
  };
  for (const c of CONTROLLERS) {
    const deploy = deploymentOf(objects, c);
    assert.equal(name(deploy), `kyverno-${c}`);
    const o = controllersOptions(argsOf(deploy));
    assert.deepEqual(o['controllers'], want[c].groups, c);
    assert.equal(o['kyvernoNamespace'], 'kyverno');
    assert.equal(o['leaderElection'], true, `${c}: leader election on`);
    assert.equal(o['enablePolicyException'], c === 'cleanup-controller' ? false : true, c);
    if (c !== 'cleanup-controller') assert.equal(o['exceptionNamespace'], 'exceptions', c);
    // the probes hit the port and paths `--health-listen` serves
    const container = containerOf(deploy);
    const healthPort = parseListen(String(o['healthListen'])).port;
    const ports = ((container['ports'] as JsonValue[]) ?? []).map(obj);
    const named = (portName: JsonValue | undefined): JsonValue | undefined => ports.find((p) => p['name'] === portName)?.['containerPort'];
    for (const [probe, path] of [['startupProbe', LIVENESS_PATH], ['livenessProbe', LIVENESS_PATH], ['readinessProbe', READINESS_PATH]] as const) {
      const get = obj(obj(container[probe])['httpGet']);
      assert.equal(get['path'], path, `${c} ${probe}`);
      assert.equal(get['scheme'] ?? 'HTTP', 'HTTP', `${c} ${probe}: plain HTTP`);
      assert.equal(named(get['port']), healthPort, `${c} ${probe} port`);
    }
    // the leader election identity is the Pod's name, the ConfigMap is the chart's
    const env = new Map(((container['env'] as JsonValue[]) ?? []).map(obj).map((e) => [str(e['name']), e]));
    assert.equal(obj(obj(env.get('POD_NAME')?.['valueFrom'])['fieldRef'])['fieldPath'], 'metadata.name');
    assert.equal(str(env.get('INIT_CONFIG')?.['value']), name(kyvernoConfigMap(objects)));
    // the Role lets it create Leases, and read and renew only its groups' own ones
    const leaseRules = ofComponent(objects, c, 'Role').flatMap(rulesOfRole).filter((r) => strings(r['resources']).includes('leases'));
    const named_ = leaseRules.filter((r) => r['resourceNames'] !== undefined);
    assert.ok(leaseRules.some((r) => r['resourceNames'] === undefined && JSON.stringify(r['verbs']) === '["create"]'), `${c}: create Leases`);
    assert.deepEqual(named_.flatMap((r) => strings(r['resourceNames'])).sort(), [...want[c].groups.map((g) => GROUP_LEASES[g]), ...want[c].extraLeases].sort(), `${c}: its Leases`);
    for (const r of named_) assert.deepEqual(strings(r['verbs']).sort(), ['get', 'update']);
    // the labels Kyverno's chart puts on each component
    for (const x of ofComponent(objects, c)) {
      assert.equal(labelsOf(x)['app.kubernetes.io/instance'], 'kyverno', `${c} ${name(x)}`);
      assert.equal(labelsOf(x)['app.kubernetes.io/part-of'], 'kyverno', `${c} ${name(x)}`);
    }
    assert.deepEqual(obj(obj(deploy['spec'])['selector'])['matchLabels'], { 'app.kubernetes.io/component': c, 'app.kubernetes.io/instance': 'kyverno', 'app.kubernetes.io/part-of': 'kyverno' });
  }
  // policy status stays with `kyverno serve`; the background controller's status group runs only the watchdog
  const bg = controllersOptions(argsOf(deploymentOf(objects, 'background-controller')));
  assert.equal(bg['policyStatus'], false);
  assert.equal(bg['watchdog'], true);
  assert.equal(bg['genWorkers'], 10);
  const reports = controllersOptions(argsOf(deploymentOf(objects, 'reports-controller')));
  assert.equal(reports['backgroundScanInterval'], '30m');
  assert.equal(reports['scanDelay'], '2s');
  // without the watchdog the background controller runs the background group alone
  const noWatchdog = render({ backgroundController: { watchdog: { enabled: false } } });
  const nw = controllersOptions(argsOf(deploymentOf(noWatchdog, 'background-controller')));
  assert.deepEqual(nw['controllers'], ['background']);
  assert.equal(nw['watchdog'], false);
  assert.ok(!ofComponent(noWatchdog, 'background-controller', 'ClusterRole').flatMap(rulesOfRole).some((r) => strings(r['apiGroups']).includes('admissionregistration.k8s.io')));
});

test('packaging: each controller serves metrics: --metricsPort, its metrics port, a metrics Service (and ServiceMonitor) as Kyverno names them, the kyverno-metrics ConfigMap', () => {
  type Want = { port?: number; servicePort?: number; service: boolean; monitor: boolean; type?: string; nodePort?: number; metricsConfig: string; configMap: boolean };
  const cases: Array<{ name: string; values: (key: string) => Record<string, unknown>; want: Want }> = [
    { name: 'defaults', values: () => ({}), want: { port: 8000, servicePort: 8000, service: true, monitor: false, metricsConfig: 'kyverno-metrics', configMap: true } },
    {
      name: 'other ports, a NodePort Service and a ServiceMonitor',
      values: (key) => ({ [key]: { metering: { port: 9090 }, metricsService: { port: 8080, type: 'NodePort', nodePort: 30090 }, serviceMonitor: { enabled: true, additionalLabels: { release: 'prom' } } } }),
      want: { port: 9090, servicePort: 8080, service: true, monitor: true, type: 'NodePort', nodePort: 30090, metricsConfig: 'kyverno-metrics', configMap: true },
    },
    { name: 'no Service', values: (key) => ({ [key]: { metricsService: { create: false } } }), want: { port: 8000, service: false, monitor: false, metricsConfig: 'kyverno-metrics', configMap: true } },
    { name: 'metrics off', values: (key) => ({ [key]: { metering: { disabled: true } } }), want: { service: false, monitor: false, metricsConfig: 'kyverno-metrics', configMap: true } },
    {
      name: 'a ConfigMap of the user',
      values: () => ({ metricsConfig: { create: false, name: 'my-metrics' } }),
      want: { port: 8000, servicePort: 8000, service: true, monitor: false, metricsConfig: 'my-metrics', configMap: false },
    },
  ];
  // the admission controller reads the same ConfigMap (its admission and policy metrics)
  for (const tc of cases.filter((x) => x.name === 'defaults' || x.name.includes('ConfigMap'))) {
    const admission = containerOf(deploymentOf(render(tc.values('admissionController')), 'admission-controller'));
    const env = new Map(((admission['env'] as JsonValue[]) ?? []).map(obj).map((e) => [str(e['name']), e]));
    assert.equal(str(env.get('METRICS_CONFIG')?.['value']), tc.want.metricsConfig, `admission-controller, ${tc.name}`);
  }
  for (const c of CONTROLLERS) {
    const key = c.replace(/-controller$/, 'Controller');
    for (const tc of cases) {
      const what = `${c}, ${tc.name}`;
      const objects = render(tc.values(key));
      const deploy = deploymentOf(objects, c);
      const container = containerOf(deploy);
      const o = controllersOptions(argsOf(deploy));
      const ports = ((container['ports'] as JsonValue[]) ?? []).map(obj);
      const metricsPort = ports.find((p) => p['name'] === 'metrics');
      if (tc.want.port === undefined) {
        assert.equal(o['disableMetrics'], true, what);
        assert.equal(metricsPort, undefined, what);
      } else {
        assert.equal(o['disableMetrics'], false, what);
        assert.equal(o['metricsPort'], tc.want.port, what);
        assert.equal(metricsPort?.['containerPort'], tc.want.port, what);
      }
      const env = new Map(((container['env'] as JsonValue[]) ?? []).map(obj).map((e) => [str(e['name']), e]));
      assert.equal(str(env.get('METRICS_CONFIG')?.['value']), tc.want.metricsConfig, what);
      assert.equal(ofKind(objects, 'ConfigMap').some((x) => name(x) === tc.want.metricsConfig), tc.want.configMap, what);
      // Kyverno's names: <fullname>-<component>-metrics, port metrics-port
      const services = ofKind(objects, 'Service').filter((x) => name(x) === `kyverno-${c}-metrics`);
      assert.equal(services.length, tc.want.service ? 1 : 0, what);
      const svc = services[0];
      if (svc) {
        const spec = obj(svc['spec']);
        assert.deepEqual(spec['selector'], obj(obj(deploy['spec'])['selector'])['matchLabels'], `${what}: selects its Pods`);
        const [p, ...more] = ((spec['ports'] as JsonValue[]) ?? []).map(obj);
        assert.equal(more.length, 0);
        assert.equal(p?.['name'], 'metrics-port', what);
        assert.equal(p?.['port'], tc.want.servicePort, what);
        assert.equal(p?.['targetPort'], 'metrics', what);
        assert.equal(spec['type'], tc.want.type ?? 'ClusterIP', what);
        assert.equal(p?.['nodePort'], tc.want.nodePort, what);
        assert.equal(labelsOf(svc)['app.kubernetes.io/component'], c);
      }
      const monitors = ofKind(objects, 'ServiceMonitor').filter((x) => name(x) === `kyverno-${c}`);
      assert.equal(monitors.length, tc.want.monitor ? 1 : 0, what);
      const sm = monitors[0];
      if (sm && svc) {
        const sel = obj(obj(obj(sm['spec'])['selector'])['matchLabels']);
        for (const [k, v] of Object.entries(sel)) assert.equal(labelsOf(svc)[k], v, `${what}: the ServiceMonitor selects the metrics Service (${k})`);
        assert.ok(!ofKind(objects, 'Service').some((x) => x !== svc && Object.entries(sel).every(([k, v]) => labelsOf(x)[k] === v)), `${what}: and no other Service`);
        assert.equal(obj(((obj(sm['spec'])['endpoints'] as JsonValue[]) ?? [])[0])['port'], 'metrics-port');
        assert.equal(labelsOf(sm)['release'], 'prom');
      }
    }
    // a ServiceMonitor needs the Service
    assert.match(renderError({ [key]: { metricsService: { create: false }, serviceMonitor: { enabled: true } } }), new RegExp(`${key}.serviceMonitor.enabled needs`));
    assert.match(renderError({ [key]: { metering: { disabled: true }, serviceMonitor: { enabled: true } } }), new RegExp(`${key}.serviceMonitor.enabled needs`));
  }
  // the ConfigMap as Kyverno's chart fills it, read by the controllers' parser without problems
  const objects = render();
  const cfg = parseMetricsConfig(obj(one(objects, 'ConfigMap', 'kyverno-metrics')['data']) as Record<string, string>);
  assert.deepEqual(cfg.problems, []);
  assert.deepEqual(cfg.bucketBoundaries, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 25, 30]);
  assert.deepEqual(cfg.namespaces, { include: [], exclude: [] });
  assert.deepEqual(cfg.metricsExposure.get('kyverno_policy_execution_duration_seconds')?.disabledLabelDimensions, ['resource_namespace', 'resource_request_operation']);
  const custom = parseMetricsConfig(
    obj(one(render({ metricsConfig: { namespaces: { exclude: ['kube-system'] }, bucketBoundaries: [0.1, 1], metricsRefreshInterval: '24h', metricsExposure: { kyverno_controller_drop: { enabled: false } } } }), 'ConfigMap', 'kyverno-metrics')['data']) as Record<
      string,
      string
    >,
  );
  assert.deepEqual(custom.problems, []);
  assert.deepEqual(custom.namespaces, { include: [], exclude: ['kube-system'] });
  assert.deepEqual(custom.bucketBoundaries, [0.1, 1]);
  assert.equal(custom.metricsRefreshIntervalMs, 86_400_000);
  assert.equal(custom.metricsExposure.get('kyverno_controller_drop')?.enabled, false);
  assert.match(renderError({ metricsConfig: { create: false } }), /metricsConfig.name is required/);
  // the chart's own metrics objects are resource filters
  const filters = str(obj(kyvernoConfigMap(objects)['data'])['resourceFilters']);
  for (const f of ['[ConfigMap,kyverno,kyverno-metrics]', '[Service,kyverno,kyverno-reports-controller-metrics]', '[ServiceMonitor,kyverno,kyverno-cleanup-controller]']) assert.ok(filters.includes(f), f);
});

test('packaging: a disabled controller leaves nothing behind; images follow the admission controller', () => {
  const all = render();
  for (const c of CONTROLLERS) {
    const key = c.replace(/-controller$/, 'Controller');
    const without = render({ [key]: { enabled: false } });
    assert.deepEqual(ofComponent(without, c), [], `${c} disabled`);
    assert.equal(without.length, all.length - ofComponent(all, c).length);
    // its objects are resource filters of the ConfigMap only while installed
    const filters = (objects: JsonObject[]): string => str(obj(kyvernoConfigMap(objects)['data'])['resourceFilters']);
    assert.match(filters(all), new RegExp(`\\[Deployment,kyverno,kyverno-${c}\\]`));
    assert.doesNotMatch(filters(without), new RegExp(`kyverno-${c}`));
  }
  const image = (objects: JsonObject[], c: Component): JsonValue | undefined => containerOf(deploymentOf(objects, c))['image'];
  for (const c of COMPONENTS) assert.equal(image(all, c), `kyverno-ts:${VERSION}`, c);
  const moved = render({ admissionController: { image: { registry: 'ghcr.io', repository: 'acme/kyverno-ts', tag: '1.2.3' } }, cleanupController: { image: { tag: '1.2.4' } } });
  assert.equal(image(moved, 'reports-controller'), 'ghcr.io/acme/kyverno-ts:1.2.3');
  assert.equal(image(moved, 'cleanup-controller'), 'ghcr.io/acme/kyverno-ts:1.2.4');
});

test('packaging: replicas, PodDisruptionBudgets and ServiceMonitor', () => {
  const replicas = (objects: JsonObject[], c: Component): JsonValue | undefined => obj(deploymentOf(objects, c)['spec'])['replicas'];
  const single = render();
  for (const c of COMPONENTS) assert.equal(replicas(single, c), 1, c);
  assert.equal(ofKind(single, 'PodDisruptionBudget').length, 0);
  assert.equal(ofKind(single, 'ServiceMonitor').length, 0);
  const ha = render({
    admissionController: { replicas: 3, serviceMonitor: { enabled: true, additionalLabels: { release: 'prom' } } },
    backgroundController: { replicas: 2 },
    reportsController: { replicas: 2 },
    cleanupController: { replicas: 2, podDisruptionBudget: { enabled: false } },
  });
  assert.deepEqual(COMPONENTS.map((c) => replicas(ha, c)), [3, 2, 2, 2]);
  for (const c of COMPONENTS) {
    const pdbs = ofComponent(ha, c, 'PodDisruptionBudget');
    assert.equal(pdbs.length, c === 'cleanup-controller' ? 0 : 1, c);
    for (const pdb of pdbs) {
      assert.equal(obj(pdb['spec'])['minAvailable'], 1);
      assert.deepEqual(obj(obj(pdb['spec'])['selector'])['matchLabels'], obj(obj(deploymentOf(ha, c)['spec'])['selector'])['matchLabels'], `${c}: the PDB selects its Pods`);
    }
  }
  const sm = one(ha, 'ServiceMonitor');
  assert.equal(obj(obj(sm['metadata'])['labels'])['release'], 'prom');
  assert.equal(obj(((obj(sm['spec'])['endpoints'] as JsonValue[]) ?? [])[0])['port'], 'metrics');
  // the older replicaCount key still works (for the admission controller)
  assert.equal(replicas(render({}, { set: ['replicaCount=2'] }), 'admission-controller'), 2);
  assert.match(renderError({ reportsController: { replicas: 0 } }), /replicas/);
});

test('packaging: every Pod of the chart passes the restricted profile and every best practice the chart ships', async () => {
  const objects = render({ podSecurityStandard: 'restricted', validationFailureAction: 'Enforce', includeOtherPolicies: ['*'], admissionController: { replicas: 3 }, backgroundController: { replicas: 2 } });
  for (const c of COMPONENTS) {
    const pod = podSpecOf(deploymentOf(objects, c));
    assert.equal(pod['automountServiceAccountToken'], false, c);
    const sc = obj(obj((pod['containers'] as JsonValue[])[0])['securityContext']);
    assert.equal(sc['readOnlyRootFilesystem'], true, c);
    assert.equal(sc['allowPrivilegeEscalation'], false, c);
    assert.deepEqual(obj(sc['capabilities'])['drop'], ['ALL'], c);
  }
  // the rendered policies, applied by the CLI to the rendered objects: no failure
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-chart-apply-'));
  try {
    const policyFile = join(dir, 'policies.yaml');
    const resourceFile = join(dir, 'resources.yaml');
    writeFileSync(policyFile, policies(objects).map((p) => toYaml(p)).join('---\n'));
    writeFileSync(resourceFile, objects.filter((o) => o['kind'] !== 'ClusterPolicy').map((o) => toYaml(o)).join('---\n'));
    let out = '';
    const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s) };
    const code = await main(['node', 'kyverno', 'apply', policyFile, '--resource', resourceFile], io);
    assert.match(out, /fail: 0, warn: 0, error: 0/, out);
    assert.match(out, /pass: [1-9]\d*/, out);
    assert.equal(code, 0, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

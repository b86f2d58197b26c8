import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePsaVersion, PssVersionError } from './api.ts';
import type { Level } from './api.ts';
import type { Check, CheckResult } from './check.ts';
import { DEFAULT_REGISTRY, newRegistry, PssRegistryError, validateChecks } from './registry.ts';
import type { CheckRegistry } from './registry.ts';

const v = (s: string) => {
  const r = parsePsaVersion(s);
  if (r instanceof PssVersionError) throw r;
  return r;
};

/** A check whose revisions report `<id>:<minimum version>` (upstream registry_test.go generateCheck). */
function gen(id: string, level: 'baseline' | 'restricted', versions: string[], overrides?: string[]): Check {
  return {
    id,
    level,
    versions: versions.map((ver) => ({
      minimumVersion: v(ver),
      checkPod: (): CheckResult => ({ allowed: false, forbiddenReason: `${id}:${ver}`, forbiddenDetail: '', errList: null }),
      ...(overrides ? { overrideCheckIDs: overrides } : {}),
    })),
  };
}

function reasons(checks: ReturnType<CheckRegistry['psaChecks']>): string[] {
  return checks.map((c) => c.checkPod({}, {}).forbiddenReason);
}

// Upstream TestCheckRegistry.
const table: Check[] = [
  gen('a', 'baseline', ['v1.0']),
  gen('b', 'baseline', ['v1.10']),
  gen('c', 'baseline', ['v1.0', 'v1.5', 'v1.10']),
  gen('d', 'baseline', ['v1.11', 'v1.15', 'v1.20']),
  gen('e', 'restricted', ['v1.0']),
  gen('f', 'restricted', ['v1.12', 'v1.16', 'v1.21']),
  gen('g', 'restricted', ['v1.10'], ['a']),
  gen('h', 'restricted', ['v1.0'], ['b']),
  {
    id: 'i',
    level: 'restricted',
    versions: [
      { ...gen('i', 'restricted', ['v1.10']).versions[0]!, overrideCheckIDs: ['c'] },
      { ...gen('i', 'restricted', ['v1.21']).versions[0]!, overrideCheckIDs: ['d'] },
    ],
  },
];

const psaCases: Array<[Level, string, string[]]> = [
  ['privileged', 'v1.0', []],
  ['privileged', 'latest', []],
  ['baseline', 'v1.0', ['a:v1.0', 'c:v1.0']],
  ['baseline', 'v1.4', ['a:v1.0', 'c:v1.0']],
  ['baseline', 'v1.5', ['a:v1.0', 'c:v1.5']],
  ['baseline', 'v1.10', ['a:v1.0', 'b:v1.10', 'c:v1.10']],
  ['baseline', 'v1.11', ['a:v1.0', 'b:v1.10', 'c:v1.10', 'd:v1.11']],
  ['baseline', 'latest', ['a:v1.0', 'b:v1.10', 'c:v1.10', 'd:v1.20']],
  ['restricted', 'v1.0', ['a:v1.0', 'c:v1.0', 'e:v1.0', 'h:v1.0']],
  ['restricted', 'v1.4', ['a:v1.0', 'c:v1.0', 'e:v1.0', 'h:v1.0']],
  ['restricted', 'v1.5', ['a:v1.0', 'c:v1.5', 'e:v1.0', 'h:v1.0']],
  ['restricted', 'v1.10', ['e:v1.0', 'g:v1.10', 'h:v1.0', 'i:v1.10']],
  ['restricted', 'v1.11', ['d:v1.11', 'e:v1.0', 'g:v1.10', 'h:v1.0', 'i:v1.10']],
  ['restricted', 'latest', ['c:v1.10', 'e:v1.0', 'f:v1.21', 'g:v1.10', 'h:v1.0', 'i:v1.21']],
  ['restricted', 'v1.10000', ['c:v1.10', 'e:v1.0', 'f:v1.21', 'g:v1.10', 'h:v1.0', 'i:v1.21']],
];

const reg = newRegistry(table);
for (const [level, ver, want] of psaCases) {
  test(`psaChecks ${level}:${ver}`, () => assert.deepEqual(reasons(reg.psaChecks(level, v(ver))), want));
}

test('psaChecks without baseline or restricted checks (upstream NoBaseline / NoRestricted)', () => {
  const onlyRestricted = newRegistry(table.filter((c) => ['e', 'f', 'g', 'h'].includes(c.id)));
  assert.deepEqual(reasons(onlyRestricted.psaChecks('baseline', v('latest'))), []);
  assert.deepEqual(reasons(onlyRestricted.psaChecks('restricted', v('v1.10'))), ['e:v1.0', 'g:v1.10', 'h:v1.0']);
  const onlyBaseline = newRegistry(table.filter((c) => ['a', 'b', 'c', 'd'].includes(c.id)));
  for (const ver of ['v1.0', 'v1.5', 'v1.11', 'latest']) {
    assert.deepEqual(reasons(onlyBaseline.psaChecks('restricted', v(ver))), reasons(onlyBaseline.psaChecks('baseline', v(ver))));
  }
  assert.deepEqual(reasons(newRegistry([]).psaChecks('restricted', v('latest'))), []);
});

// Kyverno's pkg/pss evaluatePSS: registration order, no overrides, first revision when none applies yet,
// every check for any level other than baseline.
const kyvernoCases: Array<[string, string, string[]]> = [
  ['baseline', 'v1.0', ['a:v1.0', 'b:v1.10', 'c:v1.0', 'd:v1.11']],
  ['baseline', 'v1.12', ['a:v1.0', 'b:v1.10', 'c:v1.10', 'd:v1.11']],
  ['restricted', 'v1.0', ['a:v1.0', 'b:v1.10', 'c:v1.0', 'd:v1.11', 'e:v1.0', 'f:v1.12', 'g:v1.10', 'h:v1.0', 'i:v1.10']],
  ['privileged', 'latest', ['a:v1.0', 'b:v1.10', 'c:v1.10', 'd:v1.20', 'e:v1.0', 'f:v1.21', 'g:v1.10', 'h:v1.0', 'i:v1.21']],
  ['restricted', 'v1.10000', ['a:v1.0', 'b:v1.10', 'c:v1.10', 'd:v1.20', 'e:v1.0', 'f:v1.21', 'g:v1.10', 'h:v1.0', 'i:v1.21']],
];
for (const [level, ver, want] of kyvernoCases) {
  test(`kyvernoChecks ${level}:${ver}`, () => assert.deepEqual(reasons(reg.kyvernoChecks(level, v(ver))), want));
}

const invalid: Array<[string, Check[], string]> = [
  ['duplicate IDs', [gen('a', 'baseline', ['v1.0']), gen('a', 'restricted', ['v1.1'])], 'multiple checks registered for ID a'],
  ['bad level', [{ ...gen('a', 'baseline', ['v1.0']), level: 'privileged' as 'baseline' }], 'check a: invalid level privileged'],
  ['no versions', [{ id: 'a', level: 'baseline', versions: [] }], 'check a: empty'],
  ['latest', [gen('a', 'baseline', ['latest'])], "check a: version cannot be 'latest'"],
  ['duplicate version', [gen('a', 'baseline', ['v1.1', 'v1.1'])], 'check a: duplicate version v1.1'],
  ['decreasing versions', [gen('a', 'baseline', ['v1.2', 'v1.1'])], 'check a: versions must be strictly increasing'],
  ['override on baseline', [gen('a', 'baseline', ['v1.0'], ['b'])], 'check a: only restricted checks may set overrides'],
  [
    'override of a restricted check',
    [gen('a', 'restricted', ['v1.0']), gen('b', 'restricted', ['v1.0'], ['a'])],
    'check b: overrides restricted check a',
  ],
];
for (const [name, checks, message] of invalid) {
  test(`validateChecks rejects ${name}`, () => {
    assert.throws(() => validateChecks(checks), (e: unknown) => e instanceof PssRegistryError && e.message === message);
  });
}

test('default registry: newest revision is v1.34 and versions above it are clamped', () => {
  assert.deepEqual(DEFAULT_REGISTRY.maxVersion, v('v1.34'));
  assert.equal(DEFAULT_REGISTRY.kyvernoChecks('baseline', v('v1.99')), DEFAULT_REGISTRY.kyvernoChecks('baseline', v('latest')));
  assert.equal(DEFAULT_REGISTRY.psaChecks('restricted', v('v1.37')), DEFAULT_REGISTRY.psaChecks('restricted', v('v1.34')));
});

test('default registry: check sets per level', () => {
  const ids = (l: readonly { id: string }[]) => l.map((c) => c.id);
  // policy.DefaultChecks() order, as printed by the fork
  const all = [
    'allowPrivilegeEscalation',
    'appArmorProfile',
    'capabilities_baseline',
    'capabilities_restricted',
    'hostNamespaces',
    'hostPathVolumes',
    'hostPorts',
    'hostProbesAndHostLifecycle',
    'privileged',
    'procMount',
    'restrictedVolumes',
    'runAsNonRoot',
    'runAsUser',
    'seLinuxOptions',
    'seccompProfile_baseline',
    'seccompProfile_restricted',
    'sysctls',
    'windowsHostProcess',
  ];
  assert.deepEqual(ids(DEFAULT_REGISTRY.kyvernoChecks('restricted', v('v1.0'))), all);
  assert.deepEqual(ids(DEFAULT_REGISTRY.kyvernoChecks('privileged', v('latest'))), all);
  assert.deepEqual(
    ids(DEFAULT_REGISTRY.kyvernoChecks('baseline', v('latest'))),
    all.filter((id) => !['allowPrivilegeEscalation', 'capabilities_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted'].includes(id)),
  );
  assert.deepEqual(ids(DEFAULT_REGISTRY.psaChecks('baseline', v('v1.33'))), [
    'appArmorProfile',
    'capabilities_baseline',
    'hostNamespaces',
    'hostPathVolumes',
    'hostPorts',
    'privileged',
    'procMount',
    'seLinuxOptions',
    'seccompProfile_baseline',
    'sysctls',
    'windowsHostProcess',
  ]);
  assert.deepEqual(ids(DEFAULT_REGISTRY.psaChecks('restricted', v('v1.21'))), [
    'appArmorProfile',
    'capabilities_baseline',
    'hostNamespaces',
    'hostPorts',
    'privileged',
    'procMount',
    'seLinuxOptions',
    'sysctls',
    'windowsHostProcess',
    'allowPrivilegeEscalation',
    'restrictedVolumes',
    'runAsNonRoot',
    'seccompProfile_restricted',
  ]);
});

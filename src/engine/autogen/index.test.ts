import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { deepCopy, deepEqual, isObject } from '../api/json.ts';
import type { JsonValue } from '../api/json.ts';
import type { KyvernoPolicy, Rule } from '../api/policy.ts';
import {
  AutogenReferenceShiftError,
  canAutoGen,
  computeRules,
  generateRules,
  getAutogenControllers,
  getAutogenKinds,
  getAutogenRuleNames,
} from './index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '..', '..', '..');

/**
 * Go's typed-struct round trip drops omitempty lists that are empty (`exclude: {any: []}` comes back as
 * `exclude: {}`); our JSON model keeps them. Both mean the same to the engine, so compare modulo that.
 */
function goEquivalent(v: JsonValue, parent = ''): JsonValue {
  if (Array.isArray(v)) return v.map((x) => goEquivalent(x, parent));
  if (!isObject(v)) return v;
  const out: Record<string, JsonValue> = {};
  for (const [k, x] of Object.entries(v)) {
    if (Array.isArray(x) && x.length === 0 && !['pattern', 'anyPattern', 'patchStrategicMerge'].includes(parent)) continue;
    out[k] = goEquivalent(x, k);
  }
  return out;
}

interface TableCase {
  name: string;
  policy: KyvernoPolicy;
  canAutoGen: { applyAutoGen: boolean; controllers: string[] };
  want: Record<string, Array<string | JsonValue> | { panic: string }>;
}

// testdata/compute-rules.yaml: expectations produced by Kyverno's own ComputeRules (see the file header).
const table = parse(readFileSync(join(here, 'testdata', 'compute-rules.yaml'), 'utf8')) as TableCase[];

for (const c of table) {
  test(`canAutoGen: ${c.name}`, () => {
    const { applyAutoGen, controllers } = canAutoGen(c.policy.spec);
    assert.deepEqual({ applyAutoGen, controllers: [...controllers].sort() }, c.canAutoGen);
  });
  for (const [kind, want] of Object.entries(c.want)) {
    test(`computeRules: ${c.name} [kind ${JSON.stringify(kind)}]`, () => {
      const policy = c.policy;
      if (!Array.isArray(want)) {
        assert.throws(() => computeRules(policy, kind), AutogenReferenceShiftError);
        return;
      }
      const before = deepCopy(policy);
      const got = computeRules(policy, kind);
      assert.deepEqual(policy, before, 'the policy is not modified');
      assert.deepEqual(
        got.map((r) => r.name),
        want.map((w) => (typeof w === 'string' ? w : (w as { name: string }).name)),
      );
      want.forEach((w, i) => {
        const r = got[i] as Rule;
        if (typeof w === 'string') {
          assert.ok(policy.spec.rules?.includes(r), `rule ${w} is the policy's own rule object`);
        } else {
          assert.deepEqual(goEquivalent(r as unknown as JsonValue), w);
        }
      });
    });
  }
}

function policyOf(rules: unknown[], annotations?: Record<string, string>): KyvernoPolicy {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
    spec: { rules: rules as Rule[] },
  };
}
const podRule = {
  name: 'check',
  match: { any: [{ resources: { kinds: ['Pod'] } }] },
  validate: { pattern: { spec: { containers: [{ image: '!*:latest' }] } } },
};
const ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

test('computeRules is deterministic and returns fresh generated rules', () => {
  const policy = policyOf([podRule]);
  const a = computeRules(policy, '');
  const b = computeRules(policy, '');
  assert.deepEqual(a, b);
  assert.notEqual(a[1], b[1]);
  assert.equal(a[0], policy.spec.rules?.[0]);
});

test('computeRules: annotation order does not matter', () => {
  const x = computeRules(policyOf([podRule], { [ANNOTATION]: 'Job,CronJob,Deployment' }), '');
  const y = computeRules(policyOf([podRule], { [ANNOTATION]: 'Deployment,Job,CronJob' }), '');
  assert.deepEqual(x, y);
  assert.deepEqual(x.map((r) => r.name), ['check', 'autogen-check', 'autogen-cronjob-check']);
});

test('computeRules: policy without spec.rules', () => {
  assert.deepEqual(computeRules({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: {} }, ''), []);
});

// Controllers Kyverno's computeRules works with (actualControllers), per the Go code.
const controllerCases: Array<{ name: string; policy: KyvernoPolicy; want: string[] }> = [
  {
    name: 'default',
    policy: policyOf([podRule]),
    want: ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'ReplicationController', 'StatefulSet'],
  },
  { name: 'annotation list', policy: policyOf([podRule], { [ANNOTATION]: 'Deployment,CronJob' }), want: ['CronJob', 'Deployment'] },
  { name: 'annotation none', policy: policyOf([podRule], { [ANNOTATION]: 'none' }), want: ['none'] },
  { name: 'annotation kept as written', policy: policyOf([podRule], { [ANNOTATION]: 'Job,Job, Foo' }), want: [' Foo', 'Job'] },
  {
    name: 'ineligible policy ignores the annotation',
    policy: policyOf([{ ...podRule, match: { any: [{ resources: { kinds: ['Pod', 'Deployment'] } }] } }], { [ANNOTATION]: 'Job' }),
    want: ['none'],
  },
  { name: 'no Pod rule', policy: policyOf([{ ...podRule, match: { any: [{ resources: { kinds: ['Namespace'] } }] } }]), want: ['none'] },
];
for (const c of controllerCases) {
  test(`getAutogenControllers: ${c.name}`, () => assert.deepEqual(getAutogenControllers(c.policy), c.want));
}

test('generateRules: the autogen-* rules of computeRules(policy, "")', () => {
  const policy = policyOf([podRule, { ...podRule, name: 'other', validate: { deny: {} } }]);
  const rules = generateRules(policy);
  assert.deepEqual(rules.map((r) => r.name), ['autogen-check', 'autogen-cronjob-check', 'autogen-other', 'autogen-cronjob-other']);
  assert.deepEqual(rules, computeRules(policy, '').slice(2));
  assert.deepEqual(generateRules(policyOf([podRule], { [ANNOTATION]: 'none' })), []);
});

test('getAutogenRuleNames and getAutogenKinds', () => {
  const policy = policyOf([podRule], { [ANNOTATION]: 'StatefulSet,CronJob' });
  assert.deepEqual(getAutogenRuleNames(policy), ['check', 'autogen-check', 'autogen-cronjob-check']);
  assert.deepEqual(getAutogenKinds(policy), ['Pod', 'apps/v1/StatefulSet', 'batch/v1/CronJob']);
});

// Kyverno's e2e expectations for the policy status (test/conformance/chainsaw/autogen), read from the shared
// conformance data. In a cluster the CRD defaults skipBackgroundRequests and validate.allowExistingViolations to
// true before autogen runs, and chainsaw asserts are subset matches where an empty object stands for a zero
// Go struct.
const chainsawDir = join(repoRoot, '..', 'shared', 'conformance', 'kyverno-chainsaw', 'autogen');

function withCrdDefaults(policy: KyvernoPolicy): KyvernoPolicy {
  const p = deepCopy(policy);
  for (const r of p.spec.rules ?? []) {
    if (r.skipBackgroundRequests === undefined) r.skipBackgroundRequests = true;
    if (r.validate && r.validate.allowExistingViolations === undefined) r.validate.allowExistingViolations = true;
  }
  return p;
}

function subsetMatch(actual: JsonValue | undefined, expected: JsonValue, path: string): string[] {
  if (isObject(expected)) {
    if (Object.keys(expected).length === 0 && (actual === undefined || isObject(actual))) return [];
    if (!isObject(actual)) return [`${path}: expected an object`];
    return Object.entries(expected).flatMap(([k, v]) => subsetMatch(actual[k], v, `${path}.${k}`));
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: expected ${expected.length} items`];
    return expected.flatMap((v, i) => subsetMatch(actual[i], v, `${path}[${i}]`));
  }
  return deepEqual(actual, expected) ? [] : [`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
}

if (existsSync(chainsawDir)) {
  for (const dir of readdirSync(chainsawDir).sort()) {
    const policyFile = join(chainsawDir, dir, 'policy.yaml');
    const checkFile = join(chainsawDir, dir, 'check-autogen.yaml');
    if (!existsSync(policyFile) || !existsSync(checkFile)) continue;
    test(`chainsaw autogen/${dir}: status.autogen.rules`, () => {
      const policy = withCrdDefaults(parse(readFileSync(policyFile, 'utf8')) as KyvernoPolicy);
      const check = parse(readFileSync(checkFile, 'utf8')) as { status: { autogen: { rules?: JsonValue[] } } };
      const got = generateRules(policy) as unknown as JsonValue[];
      const want = check.status.autogen.rules ?? [];
      assert.deepEqual(subsetMatch(got, want, 'rules'), []);
    });
  }
}

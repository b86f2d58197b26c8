/**
 * Policy validation over the conformance corpora (../shared/conformance, read in place; each part is
 * skipped when its folder is absent): the policy library and the CLI suites (all valid), the chainsaw
 * suites (every policy the CLI loader accepts, and the policies the admission webhook must reject).
 * Expected outcomes were recorded by running Kyverno v1.19.0 (the CLI's loader and
 * policyvalidation.Validate in offline mode; Policy.Validate with cluster-scoped kinds for admission).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { KyvernoPolicy } from '../api/policy.ts';
import { applyPolicyCrdDefaults } from './crd-defaults.ts';
import { formatPolicyError, validatePolicy, type PolicyValidationOptions } from './policy.ts';

const conformance = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'shared', 'conformance');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== '.chainsaw-test') yamlFiles(p, out);
    } else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** The kyverno.io ClusterPolicy / Policy documents of a file. */
function policiesIn(file: string): KyvernoPolicy[] {
  const text = readFileSync(file, 'utf8');
  if (!/^kind: (ClusterPolicy|Policy)\s*$/m.test(text)) return [];
  const out: KyvernoPolicy[] = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    const v = doc.toJS() as KyvernoPolicy | null;
    if (v && (v.kind === 'ClusterPolicy' || v.kind === 'Policy') && String(v.apiVersion).startsWith('kyverno.io/')) out.push(v);
  }
  return out;
}

/** Validates as `kyverno apply/test` do: CRD defaults applied by the loader, offline checks. */
function cliValidate(p: KyvernoPolicy, opts?: PolicyValidationOptions): { error: string; warnings: string[] } {
  const r = validatePolicy(applyPolicyCrdDefaults(p), opts);
  return { error: formatPolicyError(r.errors), warnings: r.warnings };
}

// Non-empty warnings Kyverno returns for corpus policies: file (relative to conformance) -> policy -> warnings.
const DEPRECATED_NOT_IN = 'Operator NotIn has been deprecated and will be removed soon. Use these instead: ["AllNotIn" "AnyNotIn"]';
const AUTOGEN_PARTIAL =
  'Policies that match Pods apply to all Pods including those created and managed by controllers excluded from autogen. Use preconditions to exclude the Pods managed by controllers which are excluded from autogen. Refer to https://kyverno.io/docs/policy-types/cluster-policy/autogen/ for details.';
const STATUS = 'You are matching on status but not including the status subresource in the policy.';
const REPLICAS = 'You are matching on replicas but not including the scale subresource in the policy.';
const EXPECTED_WARNINGS: Record<string, string[]> = {
  'kyverno-cli/test/variables/cm-array-example.yaml': [DEPRECATED_NOT_IN, DEPRECATED_NOT_IN, DEPRECATED_NOT_IN],
  'kyverno-cli/test/variables/cm-blk-scalar-example.yaml': [DEPRECATED_NOT_IN, DEPRECATED_NOT_IN, DEPRECATED_NOT_IN],
  'kyverno-cli/test/variables-deprecated/cm-array-example.yaml': [DEPRECATED_NOT_IN, DEPRECATED_NOT_IN, DEPRECATED_NOT_IN],
  'kyverno-cli/test/variables-deprecated/cm-blk-scalar-example.yaml': [DEPRECATED_NOT_IN, DEPRECATED_NOT_IN, DEPRECATED_NOT_IN],
  'kyverno-cli/test/owner_references/policy.yaml': [AUTOGEN_PARTIAL],
  'kyverno-cli/test/node-status/check_node_for_cve_2022_0185.yaml': [STATUS],
  'kyverno-policies/best-practices/require-probes/require-probes.yaml': [AUTOGEN_PARTIAL],
  'kyverno-policies/other/restrict-secrets-by-label/restrict-secrets-by-label.yaml': Array<string>(9).fill(STATUS),
  'kyverno-policies/other/require-deployments-have-multiple-replicas/require-deployments-have-multiple-replicas.yaml': [REPLICAS],
};

function corpusTest(name: string, folder: string): void {
  const dir = join(conformance, folder);
  test(`conformance: ${name}`, { skip: !existsSync(dir) && `${dir} not present` }, () => {
    let count = 0;
    for (const file of yamlFiles(dir)) {
      const rel = file.slice(conformance.length + 1);
      for (const p of policiesIn(file)) {
        count++;
        const raw = validatePolicy(p);
        assert.equal(formatPolicyError(raw.errors), '', `${rel} (${p.metadata.name})`);
        const cli = cliValidate(p);
        assert.equal(cli.error, '', `${rel} (${p.metadata.name}), CRD defaults applied`);
        assert.deepEqual(cli.warnings, EXPECTED_WARNINGS[rel] ?? [], `${rel} (${p.metadata.name}) warnings`);
      }
    }
    assert.ok(count > 0);
  });
}

// Kyverno accepts every policy of the policy library...
for (const folder of ['pod-security', 'best-practices', 'other', 'psp-migration', 'psa']) {
  corpusTest(`kyverno-policies/${folder}: every policy is valid`, join('kyverno-policies', folder));
}
// ...and of the CLI's own test suites. The test-fail suites (which make `kyverno test` fail) fail for
// other reasons (missing policy/rule/resource, wrong expected result): their policies are valid.
corpusTest('kyverno-cli: every policy is valid (test-fail suites included)', 'kyverno-cli');

// Policies the admission webhook rejects in the chainsaw suites. `offline` is Kyverno's result for
// `kyverno apply/test` (no cluster); `admission` (when different) is Kyverno's result with the
// cluster-scoped kinds below known (as from discovery), recorded from Policy.Validate(clusterResources).
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'v1/Namespace',
  'ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRole',
  'CustomResourceDefinition',
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
]);
const admission: PolicyValidationOptions = { mock: false, clusterResources: CLUSTER_SCOPED };
const REJECTED: Array<{ file: string; offline: string; admission?: string }> = [
  {
    file: 'generate/validation/clusterpolicy/cloneList/policy-fail-1.yaml',
    offline: 'spec.rules[0].cloneList.namespace: Forbidden: namespace is required for namespaced target resources',
    admission:
      '[spec.rules[0].cloneList.kinds: Forbidden: mixed scope of target resources is forbidden, spec.rules[0].cloneList.namespace: Forbidden: namespace is required for namespaced target resources]',
  },
  {
    file: 'generate/validation/clusterpolicy/cloneList/policy-fail-2.yaml',
    offline: '',
    admission: 'spec.rules[0].cloneList.namespace: Forbidden: namespace is forbidden for cluster-wide target resources',
  },
  {
    file: 'generate/validation/clusterpolicy/cloneList/policy-fail-3.yaml',
    offline: 'spec.rules[0].cloneList.namespace: Forbidden: namespace is required for namespaced target resources',
  },
  {
    file: 'generate/validation/clusterpolicy/use-generate-existing-on-policy-update/policy.yaml',
    offline: 'spec.generateExistingOnPolicyUpdate: Forbidden: remove the deprecated field and use spec.generate[*].generateExisting instead',
  },
  {
    file: 'generate/validation/policy/cloneList/policy-fail-1.yaml',
    offline: '',
    admission:
      '[spec.rules[0].cloneList.kinds: Forbidden: the source in cloneList must be a namespaced resource: rbac.authorization.k8s.io/v1/ClusterRole, spec.rules[0].cloneList.kinds: Forbidden: mixed scope of target resources is forbidden]',
  },
  {
    file: 'generate/validation/policy/cloneList/policy-fail-2.yaml',
    offline: '',
    admission: 'spec.rules[0].cloneList.kinds: Forbidden: the source in cloneList must be a namespaced resource: rbac.authorization.k8s.io/v1/ClusterRole',
  },
  {
    file: 'generate/validation/policy/cloneList/policy-fail-3.yaml',
    offline:
      '[spec.rules[0].cloneList.namespace: Forbidden: a namespaced policy cannot clone resources from other namespace, expected: target-scope-validation-fail-ns, received: , spec.rules[0].cloneList.namespace: Forbidden: namespace is required for namespaced target resources]',
  },
  {
    file: 'generate/validation/policy/target-namespace-scope/policy-fail-0.yaml',
    offline: 'spec.rules[0].namespace: Forbidden: target namespace must be set for a namespaced resource',
  },
  {
    file: 'generate/validation/policy/target-namespace-scope/policy-fail-2.yaml',
    offline:
      'spec.rules[0].namespace: Forbidden: target resource scope mismatched: a namespaced policy cannot generate resources in other namespaces, expected: default, received: {{request.object.metadata.name}} ',
  },
  {
    file: 'generate/validation/policy/target-namespace-scope/policy-fail-3.yaml',
    offline:
      'spec.rules[0].namespace: Forbidden: target resource scope mismatched: a namespaced policy cannot generate resources in other namespaces, expected: default, received: test ',
  },
  {
    file: 'mutate/clusterpolicy/standard/existing/validation/mutate-existing-require-targets(deprecated)/policy-no-targets.yaml',
    offline: 'spec.mutateExistingOnPolicyUpdate: Forbidden: rules[0].mutate.targets has to be specified when mutateExistingOnPolicyUpdate is set',
  },
  {
    file: 'policy-validation/cluster-policy/invalid-timeout/policy-1.yaml',
    offline: 'spec.webhookConfiguration.timeoutSeconds: Invalid value: -1: the timeout value must be between 1 and 30 seconds',
  },
  {
    file: 'policy-validation/cluster-policy/invalid-timeout/policy-2.yaml',
    offline: 'spec.webhookConfiguration.timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
  },
  {
    file: 'policy-validation/cluster-policy/invalid-timeout-deprecated/policy-1.yaml',
    offline: 'spec.webhookTimeoutSeconds: Invalid value: -1: the timeout value must be between 1 and 30 seconds',
  },
  {
    file: 'policy-validation/cluster-policy/invalid-timeout-deprecated/policy-2.yaml',
    offline: 'spec.webhookTimeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
  },
  { file: 'policy-validation/policy/all-disabled/policy.yaml', offline: 'disabling both admission and background processing is not allowed' },
  {
    file: 'validate/clusterpolicy/standard/wildcard/block-verifyimage/policy.yaml',
    offline: 'path: spec.rules[0].match.any[0].kinds: wildcard policy does not support rule type',
  },
  {
    file: 'validate/clusterpolicy/standard/wildcard/block-verifyimage-deprecated/policy.yaml',
    offline: 'path: spec.rules[0].match.any[0].kinds: wildcard policy does not support rule type',
  },
  {
    file: 'webhooks/policy-clusterscope-resource/policy.yaml',
    offline: '',
    admission: "spec.rules[0].match.any[0].kinds[0]: Forbidden: Cluster wide resource 'CustomResourceDefinition' not allowed in namespaced policy",
  },
];

const chainsaw = join(conformance, 'kyverno-chainsaw');
for (const c of REJECTED) {
  test(`conformance: chainsaw ${c.file}`, { skip: !existsSync(chainsaw) && `${chainsaw} not present` }, () => {
    const [p] = policiesIn(join(chainsaw, c.file));
    assert.ok(p);
    assert.equal(cliValidate(p).error, c.offline);
    const adm = cliValidate(p, admission).error;
    if (c.admission !== undefined) assert.equal(adm, c.admission);
    else assert.equal(adm, c.offline);
    assert.notEqual(adm, '');
  });
}

test('conformance: webhookConfiguration.matchConditions are compiled when a CEL compiler is given', { skip: !existsSync(chainsaw) && `${chainsaw} not present` }, () => {
  const [p] = policiesIn(join(chainsaw, 'webhook-configurations/match-conditions-fail/policy.yaml'));
  assert.ok(p);
  const seen: string[] = [];
  const r = validatePolicy(applyPolicyCrdDefaults(p), {
    compileMatchConditions: (conds) => {
      seen.push(...conds.map((c) => c.expression));
      return ['e1', 'e2'];
    },
  });
  assert.deepEqual(seen, ['!("ownerReferences" in request.object.metadata.keys(@))']);
  assert.equal(formatPolicyError(r.errors), 'match conditions compilation errors: [e1 e2]');
});

// Every kyverno.io policy of the chainsaw suites that the CLI's loader accepts, with Kyverno's offline
// validation result (error text, warnings) recorded in testdata/chainsaw-policies.json.
interface ChainsawExpectation {
  file: string;
  policy: string;
  error?: string;
  errorPrefix?: string;
  warnings?: string[];
}
test('conformance: chainsaw policies validate as in Kyverno', { skip: !existsSync(chainsaw) && `${chainsaw} not present` }, () => {
  const expected = JSON.parse(readFileSync(new URL('./testdata/chainsaw-policies.json', import.meta.url), 'utf8')) as ChainsawExpectation[];
  assert.ok(expected.length > 400);
  const byFile = new Map<string, KyvernoPolicy[]>();
  for (const e of expected) {
    let policies = byFile.get(e.file);
    if (!policies) {
      policies = policiesIn(join(chainsaw, e.file));
      byFile.set(e.file, policies);
    }
    const p = policies.find((x) => x.metadata.name === e.policy);
    assert.ok(p, `${e.file} (${e.policy})`);
    const got = cliValidate(p);
    if (e.errorPrefix !== undefined) assert.ok(got.error.startsWith(e.errorPrefix), `${e.file}: ${got.error}`);
    else assert.equal(got.error, e.error ?? '', `${e.file} (${e.policy})`);
    assert.deepEqual(got.warnings, e.warnings ?? [], `${e.file} (${e.policy}) warnings`);
  }
});

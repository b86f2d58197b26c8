import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allCrds, CLI_CRD_NAMES } from './crds.ts';
import { crdFileName, renderCrdYaml } from './render.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from './types.ts';

const CONFIG = join(fileURLToPath(import.meta.url), '../../../../config/crds');
const crds = allCrds();
const byName = new Map(crds.map((c) => [c.metadata.name, c] as const));
const crd = (name: string): CustomResourceDefinition => {
  const c = byName.get(name);
  assert.ok(c, `missing CRD ${name}`);
  return c;
};

test('committed config/crds files equal the generated ones (run scripts/gen-crds.ts)', () => {
  const files = readdirSync(CONFIG).filter((f) => f.endsWith('.yaml')).sort();
  assert.deepEqual(files, crds.map(crdFileName).sort());
  for (const c of crds) {
    assert.equal(readFileSync(join(CONFIG, crdFileName(c)), 'utf8'), renderCrdYaml(c), `config/crds/${crdFileName(c)} is stale`);
  }
});

// Names, scope and versions as Kyverno v1.19 (config/crds) and openreports/reports-api v0.2.1 declare them.
const NAMES: Array<[string, 'Cluster' | 'Namespaced', string[] | undefined, string[] | undefined, string]> = [
  ['clusterpolicies.kyverno.io', 'Cluster', ['cpol'], ['kyverno'], 'v1*,v2beta1'],
  ['policies.kyverno.io', 'Namespaced', ['pol'], ['kyverno'], 'v1*,v2beta1'],
  ['policyexceptions.kyverno.io', 'Namespaced', ['polex'], ['kyverno'], 'v2*,v2beta1!'],
  ['cleanuppolicies.kyverno.io', 'Namespaced', ['cleanpol'], ['kyverno'], 'v2*,v2beta1!'],
  ['clustercleanuppolicies.kyverno.io', 'Cluster', ['ccleanpol'], ['kyverno'], 'v2*,v2beta1!'],
  ['globalcontextentries.kyverno.io', 'Cluster', ['gctxentry'], ['kyverno'], 'v2,v2alpha1!,v2beta1*'],
  ['updaterequests.kyverno.io', 'Namespaced', ['ur'], ['kyverno'], 'v1beta1-!,v2*'],
  ['validatingpolicies.policies.kyverno.io', 'Cluster', ['vpol'], ['kyverno'], 'v1,v1alpha1!,v1beta1*'],
  ['namespacedvalidatingpolicies.policies.kyverno.io', 'Namespaced', ['nvpol'], ['kyverno'], 'v1,v1beta1*'],
  ['mutatingpolicies.policies.kyverno.io', 'Cluster', ['mpol'], ['kyverno'], 'v1,v1alpha1!,v1beta1*'],
  ['namespacedmutatingpolicies.policies.kyverno.io', 'Namespaced', ['nmpol'], ['kyverno'], 'v1,v1beta1*'],
  ['imagevalidatingpolicies.policies.kyverno.io', 'Cluster', ['ivpol'], ['kyverno'], 'v1,v1alpha1!,v1beta1*'],
  ['namespacedimagevalidatingpolicies.policies.kyverno.io', 'Namespaced', ['nivpol'], ['kyverno'], 'v1,v1beta1*'],
  ['generatingpolicies.policies.kyverno.io', 'Cluster', ['gpol'], ['kyverno'], 'v1,v1alpha1!,v1beta1*'],
  ['namespacedgeneratingpolicies.policies.kyverno.io', 'Namespaced', ['ngpol'], ['kyverno'], 'v1,v1beta1*'],
  ['deletingpolicies.policies.kyverno.io', 'Cluster', ['dpol'], ['kyverno'], 'v1,v1alpha1!,v1beta1*'],
  ['namespaceddeletingpolicies.policies.kyverno.io', 'Namespaced', ['ndpol'], ['kyverno'], 'v1,v1beta1*'],
  ['policyexceptions.policies.kyverno.io', 'Namespaced', undefined, undefined, 'v1,v1alpha1!,v1beta1*'],
  ['policyreports.wgpolicyk8s.io', 'Namespaced', ['polr'], undefined, 'v1alpha2*'],
  ['clusterpolicyreports.wgpolicyk8s.io', 'Cluster', ['cpolr'], undefined, 'v1alpha2*'],
  ['reports.openreports.io', 'Namespaced', ['reps'], undefined, 'v1alpha1*'],
  ['clusterreports.openreports.io', 'Cluster', ['creps'], undefined, 'v1alpha1*'],
  ['ephemeralreports.reports.kyverno.io', 'Namespaced', ['ephr'], ['kyverno'], 'v1*'],
  ['clusterephemeralreports.reports.kyverno.io', 'Cluster', ['cephr'], ['kyverno'], 'v1*'],
];

test('CRD names, scope, short names, categories and versions match Kyverno', () => {
  assert.equal(crds.length, NAMES.length);
  for (const [name, scope, shortNames, categories, versions] of NAMES) {
    const c = crd(name);
    assert.equal(c.spec.scope, scope, name);
    assert.deepEqual(c.spec.names.shortNames, shortNames, name);
    assert.deepEqual(c.spec.names.categories, categories, name);
    assert.equal(`${c.spec.names.plural}.${c.spec.group}`, name);
    assert.equal(c.spec.names.listKind, `${c.spec.names.kind}List`);
    assert.equal(c.spec.names.singular, c.spec.names.kind.toLowerCase());
    // `*` storage, `!` deprecated, `-` not served
    const got = c.spec.versions
      .map((v) => `${v.name}${v.served ? '' : '-'}${v.storage ? '*' : ''}${v.deprecated ? '!' : ''}`)
      .join(',');
    assert.equal(got, versions, name);
  }
});

test('kubectl get cpol prints NAME, ADMISSION, BACKGROUND, READY, AGE (wide adds the rest)', () => {
  const v1 = crd('clusterpolicies.kyverno.io').spec.versions[0]!;
  const cols = v1.additionalPrinterColumns!;
  assert.deepEqual(
    cols.filter((c) => !c.priority).map((c) => c.name),
    ['ADMISSION', 'BACKGROUND', 'READY', 'AGE', 'MESSAGE'],
  );
  assert.deepEqual(
    cols.filter((c) => c.priority === 1).map((c) => c.name),
    ['FAILURE POLICY', 'VALIDATE', 'MUTATE', 'GENERATE', 'VERIFY IMAGES'],
  );
  assert.equal(cols.find((c) => c.name === 'READY')!.jsonPath, '.status.conditions[?(@.type == "Ready")].status');
  assert.deepEqual(v1.subresources, { status: {} });
});

test('printer columns and subresources of the other kinds', () => {
  const names = (n: string, v = 0) => crd(n).spec.versions[v]!.additionalPrinterColumns?.map((c) => c.name);
  assert.deepEqual(names('cleanuppolicies.kyverno.io'), ['Schedule', 'Age']);
  assert.deepEqual(names('globalcontextentries.kyverno.io'), ['AGE', 'REFRESH INTERVAL', 'LAST REFRESH']);
  assert.deepEqual(names('updaterequests.kyverno.io', 1), [
    'Policy',
    'RuleType',
    'ResourceKind',
    'ResourceName',
    'ResourceNamespace',
    'status',
    'Age',
  ]);
  assert.deepEqual(names('validatingpolicies.policies.kyverno.io'), ['AGE', 'READY']);
  assert.deepEqual(names('generatingpolicies.policies.kyverno.io'), ['AGE']);
  assert.deepEqual(names('policyreports.wgpolicyk8s.io'), ['Kind', 'Name', 'Pass', 'Fail', 'Warn', 'Error', 'Skip', 'Age']);
  assert.deepEqual(names('ephemeralreports.reports.kyverno.io'), [
    'Source', 'Group', 'Kind', 'Owner', 'Pass', 'Fail', 'Warn', 'Error', 'Skip', 'Age', 'Uid', 'Hash',
  ]);
  assert.equal(crd('policyexceptions.kyverno.io').spec.versions[0]!.subresources, undefined);
  assert.deepEqual(crd('policyreports.wgpolicyk8s.io').spec.versions[0]!.subresources, {});
  assert.deepEqual(crd('validatingpolicies.policies.kyverno.io').spec.versions[0]!.selectableFields, [
    { jsonPath: '.spec.evaluation.mode' },
  ]);
});

test('the CLI CRD set is the one Kyverno embeds in kubectl-kyverno', () => {
  assert.equal(CLI_CRD_NAMES.size, 16);
  for (const n of CLI_CRD_NAMES) assert.ok(byName.has(n), n);
  assert.ok(!CLI_CRD_NAMES.has('globalcontextentries.kyverno.io'));
  assert.ok(!CLI_CRD_NAMES.has('updaterequests.kyverno.io'));
});

/** Structural-schema rules the API server enforces on CRDs (apiextensions validation). */
function structuralProblems(s: JSONSchemaProps, path: string, out: string[], inPreserve: boolean): void {
  const preserve = inPreserve || s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.type === undefined && !s['x-kubernetes-preserve-unknown-fields'] && !s['x-kubernetes-int-or-string']) {
    out.push(`${path}: type missing`);
  }
  if (s.properties && s.type !== 'object') out.push(`${path}: properties without type object`);
  if (s.items && s.type !== 'array') out.push(`${path}: items without type array`);
  if (s.type === 'array' && !s.items) out.push(`${path}: array without items`);
  if (s.properties && s.additionalProperties !== undefined) out.push(`${path}: properties and additionalProperties`);
  for (const alt of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? []), ...(s.not ? [s.not] : [])]) {
    for (const k of ['type', 'default', 'additionalProperties', 'nullable', 'description'] as const) {
      if (alt[k] !== undefined) out.push(`${path}: ${k} inside a composition`);
    }
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) structuralProblems(v, `${path}.${k}`, out, preserve);
  if (s.items) structuralProblems(s.items, `${path}[]`, out, preserve);
  if (typeof s.additionalProperties === 'object') structuralProblems(s.additionalProperties, `${path}{}`, out, preserve);
}

test('every schema is structural', () => {
  for (const c of crds) {
    for (const v of c.spec.versions) {
      const out: string[] = [];
      structuralProblems(v.schema.openAPIV3Schema, `${c.metadata.name}/${v.name}`, out, false);
      assert.deepEqual(out, []);
      assert.ok(v.schema.openAPIV3Schema.description, `${c.metadata.name}: root description`);
    }
  }
});

test('schema defaults and enums of the policy spec follow Kyverno', () => {
  const spec = crd('clusterpolicies.kyverno.io').spec.versions[0]!.schema.openAPIV3Schema.properties!['spec']!;
  const p = spec.properties!;
  assert.equal(p['admission']!.default, true);
  assert.equal(p['background']!.default, true);
  assert.equal(p['emitWarning']!.default, false);
  assert.equal(p['validationFailureAction']!.default, 'Audit');
  assert.deepEqual(p['validationFailureAction']!.enum, ['audit', 'enforce', 'Audit', 'Enforce']);
  assert.deepEqual(p['failurePolicy']!.enum, ['Ignore', 'Fail']);
  const rule = p['rules']!.items!;
  assert.deepEqual(rule.required, ['match', 'name']);
  assert.equal(rule.properties!['name']!.maxLength, 63);
  assert.equal(rule.properties!['skipBackgroundRequests']!.default, true);
  assert.deepEqual(rule.properties!['match']!.not, { required: ['any', 'all'] });
  assert.equal(rule.properties!['preconditions']!['x-kubernetes-preserve-unknown-fields'], true);
  const v2rule = crd('clusterpolicies.kyverno.io').spec.versions[1]!.schema.openAPIV3Schema.properties!['spec']!.properties!['rules']!
    .items!;
  assert.deepEqual(Object.keys(v2rule.properties!['preconditions']!.properties!), ['all', 'any']);
  assert.equal(v2rule.properties!['match']!.properties!['resources'], undefined);
});

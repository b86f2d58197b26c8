import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { PolicyException } from '../api/policy.ts';
import { exceptionNamespaceWarnings, formatPolicyError, validatePolicyException } from './exception.ts';

interface Case {
  name: string;
  exception: PolicyException;
  error: string;
}
const cases = YAML.parse(readFileSync(new URL('./testdata/exception-cases.yaml', import.meta.url), 'utf8')) as Case[];

for (const c of cases) {
  test(`validatePolicyException: ${c.name}`, () => {
    assert.equal(formatPolicyError(validatePolicyException(c.exception).errors), c.error);
  });
}

// pkg/validation/exception ValidateNamespace: where the admission controller takes exceptions from.
const namespaceCases: Array<[string, { enabled: boolean; namespace: string }, string, string[]]> = [
  ['disabled', { enabled: false, namespace: 'kyverno' }, 'delta', ['PolicyException resources would not be processed until it is enabled.']],
  ['namespace mismatch', { enabled: true, namespace: 'kyverno' }, 'delta', ['PolicyException resource namespace must match the defined namespace.']],
  ['namespace match', { enabled: true, namespace: 'kyverno' }, 'kyverno', []],
  ['all namespaces', { enabled: true, namespace: '*' }, 'kyverno', []],
  ['flag not set', { enabled: true, namespace: '' }, 'kyverno', ['The exceptionNamespace flag is not set']],
];
for (const [name, opts, ns, want] of namespaceCases) {
  test(`exceptionNamespaceWarnings: ${name}`, () => {
    assert.deepEqual(exceptionNamespaceWarnings(ns, opts), want);
    const polex = { apiVersion: 'kyverno.io/v2', kind: 'PolicyException', metadata: { name: 'e', namespace: ns }, spec: {} } as unknown as PolicyException;
    assert.deepEqual(validatePolicyException(polex, opts).warnings, want);
  });
}

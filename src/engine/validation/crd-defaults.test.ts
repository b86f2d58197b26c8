import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { KyvernoPolicy } from '../api/policy.ts';
import { applyPolicyCrdDefaults } from './crd-defaults.ts';
import { formatPolicyError, validatePolicy } from './policy.ts';

interface Case {
  name: string;
  policy: KyvernoPolicy;
  error: string;
  warnings?: string[];
}
const cases = YAML.parse(readFileSync(new URL('./testdata/cli-cases.yaml', import.meta.url), 'utf8')) as Case[];

for (const c of cases) {
  test(`validatePolicy after CRD defaults: ${c.name}`, () => {
    const r = validatePolicy(applyPolicyCrdDefaults(c.policy));
    assert.equal(formatPolicyError(r.errors), c.error);
    assert.deepEqual(r.warnings, c.warnings ?? []);
  });
}

test('applyPolicyCrdDefaults: fills absent fields only and does not modify its input', () => {
  const policy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: {
      background: false,
      rules: [
        {
          name: 'r',
          match: {},
          context: [{ name: 'c', apiCall: { urlPath: '/x' } }],
          verifyImages: [{ mutateDigest: false, attestors: [{ entries: [{ keys: { publicKeys: 'k' } }] }] }],
        },
      ],
    },
  } as unknown as KyvernoPolicy;
  const before = JSON.stringify(policy);
  const d = applyPolicyCrdDefaults(policy) as unknown as {
    spec: Record<string, unknown> & { rules: Array<Record<string, unknown>> };
  };
  assert.equal(JSON.stringify(policy), before);
  assert.equal(d.spec['background'], false);
  assert.equal(d.spec['admission'], true);
  assert.equal(d.spec['emitWarning'], false);
  assert.equal(d.spec['validationFailureAction'], 'Audit');
  const rule = d.spec.rules[0] as Record<string, any>;
  assert.equal(rule['skipBackgroundRequests'], true);
  assert.equal(rule['context'][0].apiCall.method, 'GET');
  assert.deepEqual(rule['verifyImages'][0], {
    mutateDigest: false,
    required: true,
    useCache: true,
    verifyDigest: true,
    attestors: [{ entries: [{ keys: { publicKeys: 'k', signatureAlgorithm: 'sha256' }, signatureAlgorithm: 'sha256' }] }],
  });
});

/**
 * `kyverno apply` prints the mutate stage as Kyverno's processor does (processMutateEngineResponse): one
 * `policy <name> applied to <ns>/<Kind>/<name>:` block per mutate policy and resource, with the resource as
 * the policy left it, whether a rule applied or not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'kyverno-apply-mutate-'));
const policy = join(dir, 'policy.yaml');
const resources = join(dir, 'resources.yaml');
writeFileSync(
  policy,
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disable-automount
spec:
  rules:
    - name: default-sa-only
      match:
        any:
          - resources:
              kinds: [ServiceAccount]
              names: [default]
      mutate:
        patchStrategicMerge:
          automountServiceAccountToken: false
`,
);
writeFileSync(
  resources,
  `apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: team-a
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
  namespace: team-a
`,
);

test('apply prints every mutate policy x resource, a rule applied or not', async () => {
  let stdout = '';
  const code = await main(['node', 'kyverno', 'apply', policy, '--resource', resources], { stdout: (s) => void (stdout += s), stderr: () => undefined });
  assert.equal(code, 0, stdout);
  const blocks = stdout.split('policy disable-automount applied to ').slice(1);
  const cases: Array<{ path: string; mutated: boolean }> = [
    { path: 'team-a/ServiceAccount/default', mutated: true },
    { path: 'team-a/ServiceAccount/builder', mutated: false },
  ];
  assert.equal(blocks.length, cases.length, stdout);
  cases.forEach((c, i) => {
    const block = blocks[i] as string;
    assert.ok(block.startsWith(`${c.path}:\n`), block);
    assert.equal(block.includes('automountServiceAccountToken: false'), c.mutated, block);
    assert.match(block, /Mutation:\nMutation has been applied successfully\./);
  });
  assert.match(stdout, /pass: 1, fail: 0, warn: 0, error: 0, skip: 0/);
});

/**
 * The chart's copies of the CRDs (charts/kyverno/crds) and of the policy library
 * (charts/kyverno/policies) are byte-identical to their sources, config/crds and policies/; nothing
 * else sits in those folders. `node --import tsx scripts/sync-chart-crds.ts` brings them back in line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { CHART_DIR, syncDifferences, syncPlan } from '../../scripts/sync-chart-crds.ts';

const repoRoot = join(CHART_DIR, '..', '..');

test('packaging: the chart carries every CRD of config/crds and every library policy', () => {
  const plan = syncPlan();
  const crdFiles = readdirSync(join(repoRoot, 'config', 'crds')).filter((f) => f.endsWith('.yaml'));
  assert.equal(plan.filter((e) => relative(CHART_DIR, e.target).startsWith('crds/')).length, crdFiles.length);
  const policyTargets = plan.filter((e) => relative(CHART_DIR, e.target).startsWith('policies/')).map((e) => relative(CHART_DIR, e.target)).sort();
  const expected: string[] = [];
  for (const folder of ['pod-security/baseline', 'pod-security/restricted', 'best-practices']) {
    for (const n of readdirSync(join(repoRoot, 'policies', folder))) expected.push(`policies/${folder}/${n}.yaml`);
  }
  assert.deepEqual(policyTargets, expected.sort());
  // a policy's copy keeps its name; the library's tests stay behind
  for (const e of plan) {
    if (!relative(CHART_DIR, e.target).startsWith('policies/')) continue;
    assert.equal(basename(e.target), `${basename(dirname(e.source))}.yaml`);
  }
});

test('packaging: the chart copies are identical to their sources (run scripts/sync-chart-crds.ts when this fails)', () => {
  assert.deepEqual(syncDifferences(), []);
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { namespaceReports, reportEntries, resourceReport } from './layout.ts';
import { summarize, type ReportResult } from './results.ts';
import { ReportStore, type ResourceRef } from './store.ts';

const pod = (i: number, ns = 'default'): ResourceRef => ({ uid: `uid-${i}`, apiVersion: 'v1', kind: 'Pod', namespace: ns, name: `pod-${i}` });

function res(policy: string, rule: string, result: ReportResult['result'], seconds: number, process = 'background scan'): ReportResult {
  return { source: 'kyverno', policy, rule, message: `${policy}/${rule} ${result}`, result, scored: true, resources: [], properties: { process }, timestamp: { seconds, nanos: 0 } };
}

describe('controllers: report store and layouts', () => {
  test('a new scan of a policy replaces its previous results; other policies stay', () => {
    const s = new ReportStore();
    const dirty: string[] = [];
    s.onDirty((r) => dirty.push(r.uid));
    s.setScanResults(pod(1), 'kyverno/a', [res('a', 'r1', 'fail', 10), res('a', 'r2', 'pass', 10)], 10_000);
    s.setScanResults(pod(1), 'kyverno/b', [res('b', 'r', 'pass', 10)], 10_000);
    s.setScanResults(pod(1), 'kyverno/a', [res('a', 'r1', 'pass', 20)], 20_000);
    const out = s.results('uid-1');
    assert.deepEqual(
      out.map((r) => `${r.policy}/${r.rule}=${r.result}`),
      ['a/r1=pass', 'b/r=pass'],
      'rule r2 stopped matching and is gone',
    );
    assert.deepEqual(summarize(out), { pass: 2, fail: 0, warn: 0, error: 0, skip: 0 });
    assert.deepEqual(dirty, ['uid-1', 'uid-1', 'uid-1']);
  });

  test('admission results merge newest first and a later scan of the same policy supersedes them', () => {
    const s = new ReportStore();
    s.addAdmissionResults(pod(2), [res('adm', 'r', 'fail', 100, 'admission review')]);
    s.addAdmissionResults(pod(2), [res('adm', 'r', 'pass', 90, 'admission review')]); // older: ignored
    assert.equal(s.results('uid-2')[0]?.result, 'fail');
    s.addAdmissionResults(pod(2), [res('adm', 'r', 'pass', 110, 'admission review')]);
    assert.equal(s.results('uid-2')[0]?.result, 'pass');
    s.setScanResults(pod(2), 'kyverno/adm', [res('adm', 'r', 'warn', 120)], 120_000);
    const out = s.results('uid-2');
    assert.equal(out.length, 1);
    assert.equal(out[0]?.result, 'warn');
    assert.equal(out[0]?.properties?.['process'], 'background scan');
  });

  test('deleted policies and resources disappear; an inactive rule is filtered', () => {
    const s = new ReportStore();
    s.setScanResults(pod(3), 'kyverno/a', [res('a', 'r', 'fail', 1)], 1000);
    s.setScanResults(pod(3), 'kyverno/b', [res('b', 'r', 'pass', 1)], 1000);
    s.setScanResults(pod(4), 'kyverno/a', [res('a', 'r', 'pass', 1)], 1000);
    s.isActive = (r) => r.policy !== 'b';
    assert.equal(s.results('uid-3').length, 1);
    s.removePolicy('kyverno/a');
    assert.equal(s.has('uid-4'), false, 'a resource without results is forgotten');
    assert.equal(s.removeResource('uid-3')?.name, 'pod-3');
    assert.equal(s.size, 0);
  });

  test('per-resource report: owned by and named after the resource, summary counts the results', () => {
    const results = [res('a', 'r', 'fail', 5), res('b', 'r', 'pass', 5), res('c', 'r', 'pass', 5), res('d', 'r', 'skip', 5)];
    const r = resourceReport(pod(5, 'team'), results, 'wgpolicyk8s');
    const m = r['metadata'] as { name: string; namespace: string; ownerReferences: Array<{ uid: string }>; labels: Record<string, string> };
    assert.equal(r['kind'], 'PolicyReport');
    assert.equal(m.name, 'uid-5');
    assert.equal(m.namespace, 'team');
    assert.equal(m.ownerReferences[0]?.uid, 'uid-5');
    assert.equal(m.labels['app.kubernetes.io/managed-by'], 'kyverno');
    assert.deepEqual(r['summary'], { pass: 2, fail: 1, warn: 0, error: 0, skip: 1 });
    assert.equal((r['results'] as unknown[]).length, 4);
    const back = reportEntries(r);
    assert.equal(back.length, 1);
    assert.deepEqual(back[0]?.results.map((x) => x.result), ['fail', 'pass', 'pass', 'skip']);
    const cluster = resourceReport({ ...pod(6), namespace: '', kind: 'Namespace' }, results, 'openreports');
    assert.equal(cluster['kind'], 'ClusterReport');
  });

  test('namespace layout: one report when it fits, split per policy then chunked under the byte limit, totals preserved', () => {
    const entries = Array.from({ length: 200 }, (_, i) => ({ ref: pod(i, 'big'), results: [res('a', 'r', i % 3 === 0 ? 'fail' : 'pass', 7), res('b', 'r', 'pass', 7)] }));
    const small = namespaceReports('big', entries.slice(0, 3), 'wgpolicyk8s');
    assert.equal(small.length, 1);
    assert.equal((small[0]?.['metadata'] as { name: string }).name, 'polr-ns-big');
    const limit = 16 * 1024;
    const split = namespaceReports('big', entries, 'wgpolicyk8s', limit);
    assert.ok(split.length > 2, 'split per policy and chunked');
    let pass = 0;
    let fail = 0;
    const uids = new Set<string>();
    for (const r of split) {
      assert.ok(Buffer.byteLength(JSON.stringify(r)) <= limit, 'every chunk is under the limit');
      const s = r['summary'] as { pass: number; fail: number };
      pass += s.pass;
      fail += s.fail;
      for (const e of reportEntries(r)) uids.add(e.ref.uid);
    }
    assert.equal(fail, 67);
    assert.equal(pass, 400 - 67);
    assert.equal(uids.size, 200, 'every result names its pod');
    const names = split.map((r) => (r['metadata'] as { name: string }).name);
    assert.ok(names.includes('polr-ns-big-a') && names.includes('polr-ns-big-a-2') && names.includes('polr-ns-big-b'), names.join(','));
    assert.deepEqual(namespaceReports('empty', [], 'wgpolicyk8s'), []);
  });
});

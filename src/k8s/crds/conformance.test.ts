/**
 * Every policy document of the upstream suites validates against the schemas, as it does in Kyverno's
 * CLI: the policy library files of kyverno/policies and the `policies:` and `exceptions:` files of
 * every `kyverno-test.yaml` suite (kyverno/policies and Kyverno's own test/cli, test-fail included).
 * Kyverno v1.19's loader (kubectl-validate over its CRDs) accepts all of them, so no rejection is
 * expected; a document listed in EXPECTED_REJECTIONS would be one Kyverno rejects too.
 * Skipped when ../shared/conformance is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import { formatSchemaError, hasSchema, validateAgainstSchema } from './validate.ts';
import { gvkOf } from './types.ts';

const ROOT = normalize(join(fileURLToPath(import.meta.url), '../../../../../shared/conformance'));

/** `<file relative to conformance>#<kind>/<name>` -> why Kyverno rejects it too. */
const EXPECTED_REJECTIONS = new Map<string, string>([]);

function walk(dir: string, out: string[], skipHidden: boolean): void {
  for (const name of readdirSync(dir).sort()) {
    if (skipHidden && name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out, skipHidden);
    else out.push(p);
  }
}

function suitePolicyFiles(base: string): string[] {
  const all: string[] = [];
  walk(base, all, false);
  const out: string[] = [];
  for (const suite of all.filter((f) => /\/kyverno-test\.ya?ml$/.test(f))) {
    for (const d of parseAllDocuments(readFileSync(suite, 'utf8'), { version: '1.1' })) {
      const v = d.toJS() as unknown;
      if (!isObject(v)) continue;
      const listed = [v['policies'], v['exceptions']].flatMap((x) => (Array.isArray(x) ? x : []));
      for (const p of listed) {
        if (typeof p !== 'string') continue;
        const full = normalize(join(dirname(suite), p));
        if (!existsSync(full)) continue;
        if (statSync(full).isDirectory()) {
          const inDir: string[] = [];
          walk(full, inDir, false);
          out.push(...inDir.filter((f) => /\.ya?ml$/.test(f)));
        } else out.push(full);
      }
    }
  }
  return out;
}

test('conformance: suite and library policies validate as in Kyverno', { skip: !existsSync(ROOT) && 'no ../shared/conformance' }, (t) => {
  const library: string[] = [];
  walk(join(ROOT, 'kyverno-policies'), library, true);
  const files = new Set([
    ...library.filter((f) => /\.ya?ml$/.test(f)),
    ...suitePolicyFiles(join(ROOT, 'kyverno-policies')),
    ...suitePolicyFiles(join(ROOT, 'kyverno-cli')),
  ]);
  const counts = new Map<string, number>();
  const rejected = new Map<string, string>();
  let unparsable = 0;
  for (const file of [...files].sort()) {
    for (const d of parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' })) {
      if (d.errors.length > 0) {
        unparsable++;
        continue;
      }
      const v = d.toJS() as unknown;
      if (!isObject(v) || typeof v['apiVersion'] !== 'string' || typeof v['kind'] !== 'string') continue;
      const gvk = gvkOf(v['apiVersion'], v['kind']);
      if (!hasSchema(gvk, { crds: 'cli' })) continue;
      counts.set(gvk.kind, (counts.get(gvk.kind) ?? 0) + 1);
      const r = validateAgainstSchema(v as JsonObject, gvk, { crds: 'cli' });
      if (r.errors.length === 0) continue;
      const meta = isObject(v['metadata']) ? v['metadata'] : {};
      rejected.set(`${relative(ROOT, file)}#${gvk.kind}/${String(meta['name'] ?? '')}`, r.errors.map(formatSchemaError).join('; '));
    }
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  t.diagnostic(`${files.size} files, ${total} policy documents validated (${unparsable} unparsable YAML documents skipped)`);
  t.diagnostic([...counts].sort().map(([k, n]) => `${k}: ${n}`).join(', '));
  assert.ok(total > 400, `expected the suites' policies, found ${total}`);
  assert.ok((counts.get('ClusterPolicy') ?? 0) > 250);
  assert.ok((counts.get('PolicyException') ?? 0) >= 5);
  const unexpected = [...rejected].filter(([k]) => !EXPECTED_REJECTIONS.has(k));
  assert.deepEqual(unexpected, []);
  const missing = [...EXPECTED_REJECTIONS.keys()].filter((k) => !rejected.has(k));
  assert.deepEqual(missing, []);
});

/**
 * Comparing an actual resource with an expected one (cmd/cli/kubectl-kyverno/resource/{compare,tidy,labels}.go):
 * generate labels normalised, empty maps/lists and nulls dropped on both sides, then deep equality
 * (Kyverno: an empty JSON merge patch).
 */
import { deepEqual, isObject, type JsonValue, type Resource } from '../../engine/api/json.ts';
import { toYaml } from '../../k8s/yaml.ts';

/** FixupGenerateLabels: drops `generate.kyverno.io/*` labels and sets managed-by=kyverno. */
export function fixupGenerateLabels(obj: Resource): Resource {
  const meta = isObject(obj['metadata']) ? obj['metadata'] : {};
  const labels: Record<string, JsonValue> = { 'app.kubernetes.io/managed-by': 'kyverno' };
  if (isObject(meta['labels'])) {
    for (const [k, v] of Object.entries(meta['labels'])) if (!k.startsWith('generate.kyverno.io/')) labels[k] = v;
  }
  return { ...obj, metadata: { ...meta, labels } };
}

/** Tidy: removes nulls and empty maps/lists recursively (undefined when nothing is left). */
export function tidy(v: JsonValue): JsonValue | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    const out = v.map(tidy).filter((x): x is JsonValue => x !== undefined);
    return out.length === 0 ? undefined : out;
  }
  if (isObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) {
      const t = tidy(x);
      if (t !== undefined) out[k] = t;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

/** Undefined when equal; otherwise a line diff of the two YAML renderings (expected -> actual). */
export function compareResources(actual: Resource, expected: Resource): string | undefined {
  const a = tidy(fixupGenerateLabels(actual)) ?? {};
  const e = tidy(fixupGenerateLabels(expected)) ?? {};
  if (deepEqual(a, e)) return undefined;
  return lineDiff(toYaml(sortKeys(e)), toYaml(sortKeys(a)));
}

function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k] as JsonValue);
    return out;
  }
  return v;
}

/** A minimal unified-style diff: `-` only in expected, `+` only in actual. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = ['(- only in expected, + only in actual)'];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  while (i < n) out.push(`- ${a[i++]}`);
  while (j < m) out.push(`+ ${b[j++]}`);
  return out.join('\n');
}

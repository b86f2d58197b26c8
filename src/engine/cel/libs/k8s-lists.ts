/**
 * The Kubernetes lists library (k8s.io/apiserver pkg/cel/library/lists.go): `isSorted()`, `sum()`,
 * `min()`, `max()`, `indexOf(x)`, `lastIndexOf(x)` on lists of comparable (or summable) values.
 * `[].min()` fails with `min called on empty list`.
 */
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { fail } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { durationFromNanos, durationNanos } from './builtins.ts';
import { celCompare, celEquals } from './compare.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function isSorted(l: readonly unknown[]): boolean {
  for (let i = 1; i < l.length; i++) if (celCompare(l[i - 1], l[i]) === 1) return false;
  return true;
}

/** `sum()` with the list's element type zero as start (`[].sum()` is `0`). */
export function sum(l: readonly unknown[], zero: unknown): unknown {
  let acc: unknown = l.length > 0 ? undefined : zero;
  for (const v of l) {
    if (acc === undefined) {
      acc = v;
      continue;
    }
    if (typeof acc === 'bigint' && typeof v === 'bigint') {
      const r = acc + v;
      if (r < INT64_MIN || r > INT64_MAX) fail('integer overflow');
      acc = r;
    } else if (typeof acc === 'number' && typeof v === 'number') acc += v;
    else if (acc instanceof UnsignedInt && v instanceof UnsignedInt) {
      const r = acc.valueOf() + v.valueOf();
      if (r >= 2n ** 64n) fail('unsigned integer overflow');
      acc = new UnsignedInt(r);
    } else if (acc instanceof Duration && v instanceof Duration) acc = durationFromNanos(durationNanos(acc) + durationNanos(v));
    else fail('no such overload');
  }
  return acc;
}

function extreme(l: readonly unknown[], name: 'min' | 'max'): unknown {
  if (l.length === 0) fail(`${name} called on empty list`);
  let best = l[0];
  for (let i = 1; i < l.length; i++) {
    const c = celCompare(best, l[i]);
    if (name === 'min' ? c === 1 : c === -1) best = l[i];
  }
  return best;
}

export function listIndexOf(l: readonly unknown[], v: unknown): bigint {
  for (let i = 0; i < l.length; i++) if (celEquals(l[i], v)) return BigInt(i);
  return -1n;
}

export function listLastIndexOf(l: readonly unknown[], v: unknown): bigint {
  for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], v)) return BigInt(i);
  return -1n;
}

const COMPARABLE = ['int', 'uint', 'double', 'bool', 'google.protobuf.Duration', 'google.protobuf.Timestamp', 'string', 'bytes'];

export const k8sListsLibrary: CelLibrary = {
  name: 'kubernetes.lists',
  register(env) {
    for (const t of COMPARABLE) {
      env.registerFunction(`list<${t}>.isSorted(): bool`, (l: unknown[]) => isSorted(l));
      env.registerFunction(`list<${t}>.min(): ${t}`, (l: unknown[]) => extreme(l, 'min'));
      env.registerFunction(`list<${t}>.max(): ${t}`, (l: unknown[]) => extreme(l, 'max'));
    }
    env.registerFunction('list<int>.sum(): int', (l: unknown[]) => sum(l, 0n));
    env.registerFunction('list<uint>.sum(): uint', (l: unknown[]) => sum(l, new UnsignedInt(0n)));
    env.registerFunction('list<double>.sum(): double', (l: unknown[]) => sum(l, 0));
    env.registerFunction('list<google.protobuf.Duration>.sum(): google.protobuf.Duration', (l: unknown[]) =>
      sum(l, new Duration(0n, 0)),
    );
    env.registerFunction('list<A>.indexOf(A): int', (l: unknown[], v: unknown) => listIndexOf(l, v));
    env.registerFunction('list<A>.lastIndexOf(A): int', (l: unknown[], v: unknown) => listLastIndexOf(l, v));
  },
};

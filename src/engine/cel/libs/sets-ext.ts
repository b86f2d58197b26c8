/**
 * cel-go sets extension: `sets.contains(a, b)` (every element of b is in a), `sets.equivalent(a, b)`
 * (same elements, ignoring order and duplicates), `sets.intersects(a, b)` (a common element), with
 * CEL's heterogeneous equality (`sets.contains([1], [1.0])` is true).
 */
import { defineNamespace, type CelLibrary } from '../library.ts';
import { celEquals } from './compare.ts';

const has = (l: readonly unknown[], v: unknown): boolean => l.some((x) => celEquals(x, v));

export function setsContains(a: readonly unknown[], b: readonly unknown[]): boolean {
  return b.every((v) => has(a, v));
}

export function setsEquivalent(a: readonly unknown[], b: readonly unknown[]): boolean {
  return setsContains(a, b) && setsContains(b, a);
}

export function setsIntersects(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.some((v) => has(b, v));
}

export const setsExtLibrary: CelLibrary = {
  name: 'cel.lib.ext.sets',
  namespaces: ['sets'],
  register(env) {
    const ns = defineNamespace(env, 'sets');
    env.registerFunction(`${ns}.contains(list<A>, list<A>): bool`, (_n: unknown, a: unknown[], b: unknown[]) => setsContains(a, b));
    env.registerFunction(`${ns}.equivalent(list<A>, list<A>): bool`, (_n: unknown, a: unknown[], b: unknown[]) => setsEquivalent(a, b));
    env.registerFunction(`${ns}.intersects(list<A>, list<A>): bool`, (_n: unknown, a: unknown[], b: unknown[]) => setsIntersects(a, b));
  },
};

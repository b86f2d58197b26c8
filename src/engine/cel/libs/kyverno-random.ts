/**
 * Kyverno's random library: `random()` (8 characters of `[0-9a-z]`) and `random(pattern)` /
 * `random.random(...)`: a random string matching a regular expression (goregen), drawing from the
 * RandomSource port.
 */
import { randomFromPattern } from '../../jmespath/functions/random.ts';
import { fail } from '../errors.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import type { RandomSource } from '../../api/request.ts';

function gen(rnd: RandomSource | undefined, pattern: string): string {
  if (!rnd) fail('random() needs a random source');
  try {
    return randomFromPattern(pattern, rnd);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

export const kyvernoRandomLibrary: CelLibrary = {
  name: 'kyverno.random',
  namespaces: ['random'],
  register(env, ctx) {
    env.registerFunction('random(): string', () => gen(ctx.random, '[0-9a-z]{8}'));
    env.registerFunction('random(string): string', (p: string) => gen(ctx.random, p));
    const ns = defineNamespace(env, 'random');
    env.registerFunction(`${ns}.random(): string`, () => gen(ctx.random, '[0-9a-z]{8}'));
    env.registerFunction(`${ns}.random(string): string`, (_n: unknown, p: string) => gen(ctx.random, p));
  },
};

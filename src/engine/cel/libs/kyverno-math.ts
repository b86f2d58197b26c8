/**
 * Kyverno's math library: `math.round(x, precision)` = Go `math.Round(x * 10^p) / 10^p`
 * (half away from zero). Shares the `math` namespace with cel-go's math extension.
 */
import { defineNamespace, type CelLibrary } from '../library.ts';
import { goRound } from './math-ext.ts';

export function roundTo(x: number, prec: bigint): number {
  const shift = Math.pow(10, Number(prec));
  return goRound(x * shift) / shift;
}

export const kyvernoMathLibrary: CelLibrary = {
  name: 'kyverno.math',
  namespaces: ['math'],
  register(env) {
    const ns = defineNamespace(env, 'math');
    env.registerFunction(`${ns}.round(double, int): double`, (_n: unknown, x: number, p: bigint) => roundTo(x, p));
  },
};

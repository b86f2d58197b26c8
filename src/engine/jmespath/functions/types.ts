/**
 * Function table entries (go-jmespath's FunctionEntry + Kyverno's Note/ReturnType).
 */
import type { Clock, RandomSource } from '../../api/request.ts';
import type { Value } from '../values.ts';

/** go-jmespath's JpType names (plus Kyverno's `bool`, only used as a return type). */
export type JpType = 'number' | 'string' | 'array' | 'object' | 'array[number]' | 'array[string]' | 'expref' | 'any' | 'bool';

export interface ArgSpec {
  readonly types: readonly JpType[];
  readonly variadic?: boolean;
}

/** What function handlers may use from the outside world. */
export interface FunctionEnv {
  readonly clock: Clock;
  readonly random?: RandomSource;
  /** resolves a host name to IP addresses (for is_external_url); throws on lookup failure */
  readonly lookupHost?: (host: string) => string[];
  /** default registry for image_normalize (Kyverno config `defaultRegistry`, default `docker.io`) */
  readonly defaultRegistry?: string;
  /** Kyverno config `enableDefaultRegistryMutation` (default true) */
  readonly enableDefaultRegistryMutation?: boolean;
}

export interface FunctionDef {
  readonly name: string;
  readonly args: readonly ArgSpec[];
  readonly returnType: readonly JpType[];
  readonly note: string;
  /** true for Kyverno's functions, false for go-jmespath built-ins */
  readonly kyverno: boolean;
  /**
   * Receives the evaluated arguments, already checked against `args` the way go-jmespath does (no
   * check at all when `args` is empty; count only for variadic functions).
   */
  readonly handler: (args: Value[]) => Value;
}

/** A family of functions, bound to an environment. */
export type FunctionFamily = (env: FunctionEnv) => FunctionDef[];

const s = (...types: JpType[]): ArgSpec => ({ types });
/** Argument spec helpers. */
export const arg = {
  string: s('string'),
  number: s('number'),
  object: s('object'),
  array: s('array'),
  any: s('any'),
  expref: s('expref'),
  of: s,
};

/**
 * Which PolicyExceptions the engine may use (cmd/internal/engine.go `NewExceptionSelector`,
 * pkg/controllers/exceptions): none unless `--enablePolicyException`; with it, those of
 * `--exceptionNamespace` (`*` for every namespace; an empty flag disables them, as Kyverno logs
 * "the flag --exceptionNamespace cannot be empty").
 */
import type { PolicyException } from '../../engine/api/policy.ts';

export interface ExceptionOptions {
  enabled: boolean;
  /** `*`, a namespace, or `''` */
  namespace: string;
}

/** The exceptions the engine receives as candidates for every request. */
export function selectExceptions(all: readonly PolicyException[], opts: ExceptionOptions): PolicyException[] {
  if (!opts.enabled || opts.namespace === '') return [];
  if (opts.namespace === '*') return all.slice();
  return all.filter((e) => (e.metadata?.namespace ?? '') === opts.namespace);
}

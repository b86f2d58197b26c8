/**
 * Kyverno's JMESPath dialect: the go-jmespath fork (2015 grammar, NotFoundError on missing keys) with
 * go-jmespath's built-ins and Kyverno's 51 functions, byte-compatible results and error texts.
 *
 * ```ts
 * const jp = createJmesPath({ clock: systemClock });   // any Clock port
 * jp.search('request.object.metadata.name', ctx);            // 'nginx'
 * jp.search("to_upper(request.object.kind)", ctx);           // 'POD'
 * jp.search('request.object.metadata.labels.app', ctx);      // throws NotFoundError (labels missing)
 * jp.search("request.object.metadata.labels.app || ''", ctx); // ''
 * ```
 *
 * Results share structure with the input document and with literals of the expression: treat them as
 * read-only.
 */
import type { JsonValue } from '../api/json.ts';
import type { Clock, RandomSource } from '../api/request.ts';
import { JmesPathError, NotFoundError } from './errors.ts';
import { buildFunctionTable } from './functions/index.ts';
import { compileNode } from './interpreter.ts';
import { prettyPrintAst } from './ast-print.ts';
import { parse } from './parser.ts';
import { Missing, toJson, type Value } from './values.ts';

export { JmesPathError, NotFoundError, type JmesPathErrorCode } from './errors.ts';
export { functionDeclarations, functionSignature, type FunctionDeclaration } from './functions/index.ts';

/** What the dialect needs from the outside world. */
export interface JmesPathEnv {
  /** time source for time_now(), time_now_utc() and time_since(…, '') */
  clock: Clock;
  /** randomness for random(); without it random() fails */
  random?: RandomSource;
  /**
   * DNS resolution for is_external_url() with a host name (IP literals need no lookup): returns the
   * host's addresses; throws (message shown as the function error) when the lookup fails. Without it,
   * is_external_url() on a host name fails with a lookup error.
   */
  lookupHost?(host: string): string[];
  /** Kyverno configuration `defaultRegistry` for image_normalize() (default `docker.io`) */
  defaultRegistry?: string;
  /** Kyverno configuration `enableDefaultRegistryMutation` for image_normalize() (default true) */
  enableDefaultRegistryMutation?: boolean;
}

/** A parsed expression, ready to be evaluated many times. */
export interface CompiledQuery {
  readonly expression: string;
  /** Evaluates the expression; throws NotFoundError (missing key not swallowed) or JmesPathError. */
  search(data: JsonValue): JsonValue;
}

/** One instance per engine; holds a bounded compile cache. */
export interface JmesPath {
  /** Parses (cached); throws JmesPathError with code JMESPATH_SYNTAX. */
  compile(expression: string): CompiledQuery;
  /** compile (cached) + search. */
  search(expression: string, data: JsonValue): JsonValue;
}

const CACHE_SIZE = 4096;

/** Creates a JMESPath evaluator bound to an environment. */
export function createJmesPath(env: JmesPathEnv): JmesPath {
  const functions = buildFunctionTable({
    clock: env.clock,
    random: env.random,
    lookupHost: env.lookupHost === undefined ? undefined : (h) => env.lookupHost!(h),
    defaultRegistry: env.defaultRegistry,
    enableDefaultRegistryMutation: env.enableDefaultRegistryMutation,
  });
  const lookup = (name: string) => functions.get(name);
  const cache = new Map<string, CompiledQuery>();

  const compile = (expression: string): CompiledQuery => {
    const hit = cache.get(expression);
    if (hit !== undefined) return hit;
    const { evaluate, mayReturnGoValues } = compileNode(parse(expression), lookup);
    const query: CompiledQuery = {
      expression,
      search(data: JsonValue): JsonValue {
        const r = evaluate(data as Value);
        if (r instanceof Missing) throw new NotFoundError(r.key);
        return mayReturnGoValues ? toJson(r) : (r as JsonValue);
      },
    };
    if (cache.size >= CACHE_SIZE) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(expression, query);
    return query;
  };

  return {
    compile,
    search: (expression, data) => compile(expression).search(data),
  };
}

/**
 * The AST of an expression as `kyverno jp parse` prints it (go-jmespath's `ASTNode.String()`).
 * Throws JmesPathError (JMESPATH_SYNTAX); its `highlight` is what Kyverno prints under the message.
 */
export function formatAst(expression: string): string {
  return prettyPrintAst(parse(expression));
}

/** True for a JMESPath error of any kind (syntax, function, not found). */
export function isJmesPathError(err: unknown): err is JmesPathError | NotFoundError {
  return err instanceof JmesPathError || err instanceof NotFoundError;
}

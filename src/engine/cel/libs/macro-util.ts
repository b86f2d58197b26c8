/**
 * Helpers to write cel-js macros (functions with `ast` parameters expanded at parse time): typed views
 * of the checker, scopes and type declarations cel-js hands to `typeCheck`, and iteration scopes for
 * comprehension variables.
 */
import type { Environment } from '@marcbachmann/cel-js';
import type { ValueScope } from '../cost.ts';
import type { CelJsEvaluator, CelJsNode } from '../instrument.ts';

/** A cel-js type declaration (the parts macros read). */
export interface TypeDecl {
  kind: string;
  name: string;
  valueType?: TypeDecl;
  keyType?: TypeDecl;
}

/** A cel-js type-checking scope. */
export interface CheckScope {
  forkWithVariable(name: string, type: TypeDecl): CheckScope & IterScope;
}

/** A comprehension scope reused across evaluations (cel-js `OverlayContext`). */
export interface IterScope {
  reuse(parent: unknown): IterScope;
  setIterValue(v: unknown, ev: unknown): IterScope & ValueScope;
}

/** The cel-js type checker as macros use it. */
export interface MacroChecker {
  check(node: CelJsNode, ctx: unknown): TypeDecl;
  getType(name: string): TypeDecl;
  createError(code: string, message: string, node: CelJsNode): Error;
  registry: {
    getListType(t: TypeDecl): TypeDecl;
    getMapType(k: TypeDecl, v: TypeDecl): TypeDecl;
    getOptionalType(t: TypeDecl): TypeDecl;
  };
}

/** What a macro definition provides; extra properties are kept on the macro object. */
export interface MacroDef {
  typeCheck(this: MacroDef & Record<string, unknown>, chk: MacroChecker, m: Record<string, unknown>, ctx: CheckScope): TypeDecl;
  evaluate(this: MacroDef & Record<string, unknown>, ev: CelJsEvaluator, m: Record<string, unknown>, ctx: ValueScope): unknown;
  [k: string]: unknown;
}

interface MacroInput {
  ast: CelJsNode;
  args: CelJsNode[];
  receiver: CelJsNode | null;
}

/** A parse error for a bad macro argument (reported as a syntax error). */
export class MacroArgumentError extends Error {
  readonly code = 'invalid_macro_argument';
  readonly summary: string;
  constructor(
    message: string,
    readonly node: CelJsNode,
  ) {
    super(message);
    this.name = 'ParseError';
    this.summary = message;
  }
}

/** The identifier a macro argument names; throws `MacroArgumentError` otherwise. */
export function macroIdent(node: CelJsNode, message: string): string {
  if (node.op === 'id') return node.args as string;
  throw new MacroArgumentError(message, node);
}

function isNode(v: unknown): v is CelJsNode {
  return typeof v === 'object' && v !== null && typeof (v as CelJsNode).op === 'string' && 'meta' in (v as object);
}

/**
 * Registers a macro: `signature` uses `ast` parameters (`list.sortBy(ast, ast): list`), `factory`
 * builds the macro object at parse time. After type-checking, the call is marked synchronous when
 * none of the macro's sub-expressions can be asynchronous.
 */
export function registerMacro(env: Environment, signature: string, factory: (input: MacroInput) => MacroDef): void {
  env.registerFunction(signature, (input: MacroInput) => {
    const def = factory(input);
    const typeCheck = def.typeCheck;
    def.typeCheck = function (chk, m, ctx) {
      const t = typeCheck.call(this, chk, m, ctx);
      const children = Object.values(this).filter(isNode) as (CelJsNode & { maybeAsync?: boolean })[];
      if (!children.some((c) => c !== input.ast && c.maybeAsync)) input.ast.setMeta('async', false);
      return t;
    };
    return def;
  });
}

/** Binds an iteration value in a scope prepared at type-check time. */
export function bindIter(scope: unknown, parent: ValueScope, value: unknown, ev: CelJsEvaluator): ValueScope {
  return (scope as IterScope).reuse(parent).setIterValue(value, ev);
}

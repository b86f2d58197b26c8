/**
 * The shape of a CEL library: a named set of registrations on a cel-js environment, plus optional
 * replacements of cel-js builtins (`overrides`) and runtime costs for its functions.
 *
 * Namespaced functions (`math.abs(x)`, `sets.contains(a, b)`, `format.dns1123Label()`) are methods of a
 * constant whose type is a marker class (`defineNamespace`), since cel-js has no qualified function
 * names; cost accounting and error messages treat them as the global functions cel-go has.
 */
import type { Environment } from '@marcbachmann/cel-js';
import type { Clock, RandomSource } from '../api/request.ts';
import type { CallCostFn } from './cost.ts';
import type { CelJsNode, CelOverride } from './instrument.ts';

/**
 * A compile-time check cel-go performs that cel-js does not (a macro's argument rules, literal
 * validators): returns the problem and the node to report it at, or undefined.
 */
export type CelValidator = (node: CelJsNode) => { message: string; at: CelJsNode } | undefined;

/** What libraries may read while registering: ports fixed for the environment's lifetime. */
export interface CelLibraryContext {
  /** `time.now()` */
  readonly clock?: Clock;
  /** `random()` */
  readonly random?: RandomSource;
}

export interface CelLibrary {
  /** library name as Kubernetes / cel-go / Kyverno name it (e.g. `kubernetes.quantity`, `kyverno.hash`) */
  readonly name: string;
  register(env: Environment, ctx: CelLibraryContext): void;
  /** cel-js builtins this library replaces with cel-go semantics */
  readonly overrides?: readonly CelOverride[];
  /** runtime cost of this library's functions, by cel-go function name (default 1) */
  readonly costs?: Readonly<Record<string, CallCostFn>>;
  /** namespace constants the library defines (`math`, `sets`...) */
  readonly namespaces?: readonly string[];
  /** compile-time checks run on every node of a type-checked expression */
  readonly validators?: readonly CelValidator[];
}

/** Base class of namespace marker values (`math`, `sets`, `lists`...). */
export class CelNamespaceValue {
  constructor(readonly namespace: string) {}
}

/**
 * Registers namespace `ns` as a constant of a fresh marker type and returns the type name to use as
 * receiver in signatures: `defineNamespace(env, 'math')` then
 * `env.registerFunction('math.ns.abs(int): int', (_ns, x) => ...)`.
 */
export function defineNamespace(env: Environment, ns: string): string {
  const typeName = `${ns}.ns`;
  if (env.hasVariable(ns)) return typeName;
  const Marker = class extends CelNamespaceValue {};
  Object.defineProperty(Marker, 'name', { value: typeName });
  env.registerType(typeName, Marker);
  env.registerConstant(ns, typeName, new Marker(ns));
  return typeName;
}

/** Registers a function from a signature string (`name(args): result` or `recv.name(args): result`). */
export function fn(env: Environment, signature: string, handler: (...args: any[]) => unknown): void {
  env.registerFunction(signature, handler);
}

/** Registers an async function (one that reaches a port that may answer with a Promise). */
export function asyncFn(env: Environment, signature: string, handler: (...args: any[]) => unknown): void {
  env.registerFunction(signature, handler, { async: true });
}

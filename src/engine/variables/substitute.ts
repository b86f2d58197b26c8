/**
 * Variable (`{{ }}`) and reference (`$( )`) substitution over a JSON document
 * (kyverno/pkg/engine/variables/vars.go).
 *
 * - Leaves and map keys that are strings are scanned; `{{expr}}` is evaluated as JMESPath against the
 *   context. A string that is exactly one variable keeps the result's JSON type; otherwise results are
 *   spliced as text (strings raw, other values Go-JSON-encoded).
 * - Nested variables resolve inside-out; the string is rescanned until no variable is left, except after a
 *   shallow `{{- expr}}` substitution. `\{{` escapes a variable and becomes `{{` at the end.
 * - On DELETE, `request.object` in a variable reads `request.oldObject`.
 * - `{{@}}` is the JMESPath of the current leaf (see `atPath`).
 * - `$(path)` references (resolved first) read another leaf of the same document.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { EngineError, isNotFoundError } from '../errors.ts';
import { goJsonMarshal } from '../utils/gojson.ts';
import type { JsonContext } from '../context/context.ts';
import {
  REGEX_ESCAPED_REFERENCES,
  REGEX_REFERENCES,
  REGEX_VARIABLES,
  REGEX_VARIABLE_INIT,
  findAll,
  replaceBracesAndTrimSpaces,
} from './regex.ts';
import { parseJsonPath, pointerToJmesPath, removeAnchorsFromPath } from './path.ts';

/** Resolves a variable expression to a value (default: a context query). */
export type VariableResolver = (ctx: JsonContext, variable: string) => JsonValue;

/** An error raised while substituting, with the cause (e.g. JMESPath NotFoundError) kept. */
export class SubstitutionError extends EngineError {
  constructor(
    message: string,
    path: string,
    override readonly cause?: unknown,
  ) {
    super('VARIABLE_SUBSTITUTION', message, path);
  }
  /** true when the underlying failure is a missing key (`Unknown key "x" in path`) */
  get notFound(): boolean {
    return isNotFoundError(this.cause);
  }
}

export class NotResolvedReferenceError extends EngineError {
  constructor(reference: string, path: string) {
    super('REFERENCE_NOT_RESOLVED', `NotResolvedReferenceErr,reference ${reference} not resolved at path ${path}`, path);
  }
}

const defaultResolver: VariableResolver = (ctx, variable) => ctx.query(variable);

/**
 * The path of a leaf as segments (keys already escaped), joined by `leafPath` only when an action needs it
 * (an error, `{{@}}`, a reference): most leaves hold no variable.
 */
type LeafAction = (value: string, segments: readonly string[], isKey: boolean) => JsonValue;

/** `/a/b/0` from the segments. */
function leafPath(segments: readonly string[]): string {
  let p = '';
  for (const s of segments) p += `/${s}`;
  return p;
}

/**
 * Walks maps and lists, applying `action` to string leaves and keys. Returns the same object when
 * nothing changed (copy on write). Paths are `/a/b/0` with `/` in keys escaped as `\/`.
 */
function traverse(node: JsonValue, action: LeafAction): JsonValue {
  return walk(node, [], action);
}

function walk(node: JsonValue, segments: string[], action: LeafAction): JsonValue {
  if (typeof node === 'string') return action(node, segments, false);
  if (Array.isArray(node)) {
    let out: JsonValue[] | undefined;
    for (let i = 0; i < node.length; i++) {
      const v = node[i] as JsonValue;
      segments.push(String(i));
      const nv = walk(v, segments, action);
      segments.pop();
      if (nv !== v) {
        out ??= node.slice();
        out[i] = nv;
      }
    }
    return out ?? node;
  }
  if (isObject(node)) {
    let out: JsonObject | undefined;
    for (const key of Object.keys(node)) {
      const v = node[key] as JsonValue;
      const newKey = action(key, segments, true);
      if (typeof newKey !== 'string') {
        throw new SubstitutionError(`expected string after substituting variables in key "${key}"`, leafPath(segments));
      }
      segments.push(key.includes('/') ? key.split('/').join('\\/') : key);
      const nv = walk(v, segments, action);
      segments.pop();
      if (newKey !== key) {
        out ??= { ...node };
        delete out[key];
        out[newKey] = nv;
      } else if (nv !== v) {
        out ??= { ...node };
        out[key] = nv;
      }
    }
    return out ?? node;
  }
  return node;
}

const HAS_VARIABLE = 1;
const HAS_REFERENCE = 2;

/** Which syntaxes some string or key of the document holds: `{{` (HAS_VARIABLE), `$(` (HAS_REFERENCE). */
function scan(doc: JsonValue | undefined): number {
  if (typeof doc === 'string') return (doc.includes('{{') ? HAS_VARIABLE : 0) | (doc.includes('$(') ? HAS_REFERENCE : 0);
  let found = 0;
  if (Array.isArray(doc)) {
    for (const v of doc) if ((found |= scan(v)) === (HAS_VARIABLE | HAS_REFERENCE)) break;
  } else if (isObject(doc)) {
    for (const k of Object.keys(doc)) {
      found |= scan(k) | scan(doc[k]);
      if (found === (HAS_VARIABLE | HAS_REFERENCE)) break;
    }
  }
  return found;
}

/**
 * SubstituteAll: references first, then variables. A pass whose syntax the document does not hold is
 * skipped: it would change nothing (a reference copies a leaf of the same document, so it brings no `{{`
 * that was not there).
 */
export function substituteAll(ctx: JsonContext, document: JsonValue, resolver: VariableResolver = defaultResolver): JsonValue {
  return substituteFound(ctx, document, scan(document), resolver);
}

/** `substituteAll` for a document already scanned (`found`: what `scan` gave). */
function substituteFound(ctx: JsonContext, document: JsonValue, found: number, resolver: VariableResolver = defaultResolver): JsonValue {
  if (found === 0) return document;
  const withRefs = found & HAS_REFERENCE ? substituteReferences(document) : document;
  return found & HAS_VARIABLE ? substituteVariables(ctx, withRefs, resolver) : withRefs;
}

/** A document prepared for substitution: evaluates to what `substituteAll(ctx, document)` gives. */
export type PreparedSubstitution = (ctx: JsonContext) => JsonValue;

const NO_SEGMENTS: readonly string[] = [];

/**
 * Prepares a policy document for repeated substitution (`substituteAll` semantics and errors): a
 * document without variables or references is returned as it is, a string that is one whole variable
 * resolves its (already extracted) expression, anything else goes through `substituteAll`.
 */
export function prepareSubstitution(document: JsonValue): PreparedSubstitution {
  const found = scan(document);
  if (found === 0) return () => document;
  if (typeof document === 'string' && found === HAS_VARIABLE && isWholeVariable(document)) {
    const variable = replaceBracesAndTrimSpaces(document)[0];
    if (variable !== '@') return (ctx) => resolveVariable(ctx, variable, NO_SEGMENTS, ctx.queryOperation() === 'DELETE', defaultResolver);
  }
  return (ctx) => substituteFound(ctx, document, found);
}

/** Substitutes variables in a single string (e.g. a message). */
export function substituteString(ctx: JsonContext, s: string): JsonValue {
  return substituteAll(ctx, s);
}

export function substituteVariables(ctx: JsonContext, document: JsonValue, resolver: VariableResolver = defaultResolver): JsonValue {
  const isDelete = ctx.queryOperation() === 'DELETE';
  return traverse(document, (value, path) => substituteVariablesInLeaf(ctx, value, path, isDelete, resolver));
}

/** True for `{{ expr }}` with no other brace in it: the whole string is the one variable. */
function isWholeVariable(s: string): boolean {
  const n = s.length;
  if (n < 4 || s.charCodeAt(0) !== 123 || s.charCodeAt(1) !== 123 || s.charCodeAt(n - 1) !== 125 || s.charCodeAt(n - 2) !== 125) return false;
  for (let i = 2; i < n - 2; i++) {
    const c = s.charCodeAt(i);
    if (c === 123 || c === 125) return false;
  }
  return true;
}

function resolveVariable(ctx: JsonContext, variable: string, path: readonly string[], isDelete: boolean, resolver: VariableResolver): JsonValue {
  if (variable === '@') variable = atPath(ctx, leafPath(path));
  if (isDelete) variable = variable.split('request.object').join('request.oldObject');
  try {
    return resolver(ctx, variable);
  } catch (err) {
    const at = leafPath(path);
    throw new SubstitutionError(`failed to resolve ${variable} at path ${at}: ${describeQueryError(err)}`, at, err);
  }
}

function substituteVariablesInLeaf(
  ctx: JsonContext,
  input: string,
  path: readonly string[],
  isDelete: boolean,
  resolver: VariableResolver,
): JsonValue {
  if (!input.includes('{{')) return input;
  // the common case, a leaf that is one variable: its value keeps its JSON type (no rescan, no splice)
  if (isWholeVariable(input)) return resolveVariable(ctx, replaceBracesAndTrimSpaces(input)[0], path, isDelete, resolver);
  let value = input;
  let vars = findAll(REGEX_VARIABLES, value);
  while (vars.length > 0) {
    const originalPattern = value;
    let shallow = false;
    for (let v of vars) {
      const initial = REGEX_VARIABLE_INIT.test(v);
      const old = v;
      if (!initial) v = v.slice(1);
      let variable: string;
      [variable, shallow] = replaceBracesAndTrimSpaces(v);
      let substituted = resolveVariable(ctx, variable, path, isDelete, resolver);
      if (originalPattern === v) return substituted;
      const prefix = initial ? '' : old[0] as string;
      if (shallow && substituted !== null && typeof substituted === 'string') {
        substituted = substituted.split('{{').join('\\{{');
      }
      const text = typeof substituted === 'string' ? substituted : goJsonMarshal(substituted);
      value = replaceOnce(value, prefix + v, prefix + text);
    }
    vars = shallow ? [] : findAll(REGEX_VARIABLES, value);
  }
  return value.split('\\{{').join('{{');
}

/** How Kyverno's context.Query wraps a query failure. */
function describeQueryError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  if (code === 'JMESPATH_SYNTAX') return msg;
  if (code === 'INVALID_QUERY') return msg;
  return `JMESPath query failed: ${msg}`;
}

function replaceOnce(s: string, search: string, replacement: string): string {
  const i = s.indexOf(search);
  if (i < 0) return s;
  return s.slice(0, i) + replacement + s.slice(i + search.length);
}

/**
 * `{{@}}`: the JMESPath of the current leaf: drop up to and including a `foreach` segment, drop two more
 * segments, prefix `target` when defined (mutate existing) else `request.object`.
 */
function atPath(ctx: JsonContext, path: string): string {
  const prefix = ctx.document()['target'] !== undefined ? ['target'] : ['request', 'object'];
  let p = parseJsonPath(path);
  p = p.slice(p.indexOf('foreach') + 1);
  p = 2 > p.length - 1 ? [] : p.slice(2);
  return pointerToJmesPath([...prefix, ...p]);
}

/** Replaces `$(path)` references with the referenced leaf values of the same document. */
export function substituteReferences(document: JsonValue): JsonValue {
  return traverse(document, (value, path) => substituteReferencesInLeaf(document, value, path));
}

function substituteReferencesInLeaf(document: JsonValue, input: string, segments: readonly string[]): JsonValue {
  if (!input.includes('$(')) return input;
  const path = leafPath(segments);
  let value = input;
  for (let v of findAll(REGEX_REFERENCES, value)) {
    const initial = v.startsWith('$(');
    const old = v;
    if (!initial) v = v.slice(1);
    const resolved = resolveReference(document, v, path);
    if (resolved === null || resolved === undefined) {
      throw new SubstitutionError(`got nil resolved variable ${v} at path ${path}: <nil>`, path);
    }
    if (typeof resolved === 'string') {
      value = replaceOnce(value, old, (initial ? '' : old[0]) + resolved);
      continue;
    }
    throw new NotResolvedReferenceError(v, path);
  }
  for (const v of findAll(REGEX_ESCAPED_REFERENCES, value)) value = value.split(v).join(v.slice(1));
  return value;
}

function trimChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a] as string)) a++;
  while (b > a && chars.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

function referenceOperator(p: string): string {
  if (p.length < 2) return '';
  for (const op of ['>=', '<=', '>', '<', '!']) if (p.startsWith(op)) return op;
  return '';
}

function resolveReference(document: JsonValue, reference: string, absolutePath: string): JsonValue | undefined {
  let p = trimChars(reference, '$()');
  const op = referenceOperator(p);
  p = p.slice(op.length);
  if (p.length === 0) {
    throw new SubstitutionError(`failed to resolve ${reference} at path ${absolutePath}: expected path, found empty reference`, absolutePath);
  }
  p = p.startsWith('/') ? cleanPath(p) : cleanPath(`${absolutePath}/${p}`);
  const found = valueAtAnchorFreePath(document, p);
  if (op === '') return found;
  if (typeof found === 'string') return op + found;
  if (typeof found === 'number') return op + (Number.isInteger(found) ? String(found) : found.toFixed(6));
  throw new SubstitutionError(
    `failed to resolve ${reference} at path ${absolutePath}: incorrect expression: operator ${op} does not match with value ${String(found)}`,
    absolutePath,
  );
}

/** Go path.Clean for `/`-separated paths. */
export function cleanPath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  return abs ? '/' + s : s || '.';
}

/** Finds the leaf whose path, with anchors removed, equals `path`. */
function valueAtAnchorFreePath(document: JsonValue, path: string): JsonValue | undefined {
  let found: JsonValue | undefined;
  const visit = (node: JsonValue, p: string): void => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => visit(v, `${p}/${i}`));
      return;
    }
    if (isObject(node)) {
      for (const k of Object.keys(node)) {
        // keys are visited as leaves at the parent's path
        if (removeAnchorsFromPath(p) === path) found = k;
        visit(node[k] as JsonValue, `${p}/${k.split('/').join('\\/')}`);
      }
      return;
    }
    if (removeAnchorsFromPath(p) === path) found = node;
  };
  visit(document, '');
  return found;
}

/**
 * GeneratingPolicy templates (Kyverno pkg/cel/policies/gpol/template): `generate[].template.value` is a
 * YAML stream of resources; with `interpolate: cel`, scalars may hold placeholders `(( expr ))`:
 * - a scalar that is exactly one placeholder is replaced by the expression's value (any JSON value);
 * - placeholders inside a longer string are replaced by the text of a scalar result (string, bool, int,
 *   double); structured results there are an error;
 * - `\((` writes a literal `((`; placeholders are not allowed in mapping keys, merge keys (`<<`) not in
 *   subtrees holding placeholders.
 * Subtrees without placeholders are decoded once as plain YAML. Every document must describe a resource
 * (a mapping); empty / null documents are skipped; at least one document is required.
 *
 * ```ts
 * const t = compileTemplate(env, 'kind: ConfigMap\nmetadata:\n  name: (( variables.name ))', true); // Template | { error }
 * t.render(activation); // [{ kind: 'ConfigMap', metadata: { name: 'x' } }]
 * ```
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import type { JsonObject, JsonValue } from '../api/json.ts';
import type { CelActivation, CelEnvironment, CompiledCel } from '../cel/environment.ts';
import { isCelCompileError } from '../cel/errors.ts';
import { celToJson } from '../cel/values.ts';
import { errorText, evaluate } from '../celmutate/common/program.ts';
import { goQuote } from '../utils/goconv.ts';
import { goSprintFloat } from '../utils/gofmt.ts';
import { CelGenerateError } from './errors.ts';

interface Segment {
  literal?: string;
  expression?: string;
}

/** `scan`: literal and placeholder segments of a scalar; an error text for malformed placeholders. */
export function scanPlaceholders(s: string): Segment[] | string {
  const out: Segment[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal.length > 0) {
      out.push({ literal });
      literal = '';
    }
  };
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('\\((', i)) {
      literal += '((';
      i += 3;
      continue;
    }
    if (s.startsWith('((', i)) {
      const r = scanPlaceholder(s, i);
      if (typeof r === 'string') return r;
      flush();
      out.push({ expression: r.expr });
      i = r.next;
      continue;
    }
    literal += s[i];
    i++;
  }
  flush();
  return out;
}

function byteOffset(s: string, i: number): number {
  return new TextEncoder().encode(s.slice(0, i)).length;
}

function scanPlaceholder(s: string, start: number): { expr: string; next: number } | string {
  let depth = 0;
  let quote = '';
  let i = start + 2;
  while (i < s.length) {
    const c = s[i]!;
    if (quote !== '') {
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === quote) quote = '';
      i++;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth > 0) depth--;
      else if (s[i + 1] === ')') {
        const expr = s.slice(start + 2, i).trim();
        if (expr === '') return `empty placeholder at offset ${byteOffset(s, start)}`;
        return { expr, next: i + 2 };
      } else return `unbalanced parenthesis in placeholder starting at offset ${byteOffset(s, start)}`;
    }
    i++;
  }
  if (quote !== '') return `unterminated string literal in placeholder starting at offset ${byteOffset(s, start)}`;
  return `unterminated placeholder starting at offset ${byteOffset(s, start)}: missing closing '))'`;
}

function containsPlaceholder(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith('\\((', i)) {
      i += 2;
      continue;
    }
    if (s.startsWith('((', i)) return true;
  }
  return false;
}

type TNode =
  | { kind: 'literal'; value: JsonValue }
  | { kind: 'map'; entries: Array<[string, TNode]> }
  | { kind: 'seq'; items: TNode[] }
  | { kind: 'splice'; program: CompiledCel; expression: string }
  | { kind: 'interp'; segments: Segment[]; programs: Map<number, CompiledCel> };

class TemplateError extends Error {}

/** A compiled template: render it against an activation to get the resources. */
export class Template {
  constructor(private readonly docs: readonly TNode[]) {}

  /** `Render`: the documents' objects, or throws with Kyverno's message (`document 1: field "x": ...`). */
  render(activation: CelActivation): JsonObject[] {
    return this.docs.map((d, i) => {
      let v: JsonValue;
      try {
        v = renderNode(d, activation);
      } catch (e) {
        throw new CelGenerateError('TEMPLATE_RENDER', `document ${i + 1}: ${errorText(e)}`);
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CelGenerateError('TEMPLATE_RENDER', `document ${i + 1}: expected a mapping describing a resource, got ${goNativeType(v)}`);
      return v;
    });
  }
}

function goNativeType(v: JsonValue): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return 'map[string]interface {}';
}

/** `celValueToNative`. */
function nativeValue(v: unknown): JsonValue {
  return celToJson(v);
}

function renderNode(n: TNode, activation: CelActivation): JsonValue {
  switch (n.kind) {
    case 'literal':
      return structuredClone(n.value);
    case 'map': {
      const out: JsonObject = {};
      for (const [k, v] of n.entries) {
        try {
          out[k] = renderNode(v, activation);
        } catch (e) {
          throw new CelGenerateError('TEMPLATE_RENDER', `field ${goQuote(k)}: ${errorText(e)}`);
        }
      }
      return out;
    }
    case 'seq':
      return n.items.map((item, i) => {
        try {
          return renderNode(item, activation);
        } catch (e) {
          throw new CelGenerateError('TEMPLATE_RENDER', `item ${i}: ${errorText(e)}`);
        }
      });
    case 'splice': {
      let out: unknown;
      try {
        out = evaluate(n.program, activation);
      } catch (e) {
        throw new CelGenerateError('TEMPLATE_RENDER', `failed to evaluate placeholder ${goQuote(n.expression)}: ${errorText(e)}`);
      }
      return nativeValue(out);
    }
    case 'interp': {
      let s = '';
      n.segments.forEach((seg, i) => {
        if (seg.expression === undefined) {
          s += seg.literal ?? '';
          return;
        }
        let out: unknown;
        try {
          out = evaluate(n.programs.get(i)!, activation);
        } catch (e) {
          throw new CelGenerateError('TEMPLATE_RENDER', `failed to evaluate placeholder ${goQuote(seg.expression)}: ${errorText(e)}`);
        }
        if (typeof out === 'string') s += out;
        else if (typeof out === 'boolean') s += out ? 'true' : 'false';
        else if (typeof out === 'bigint') s += out.toString();
        else if (typeof out === 'number') s += goSprintFloat(out);
        else if (out !== null && typeof out === 'object' && typeof (out as { valueOf(): unknown }).valueOf() === 'bigint') s += String((out as { valueOf(): unknown }).valueOf());
        else {
          const v = nativeValue(out);
          throw new CelGenerateError('TEMPLATE_RENDER', 
            `placeholder ${goQuote(seg.expression)} embedded in a string must evaluate to a scalar, got ${goNativeType(v)}; use a whole-value placeholder for structured results`,
          );
        }
      });
      return s;
    }
  }
}

function nodeContainsPlaceholder(n: unknown): boolean {
  if (isAlias(n)) return false;
  if (isScalar(n)) {
    const v = typeof n.source === 'string' ? n.source : String(n.value ?? '');
    return typeof n.value === 'string' && (containsPlaceholder(v) || v.includes('\\(('));
  }
  if (isMap(n)) return n.items.some((p) => nodeContainsPlaceholder(p.key) || nodeContainsPlaceholder(p.value));
  if (isSeq(n)) return n.items.some((i) => nodeContainsPlaceholder(i));
  return false;
}

class Compiler {
  constructor(
    private readonly env: CelEnvironment,
    private readonly interpolate: boolean,
    private readonly line: (offset: number) => number,
  ) {}

  private lineOf(n: unknown): number {
    const range = (n as { range?: [number, number, number] }).range;
    return range ? this.line(range[0]) : 0;
  }

  compileNode(n: unknown, doc: { toJS?: unknown }, decode: (n: unknown) => JsonValue): TNode {
    if (!this.interpolate || !nodeContainsPlaceholder(n)) return { kind: 'literal', value: decode(n) };
    if (isMap(n)) {
      const entries: Array<[string, TNode]> = [];
      for (const pair of n.items) {
        const key = pair.key;
        if (!isScalar(key)) throw new TemplateError(`line ${this.lineOf(key)}: only scalar mapping keys are supported`);
        const k = String(key.value ?? '');
        if (containsPlaceholder(k)) {
          throw new TemplateError(
            `line ${this.lineOf(key)}: placeholders are not supported in mapping keys; use a whole-value placeholder on the parent field instead (e.g. \`labels: (( variables.labels ))\`)`,
          );
        }
        if (k === '<<') throw new TemplateError(`line ${this.lineOf(key)}: YAML merge keys are not supported in subtrees containing placeholders`);
        entries.push([k, this.compileNode(pair.value, doc, decode)]);
      }
      return { kind: 'map', entries };
    }
    if (isSeq(n)) return { kind: 'seq', items: n.items.map((i) => this.compileNode(i, doc, decode)) };
    if (isScalar(n)) return this.compileScalar(n);
    throw new TemplateError(`line ${this.lineOf(n)}: unsupported YAML node kind`);
  }

  private compileScalar(n: { value: unknown }): TNode {
    const text = String(n.value ?? '');
    const segments = scanPlaceholders(text);
    if (typeof segments === 'string') throw new TemplateError(`line ${this.lineOf(n)}: ${segments}`);
    const exprs = segments.filter((s) => s.expression !== undefined).length;
    if (exprs === 0) return { kind: 'literal', value: segments.map((s) => s.literal ?? '').join('') };
    if (exprs === 1 && segments.length === 1) {
      const expression = segments[0]!.expression!;
      return { kind: 'splice', program: this.compileExpression(n, expression), expression };
    }
    const programs = new Map<number, CompiledCel>();
    segments.forEach((s, i) => {
      if (s.expression !== undefined) programs.set(i, this.compileExpression(n, s.expression));
    });
    return { kind: 'interp', segments, programs };
  }

  private compileExpression(n: unknown, expression: string): CompiledCel {
    const p = this.env.compile(expression);
    if (isCelCompileError(p)) throw new TemplateError(`line ${this.lineOf(n)}: invalid placeholder expression ${goQuote(expression)}: ${p.message}`);
    return p;
  }
}

function isMappingRoot(n: TNode): boolean {
  if (n.kind === 'map') return true;
  if (n.kind === 'literal') return n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value);
  return false;
}

/** `template.Compile`: the template, or the field error detail (`failed to parse YAML: ...`, ...). */
export function compileTemplate(env: CelEnvironment, value: string, interpolate: boolean): Template | { error: string } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(value, { lineCounter: lc, version: '1.2', uniqueKeys: false, logLevel: 'error' });
  const list = Array.isArray(docs) ? docs : [docs];
  const line = (offset: number): number => lc.linePos(offset).line;
  const compiler = new Compiler(env, interpolate, line);
  const out: TNode[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      return { error: `failed to parse YAML: yaml: line ${e.linePos?.[0]?.line ?? 0}: ${e.message.split('\n')[0]}` };
    }
    const root = doc.contents as YamlNode | null;
    if (root === null || root === undefined) continue;
    if (isScalar(root) && root.value === null) continue;
    const decode = (n: unknown): JsonValue => (n as { toJS(d: unknown): JsonValue }).toJS(doc);
    let node: TNode;
    try {
      node = compiler.compileNode(root, doc, (n) => toJsonValue(decode(n)));
    } catch (e) {
      if (e instanceof TemplateError) return { error: e.message };
      throw e;
    }
    if (!isMappingRoot(node)) return { error: `line ${line((root as { range?: [number, number, number] }).range?.[0] ?? 0)}: document must be a mapping describing a resource` };
    out.push(node);
  }
  if (out.length === 0) return { error: 'template must contain at least one YAML document' };
  return new Template(out);
}

function toJsonValue(v: unknown): JsonValue {
  if (v === undefined) return null;
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}

/**
 * Variable checking by mock substitution (pkg/engine/context/mock_context.go and the variable walk of
 * pkg/engine/variables/vars.go as used by pkg/validation/policy): every `{{expr}}` in a rule must
 * compile as JMESPath and either match the allowed-variables regex or one of the context patterns
 * (`<contextName>*`, ...). Allowed variables resolve to null, so nested variables are checked too.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import { findAll, REGEX_VARIABLE_INIT, REGEX_VARIABLES, replaceBracesAndTrimSpaces } from '../variables/regex.ts';
import { parseJsonPath, pointerToJmesPath } from '../variables/path.ts';
import { wildcardMatch } from '../utils/wildcard.ts';

/** Compiles a JMESPath expression, throwing an Error whose message is go-jmespath's. */
export type JmesPathCompiler = (expression: string) => void;

/** A query the mock context refuses: not allowed by the regex nor by a context pattern. */
export class InvalidVariableError extends Error {
  readonly code = 'INVALID_VARIABLE' as const;
  constructor(variable: string, reSource: string | undefined, patterns: readonly string[]) {
    const list = `[${patterns.join(' ')}]`;
    super(
      reSource === undefined
        ? `variable ${variable} must match patterns ${list}`
        : `variable ${variable} must match regex "${reSource}" or patterns ${list}`,
    );
    this.name = 'InvalidVariableError';
  }
}

/** Any other substitution failure (message is Kyverno's full text). */
export class MockSubstitutionError extends Error {
  readonly code = 'MOCK_SUBSTITUTION' as const;
}

/** The allowed-variable regexes of pkg/validation/policy/validate.go (source text kept for messages). */
export const ALLOWED_VARIABLES = {
  /** enginecontext.ReservedKeys */
  admission: String.raw`request|serviceAccountName|serviceAccountNamespace|element|elementIndex|@|images|image|([a-z_0-9]+\()[^{}]`,
  background: String.raw`request\.|element|elementIndex|@|images|images\.|image\.|([a-z_0-9]+\()[^{}]`,
  target: String.raw`request\.|serviceAccountName|serviceAccountNamespace|element|elementIndex|@|images|images\.|image\.|target\.|([a-z_0-9]+\()[^{}]`,
  backgroundTarget: String.raw`request\.|element|elementIndex|@|images|images\.|image\.|target\.|([a-z_0-9]+\()[^{}]`,
} as const;

/** `getAllowedVariables(background, target)` */
export function allowedVariables(background: boolean, target: boolean): string {
  if (target) return background ? ALLOWED_VARIABLES.backgroundTarget : ALLOWED_VARIABLES.target;
  return background ? ALLOWED_VARIABLES.background : ALLOWED_VARIABLES.admission;
}

/** A mock evaluation context: an allowed regex plus wildcard patterns for defined names. */
export class MockContext {
  private readonly re: RegExp;
  readonly patterns: string[] = [];
  constructor(
    readonly reSource: string,
    private readonly compile: JmesPathCompiler,
  ) {
    this.re = new RegExp(reSource);
  }

  addVariable(pattern: string): void {
    this.patterns.push(pattern);
  }

  /** `MockContext.Query`: null when allowed, else throws. */
  query(raw: string): null {
    let query = raw.trim();
    if (query === '') throw new MockSubstitutionError('invalid query (nil)');
    try {
      this.compile(query);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new MockSubstitutionError(`invalid JMESPath query ${query}: ${msg}`);
    }
    query = query.split('"').join('');
    if (this.re.test(query)) return null;
    for (const p of this.patterns) if (wildcardMatch(p, query)) return null;
    throw new InvalidVariableError(query, this.reSource, this.patterns);
  }
}

/** `{{@}}`: the JMESPath of the leaf at `path` (after `foreach`, minus 2 segments), under `prefix`. */
function atPath(prefix: string[], path: string): string {
  let p = parseJsonPath(path);
  const fe = p.indexOf('foreach');
  if (fe >= 0) p = p.slice(fe + 1);
  p = p.length > 2 ? p.slice(2) : [];
  return pointerToJmesPath([...prefix, ...p]);
}

function replaceOnce(s: string, search: string, replacement: string): string {
  const i = s.indexOf(search);
  return i < 0 ? s : s.slice(0, i) + replacement + s.slice(i + search.length);
}

function substituteLeaf(ctx: MockContext, input: string, path: string): JsonValue {
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
      if (variable === '@') {
        let prefix = ['target'];
        try {
          ctx.query('target');
        } catch {
          prefix = ['request', 'object'];
        }
        variable = atPath(prefix, path);
      }
      try {
        ctx.query(variable);
      } catch (err) {
        if (err instanceof InvalidVariableError) throw err;
        const msg = err instanceof Error ? err.message : String(err);
        throw new MockSubstitutionError(`failed to resolve ${variable} at path ${path}: ${msg}`);
      }
      if (originalPattern === v) return null;
      const prefix = initial ? '' : old.charAt(0);
      value = replaceOnce(value, prefix + v, prefix + 'null');
    }
    vars = shallow ? [] : findAll(REGEX_VARIABLES, value);
  }
  return value.split('\\{{').join('{{');
}

function walk(ctx: MockContext, node: JsonValue, path: string): void {
  if (typeof node === 'string') {
    substituteLeaf(ctx, node, path);
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((e, i) => walk(ctx, e, `${path}/${i}`));
    return;
  }
  if (isObject(node)) {
    for (const key of Object.keys(node)) {
      const newKey = substituteLeaf(ctx, key, path);
      if (newKey !== null && typeof newKey !== 'string') {
        throw new MockSubstitutionError(`expected string after substituting variables in key "${key}"`);
      }
      walk(ctx, (node as JsonObject)[key] as JsonValue, `${path}/${key.split('/').join('\\/')}`);
    }
  }
}

/**
 * Substitutes every variable of the document against the mock context, throwing InvalidVariableError
 * or MockSubstitutionError on the first failure (`SubstituteAllInRule` with a MockContext; `$(...)`
 * references must have been resolved before).
 */
export function checkVariables(ctx: MockContext, document: JsonValue): void {
  walk(ctx, document, '');
}

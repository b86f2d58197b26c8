/**
 * Checks of rule `context` entries (pkg/validation/policy/validate.go `validateRuleContext`): not with
 * validate.cel, a name that does not shadow a built-in variable, exactly one source, and per source
 * its required fields, JMESPath syntax (when free of variables) and image reference syntax.
 */
import { ImageReferenceError, parseReference } from '../utils/image.ts';
import type { JmesPathCompiler } from './mock-context.ts';
import { hasValidateCEL, obj, objects, present, str, type Obj } from './rule-model.ts';
import { replaceAllVars } from './variable-text.ts';

const RESERVED_NAMES = ['images', 'request', 'serviceAccountName', 'serviceAccountNamespace', 'element', 'elementIndex'];

/** go-digest `Digest.Validate` for the digest part of a reference. */
function digestError(d: string): string | undefined {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) return 'invalid checksum digest format';
  const algorithm = d.slice(0, i);
  const encoded = d.slice(i + 1);
  const sizes: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
  const size = sizes[algorithm];
  if (size === undefined) {
    return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(d) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  }
  if (encoded.length !== size) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest format';
  return undefined;
}

/** `reference.Parse` error text, or undefined when the reference is valid. */
export function imageReferenceError(ref: string): string | undefined {
  try {
    const parsed = parseReference(ref);
    return parsed.digest !== '' ? digestError(parsed.digest) : undefined;
  } catch (err) {
    if (err instanceof ImageReferenceError) return err.message;
    throw err;
  }
}

/** Parses `expr` unless it holds variables; returns `failed to parse JMESPath ...` on a syntax error. */
function jmesPathError(expr: string, compile: JmesPathCompiler): string | undefined {
  const replaced = replaceAllVars(expr, () => 'kyvernojmespathvariable');
  if (replaced.includes('kyvernojmespathvariable') || expr === '') return undefined;
  try {
    compile(expr);
  } catch (err) {
    return `failed to parse JMESPath ${expr}: ${err instanceof Error ? err.message : String(err)}`;
  }
  return undefined;
}

function entryError(entry: Obj, compile: JmesPathCompiler): string | undefined {
  const cm = obj(entry['configMap']);
  const api = obj(entry['apiCall']);
  const global = obj(entry['globalReference']);
  const reg = obj(entry['imageRegistry']);
  const variable = obj(entry['variable']);
  const sources = [cm, api, global, reg, variable].filter((s) => s !== undefined).length;
  if (sources !== 1) return 'exactly one of configMap or apiCall or imageRegistry or variable is required for context entries';
  if (cm) {
    if (str(cm['name']) === '') return 'a name is required for configMap context entry';
    if (str(cm['namespace']) === '') return 'a namespace is required for configMap context entry';
    return undefined;
  }
  if (api) {
    if (str(api['urlPath']) !== '' && present(api['service'])) return 'a URLPath cannot be used for service API calls';
    return jmesPathError(str(api['jmesPath']), compile);
  }
  if (global) {
    if (str(global['name']) === '') return 'a name is required for globalReference context entry';
    return jmesPathError(str(global['jmesPath']), compile);
  }
  if (reg) {
    const reference = str(reg['reference']);
    if (reference === '') return 'a ref is required for imageRegistry context entry';
    const ref = replaceAllVars(reference, () => 'kyvernoimageref');
    if (!ref.includes('kyvernoimageref')) {
      const err = imageReferenceError(ref);
      if (err !== undefined) return `bad image: ${ref}: ${err}`;
    }
    return jmesPathError(str(reg['jmesPath']), compile);
  }
  if (variable) {
    const raw = str(variable['jmesPath']);
    const err = jmesPathError(raw, compile);
    if (err !== undefined) return err;
    const jmesPath = replaceAllVars(raw, () => 'kyvernojmespathvariable');
    if (!present(variable['value']) && jmesPath === '') return 'a variable must define a value or a jmesPath expression';
    if (present(variable['default']) && jmesPath === '') {
      return 'a variable must define a default value only when a jmesPath expression is defined';
    }
  }
  return undefined;
}

/** `validateRuleContext(rule)`: the error text or undefined. */
export function ruleContextError(rule: Obj, compile: JmesPathCompiler): string | undefined {
  const entries = objects(rule['context']);
  if (entries.length === 0) return undefined;
  if (hasValidateCEL(rule)) return 'context variables are not supported for CEL expressions in validate rules';
  for (const entry of entries) {
    const name = str(entry['name']);
    if (name === '') return 'a name is required for context entries';
    for (const v of RESERVED_NAMES) {
      if (name === v || name.startsWith(`${v}.`)) return `entry name ${name} is invalid as it conflicts with a pre-defined variable ${v}`;
    }
    const err = entryError(entry, compile);
    if (err !== undefined) return err;
  }
  return undefined;
}

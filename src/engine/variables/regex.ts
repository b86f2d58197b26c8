/**
 * The variable and reference syntaxes (kyverno/pkg/engine/variables/regex/regex.go).
 * `{{ expr }}` variables may contain single-brace groups (`{a: b}`) but not `{{`; a preceding backslash
 * escapes them. `$(path)` references point into the same document.
 */

/** `(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})` — group 1 is the preceding character (if any). */
export const REGEX_VARIABLES = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
export const REGEX_VARIABLE_INIT = /^\{\{(\{[^{}]*\}|[^{}])*\}\}/;
export const REGEX_REFERENCES = /^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)/g;
export const REGEX_ESCAPED_REFERENCES = /\\\$\(.[^ )]*\)/g;
export const REGEX_ELEMENT_INDEX = /\{\{\s*elementIndex\d*\s*\}\}/g;

/** All matches of a global regex as strings (Go FindAllString semantics, non-overlapping). */
export function findAll(re: RegExp, s: string): string[] {
  re.lastIndex = 0;
  const out: string[] = [];
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    out.push(m[0]);
    if (m[0].length === 0) re.lastIndex++;
  }
  re.lastIndex = 0;
  return out;
}

/** True when the string holds a `{{ }}` variable. */
export function isVariable(s: string): boolean {
  REGEX_VARIABLES.lastIndex = 0;
  const r = REGEX_VARIABLES.test(s);
  REGEX_VARIABLES.lastIndex = 0;
  return r;
}

/** True when the string holds a `$( )` reference. */
export function isReference(s: string): boolean {
  REGEX_REFERENCES.lastIndex = 0;
  const r = REGEX_REFERENCES.test(s);
  REGEX_REFERENCES.lastIndex = 0;
  return r;
}

/** True when some string leaf or key in the value holds a variable (JSON text scan, like Kyverno). */
export function objectHasVariables(v: unknown): boolean {
  return isVariable(JSON.stringify(v) ?? '');
}

/** `{{- x }}` -> [x, shallow=true]; `{{ x }}` -> [x, false]. */
export function replaceBracesAndTrimSpaces(v: string): [string, boolean] {
  let variable = v;
  if (v.startsWith('{{') && v.endsWith('}}') && v.indexOf('{{', 2) < 0 && v.indexOf('}}') === v.length - 2) {
    variable = v.slice(2, -2).trim();
  } else {
    variable = v.replaceAll('{{', '').replaceAll('}}', '').trim();
  }
  if (variable.startsWith('-')) {
    variable = variable.slice(1).trim();
    return [variable, true];
  }
  return [variable, false];
}

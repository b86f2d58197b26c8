/**
 * Text-level variable helpers used by policy validation (pkg/engine/variables/vars.go `ReplaceAllVars`,
 * pkg/validation/policy/validate.go's own `{{...}}` regex).
 */
import { REGEX_VARIABLE_INIT, REGEX_VARIABLES } from '../variables/regex.ts';

/**
 * `ReplaceAllVars`: every `{{...}}` variable (not escaped) replaced by `repl(variable)`, keeping the
 * character before it. Example: `replaceAllVars('a{{x}}', () => 'v')` is `av`.
 */
export function replaceAllVars(src: string, repl: (v: string) => string): string {
  return src.replace(REGEX_VARIABLES, (m: string) => {
    if (REGEX_VARIABLE_INIT.test(m)) return repl(m);
    return m.charAt(0) + repl(m.slice(1));
  });
}

/** validate.go's `regexVariables` (`\{\{[^{}]*\}\}`), used for the match/exclude checks. */
const SIMPLE_VARIABLE = /\{\{[^{}]*\}\}/;

/** True when the JSON text holds a simple `{{...}}` variable. */
export function textHasSimpleVariable(text: string): boolean {
  return SIMPLE_VARIABLE.test(text);
}

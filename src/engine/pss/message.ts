/**
 * How Kyverno prints failed checks in a rule message (`pss.FormatChecksPrint`): for each check
 * `(Forbidden reason: <reason>, field error list: [<errors joined by ", ">])`, checks concatenated with
 * no separator. A Forbidden error with a value prints `<path> is forbidden, forbidden values found:
 * <value as Go %+v>`; other errors print as Go's `field.Error.Error()` (`<path>: Required value`,
 * `<path>: Forbidden`).
 */
import type { BadValue, CheckResult, FieldError } from './check.ts';

/** Go's `%+v` of a bad value: strings raw, lists as `[a b]`, nil as `<nil>`. */
export function formatBadValue(v: BadValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  return `[${v.join(' ')}]`;
}

/** Go's `field.Error.Error()` for the error types the checks produce (no detail). */
export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${e.type === 'Required' ? 'Required value' : 'Forbidden'}`;
}

/** One field error as Kyverno prints it. Example: `spec.hostPID is forbidden, forbidden values found: true`. */
export function formatFieldError(e: FieldError): string {
  const hasValue = !(typeof e.badValue === 'string' && e.badValue === '');
  if (e.type === 'Forbidden' && hasValue) return `${e.field} is forbidden, forbidden values found: ${formatBadValue(e.badValue)}`;
  return fieldErrorString(e);
}

/**
 * Kyverno's `FormatChecksPrint`. Example:
 * `(Forbidden reason: host namespaces, field error list: [spec.hostNetwork is forbidden, forbidden values found: true])`.
 */
export function formatChecksPrint(checks: ReadonlyArray<{ result: CheckResult }>): string {
  let out = '';
  for (const c of checks) {
    out += `(Forbidden reason: ${c.result.forbiddenReason}, field error list: [`;
    const errs = c.result.errList;
    if (errs !== null) {
      for (let i = 0; i < errs.length; i++) {
        out += formatFieldError(errs[i]!);
        if (i !== errs.length - 1) out += ', ';
      }
    }
    out += '])';
  }
  return out;
}

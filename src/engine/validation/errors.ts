/**
 * Policy validation errors and their text, as Kyverno builds them: plain `fmt.Errorf` messages and
 * Kubernetes field errors (`k8s.io/apimachinery/pkg/util/validation/field`), aggregated like
 * `field.ErrorList.ToAggregate()`.
 */
import { goQuote } from '../utils/goconv.ts';
import { goJsonNumber } from '../utils/gojson.ts';

/**
 * One validation error.
 * - `path`: the field the error is about, in Kubernetes notation (`spec.rules[0].validate.pattern`);
 *   informational, may be `''` when Kyverno does not tie the error to a field.
 * - `message`: the complete text Kyverno reports for this error (including its own path prefix when
 *   Kyverno writes one), e.g. `spec.rules[1].name: Invalid value: {...}: Duplicate rule name: 'r'`.
 */
export interface PolicyValidationError {
  path: string;
  message: string;
}

/** A plain error (`fmt.Errorf`). */
export function plainError(path: string, message: string): PolicyValidationError {
  return { path, message };
}

/**
 * A bad value as `field.Error.ErrorBody` prints it: strings Go-quoted, numbers and booleans plain,
 * anything else as its Go JSON (pass the serialized JSON as `{ json }`).
 */
export type BadValue = string | number | boolean | { json: string };

function badValueText(v: BadValue): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goJsonNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v.json;
}

function withDetail(s: string, detail: string): string {
  return detail.length > 0 ? `${s}: ${detail}` : s;
}

/** `field.Invalid(path, value, detail)` */
export function fieldInvalid(path: string, value: BadValue, detail: string): PolicyValidationError {
  return { path, message: withDetail(`${path}: Invalid value: ${badValueText(value)}`, detail) };
}

/** `field.Forbidden(path, detail)` */
export function fieldForbidden(path: string, detail: string): PolicyValidationError {
  return { path, message: withDetail(`${path}: Forbidden`, detail) };
}

/** `field.Required(path, detail)` */
export function fieldRequired(path: string, detail: string): PolicyValidationError {
  return { path, message: withDetail(`${path}: Required value`, detail) };
}

/** `field.TooLong(path, value, maxLength)` */
export function fieldTooLong(path: string, maxLength: number): PolicyValidationError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return { path, message: `${path}: Too long: ${detail}` };
}

/** `field.Path`: `spec.rules[0].match` */
export function childPath(path: string, child: string): string {
  return path === '' ? child : `${path}.${child}`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/**
 * The single error text Kyverno returns for a list of errors (`ErrorList.ToAggregate().Error()`):
 * `''` for none, the message for one, `[m1, m2]` for several (duplicates dropped).
 */
export function formatPolicyError(errors: readonly PolicyValidationError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errors) {
    if (seen.has(e.message)) continue;
    seen.add(e.message);
    msgs.push(e.message);
  }
  if (msgs.length === 0) return '';
  if (msgs.length === 1) return msgs[0] as string;
  return `[${msgs.join(', ')}]`;
}

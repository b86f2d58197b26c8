/**
 * The text rewrite applied to every generated rule (kyverno pkg/autogen/v1/rule.go: updateFields).
 * Kyverno serializes the rule to JSON, runs plain byte replacements over the whole text (keys, values,
 * the rule name, messages, JMESPath and CEL alike) and decodes it back. Because none of the search strings
 * contains a quote, a match never crosses a JSON token, so rewriting each key and string value in its
 * JSON-escaped form is the same thing; that keeps the quirks:
 * - the replacements are substring based (`request.object.specimen` becomes
 *   `request.object.spec.template.specimen`, CEL mode rewrites `myobject.spec` too);
 * - they run in order over the output of the previous one;
 * - they see escaped text, so a carriage return followed by `equest.object.spec` matches (`\r…`);
 * - in CEL mode (the generated rule has `validate.cel`), the bare `object.`/`oldObject.` forms are used
 *   for the whole rule, which also covers `request.object.…`.
 * Strings are then encoded as encoding/json does (invalid bytes -> U+FFFD, see go-bytes.ts).
 */
import { isObject } from '../api/json.ts';
import type { JsonObject, JsonValue } from '../api/json.ts';
import { sanitizeGoString } from './go-bytes.ts';

/** Which wrapping the rewrite targets: `Pod` (controllers' `spec.template`) or `Cronjob`. */
export type UpdateFieldsKind = 'Pod' | 'Cronjob';

type Replacements = ReadonlyArray<readonly [string, string]>;

const POD: Replacements = [
  ['request.object.spec', 'request.object.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.template.metadata'],
];
const POD_CEL: Replacements = [
  ['object.spec', 'object.spec.template.spec'],
  ['oldObject.spec', 'oldObject.spec.template.spec'],
  ['object.metadata', 'object.spec.template.metadata'],
  ['oldObject.metadata', 'oldObject.spec.template.metadata'],
];
const CRONJOB: Replacements = [
  ['request.object.spec', 'request.object.spec.jobTemplate.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.jobTemplate.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.jobTemplate.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.jobTemplate.spec.template.metadata'],
];
const CRONJOB_CEL: Replacements = [
  ['object.spec', 'object.spec.jobTemplate.spec.template.spec'],
  ['oldObject.spec', 'oldObject.spec.jobTemplate.spec.template.spec'],
  ['object.metadata', 'object.spec.jobTemplate.spec.template.metadata'],
  ['oldObject.metadata', 'oldObject.spec.jobTemplate.spec.template.metadata'],
];

function replacementsFor(kind: UpdateFieldsKind, cel: boolean): Replacements {
  if (kind === 'Pod') return cel ? POD_CEL : POD;
  return cel ? CRONJOB_CEL : CRONJOB;
}

/**
 * The replacements over a piece of (JSON-escaped) text.
 * Example: `updateFieldsText('request.object.spec', 'Cronjob', false)` ->
 * `'request.object.spec.jobTemplate.spec.template.spec'`.
 */
export function updateFieldsText(text: string, kind: UpdateFieldsKind, cel: boolean): string {
  let out = text;
  for (const [from, to] of replacementsFor(kind, cel)) {
    if (out.includes(from)) out = out.split(from).join(to);
  }
  return out;
}

/** Every search string contains this; strings without it are left alone. */
const NEEDLE = 'bject.';

function rewriteString(s: string, kind: UpdateFieldsKind, cel: boolean): string {
  const clean = sanitizeGoString(s);
  if (!clean.includes(NEEDLE)) return clean;
  if (!clean.includes('\r')) return updateFieldsText(clean, kind, cel);
  // Only a carriage return, escaped as `\r`, can join a match (none of the other escapes ends in `r`/`o`).
  const escaped = clean.split('\\').join('\\\\').split('\r').join('\\r');
  const rewritten = updateFieldsText(escaped, kind, cel);
  return rewritten.replace(/\\(\\|r)/g, (_m, c: string) => (c === 'r' ? '\r' : '\\'));
}

function rewriteValue(v: JsonValue, kind: UpdateFieldsKind, cel: boolean): JsonValue {
  if (typeof v === 'string') return rewriteString(v, kind, cel);
  if (Array.isArray(v)) return v.map((x) => rewriteValue(x, kind, cel));
  if (isObject(v)) return rewriteObject(v, kind, cel);
  return v;
}

function rewriteObject(o: JsonObject, kind: UpdateFieldsKind, cel: boolean): JsonObject {
  // The replacements are injective (each inserts text after its own search string), so rewritten keys
  // never collide.
  const out: JsonObject = {};
  for (const k of Object.keys(o)) out[rewriteString(k, kind, cel)] = rewriteValue(o[k] as JsonValue, kind, cel);
  return out;
}

/**
 * Rewrites a generated rule (any JSON value) for `kind`; returns a new value, the input is not modified.
 * Example: `{key: '{{request.object.metadata.name}}'}` with `Pod` ->
 * `{key: '{{request.object.spec.template.metadata.name}}'}`.
 */
export function updateFields<T extends JsonValue>(value: T, kind: UpdateFieldsKind, cel: boolean): T {
  return rewriteValue(value, kind, cel) as T;
}

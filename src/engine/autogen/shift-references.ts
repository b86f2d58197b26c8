/**
 * `$(…)` reference shifting in messages of generated rules (kyverno pkg/engine/variables/vars.go:
 * FindAndShiftReferences). A reference such as `$(./../../pattern/spec/containers/0/image)` points into
 * the rule's pattern; once the pattern is wrapped under `spec/template`, the path after the pivot
 * (`pattern`, `deny`, `podSecurity`, `anyPattern/<i>`) gets the shift inserted.
 *
 * Kyverno works on Go byte strings; this port does too (see go-bytes.ts), so non-ASCII text right
 * before `$(` behaves as in Kyverno. Quirks kept: references are found once in the original message and
 * each is then replaced at its first occurrence in the progressively edited message; with pivot
 * `anyPattern` the index is read from the first reference only and reused for the rest.
 */
import { encodeRune, fromGoBytes, toGoBytes } from './go-bytes.ts';

/** Thrown where Kyverno's Go code panics (slice out of range); `code` is stable. */
export class AutogenReferenceShiftError extends Error {
  readonly code = 'AUTOGEN_REFERENCE_SHIFT_OUT_OF_RANGE';
  readonly reference: string;
  constructor(reference: string) {
    super(`autogen: cannot shift anyPattern reference ${JSON.stringify(reference)}: slice bounds out of range`);
    this.name = 'AutogenReferenceShiftError';
    this.reference = reference;
  }
}

// One Go rune in a byte string: a valid multi-byte UTF-8 sequence, else a single (invalid) byte.
const MB =
  '(?:[\\xc2-\\xdf][\\x80-\\xbf]|\\xe0[\\xa0-\\xbf][\\x80-\\xbf]|[\\xe1-\\xec\\xee\\xef][\\x80-\\xbf]{2}|' +
  '\\xed[\\x80-\\x9f][\\x80-\\xbf]|\\xf0[\\x90-\\xbf][\\x80-\\xbf]{2}|[\\xf1-\\xf3][\\x80-\\xbf]{3}|' +
  '\\xf4[\\x80-\\x8f][\\x80-\\xbf]{2}|[\\x80-\\xff])';
const NOT_BACKSLASH = `(?:[\\x00-\\x5b\\x5d-\\x7f]|${MB})`;
const NOT_NEWLINE = `(?:[\\x00-\\x09\\x0b-\\x7f]|${MB})`;
const NOT_SPACE = `(?:[\\x00-\\x1f\\x21-\\x7f]|${MB})`;
const BODY = `\\$\\(${NOT_NEWLINE}${NOT_SPACE}*\\)`;
/** Go `^\$\(.[^\ ]*\)|[^\\]\$\(.[^\ ]*\)` (regex.RegexReferences) over byte strings. */
const REFERENCES_SOURCE = `^${BODY}|${NOT_BACKSLASH}${BODY}`;

function replaceFirst(s: string, old: string, rep: string): string {
  const i = s.indexOf(old);
  return i < 0 ? s : s.slice(0, i) + rep + s.slice(i + old.length);
}

/**
 * Shifts every `$(…)` reference of `value` that contains `pivot` by inserting `/<shift>` after it.
 * Example: `findAndShiftReferences('bad $(./../pattern/spec/x)', 'spec/template', 'pattern')` ->
 * `'bad $(./../pattern/spec/template/spec/x)'`.
 * Throws AutogenReferenceShiftError where Kyverno panics: pivot `anyPattern`, first reference shorter
 * than 10 bytes (after its leading character) and not containing `anyPattern`.
 */
export function findAndShiftReferences(value: string, shift: string, pivot: string): string {
  if (!value.includes('$(')) return value;
  let bytes = toGoBytes(value);
  const re = new RegExp(REFERENCES_SOURCE, 'g');
  const references = bytes.match(re) ?? [];
  let pv = toGoBytes(pivot);
  const sh = toGoBytes(shift);
  for (const oldReference of references) {
    const initial = oldReference.slice(0, 2) === '$(';
    const reference = initial ? oldReference : oldReference.slice(1);
    const index = reference.indexOf(pv);
    if (pv === 'anyPattern') {
      const start = index + pv.length + 1;
      if (start > reference.length) throw new AutogenReferenceShiftError(fromGoBytes(reference));
      const ruleIndex = reference.slice(start).split('/')[0] as string;
      pv = `${pv}/${ruleIndex}`;
    }
    const shifted = reference.split(pv).join(`${pv}/${sh}`);
    const replacement = (initial ? '' : encodeRune(oldReference.charCodeAt(0))) + shifted;
    bytes = replaceFirst(bytes, oldReference, replacement);
  }
  return fromGoBytes(bytes);
}

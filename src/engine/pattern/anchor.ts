/**
 * Anchors on pattern keys (Kyverno pkg/engine/anchor): `(k)` conditional, `<(k)` global conditional,
 * `X(k)` negation, `+(k)` add-if-not-present, `=(k)` equality, `^(k)` existence. Shared by validate
 * patterns and by strategic-merge mutation overlays.
 */
import { goTrimSpace } from '../utils/goconv.ts';

/** The anchor kinds, with Kyverno's modifier characters in {@link ANCHOR_MODIFIERS}. */
export type AnchorKind = 'condition' | 'global' | 'negation' | 'addIfNotPresent' | 'equality' | 'existence';

/** A parsed anchor: its kind and the inner key. */
export interface Anchor {
  readonly kind: AnchorKind;
  readonly key: string;
}

/** Modifier character of each kind (`''` for the plain conditional anchor). */
export const ANCHOR_MODIFIERS: Readonly<Record<AnchorKind, string>> = {
  condition: '',
  global: '<',
  negation: 'X',
  addIfNotPresent: '+',
  equality: '=',
  existence: '^',
};

const KIND_BY_MODIFIER: Readonly<Record<string, AnchorKind>> = {
  '': 'condition',
  '<': 'global',
  X: 'negation',
  '+': 'addIfNotPresent',
  '=': 'equality',
  '^': 'existence',
};

// Go RE2 `.` matches anything but `\n`.
const ANCHOR_REGEX = /^([+<=X^])?\(([^\n]+)\)$/;

/**
 * Kyverno `anchor.Parse`: the key is trimmed (Unicode spaces) and must look like `<modifier>?(<key>)` with a
 * non-empty inner key; anything else is not an anchor. `parseAnchor('=(name)')` = `{kind: 'equality', key:
 * 'name'}`, `parseAnchor('name')` = `undefined`, `parseAnchor('()')` = `undefined`.
 */
export function parseAnchor(str: string): Anchor | undefined {
  const m = ANCHOR_REGEX.exec(goTrimSpace(str));
  if (!m) return undefined;
  const kind = KIND_BY_MODIFIER[m[1] ?? '']!;
  return { kind, key: m[2]! };
}

/** Kyverno `anchor.String`: `anchorToString('equality', 'name')` = `=(name)`; empty key gives `''`. */
export function anchorToString(kind: AnchorKind, key: string): string {
  if (key === '') return '';
  return ANCHOR_MODIFIERS[kind] + '(' + key + ')';
}

/** `(k)` */
export function isConditionalAnchor(a: Anchor | undefined): boolean {
  return a?.kind === 'condition';
}

/** `<(k)` */
export function isGlobalAnchor(a: Anchor | undefined): boolean {
  return a?.kind === 'global';
}

/** `X(k)` */
export function isNegationAnchor(a: Anchor | undefined): boolean {
  return a?.kind === 'negation';
}

/** `+(k)` */
export function isAddIfNotPresentAnchor(a: Anchor | undefined): boolean {
  return a?.kind === 'addIfNotPresent';
}

/** `=(k)` */
export function isEqualityAnchor(a: Anchor | undefined): boolean {
  return a?.kind === 'equality';
}

/** `^(k)` */
export function isExistenceAnchor(a: Anchor | undefined): boolean {
  return a?.kind === 'existence';
}

/** Kyverno `ContainsCondition`: conditional or global anchor. */
export function containsCondition(a: Anchor | undefined): boolean {
  return a?.kind === 'condition' || a?.kind === 'global';
}

/** The anchors the validate pattern language evaluates in its first phase (conditional, existence, equality, negation). */
export function isPhaseOneAnchor(a: Anchor | undefined): boolean {
  return a !== undefined && (a.kind === 'condition' || a.kind === 'existence' || a.kind === 'equality' || a.kind === 'negation');
}

/**
 * Kyverno `GetAnchorsResourcesFromMap`: splits a pattern map into its phase-one anchors (conditional,
 * existence, equality, negation) and everything else (plain keys, global and add-if-not-present anchors).
 */
export function getAnchorsResourcesFromMap<T>(patternMap: Readonly<Record<string, T>>): {
  anchors: Record<string, T>;
  resources: Record<string, T>;
} {
  const anchors: Record<string, T> = {};
  const resources: Record<string, T> = {};
  for (const key of Object.keys(patternMap)) {
    if (isPhaseOneAnchor(parseAnchor(key))) anchors[key] = patternMap[key]!;
    else resources[key] = patternMap[key]!;
  }
  return { anchors, resources };
}

function cleanPath(p: string): string {
  // Go path.Clean for a relative path built by path.Join.
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/**
 * Kyverno `RemoveAnchorsFromPath`: replaces every anchored path segment by its key and cleans the path
 * like Go `path.Join`. `removeAnchorsFromPath('/spec/=(containers)/0/(image)/')` = `/spec/containers/0/image`.
 */
export function removeAnchorsFromPath(str: string): string {
  let parts = str.split('/');
  if (parts[0] === '') parts = parts.slice(1);
  parts = parts.map((part) => parseAnchor(part)?.key ?? part);
  const nonEmpty = parts.filter((p) => p !== '');
  let newPath = nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'));
  if (str.startsWith('/')) newPath = '/' + newPath;
  return newPath;
}

/**
 * Anchor recognition for the static pattern checks (pkg/engine/anchor `Parse`): a key of the form
 * `<modifier>(<key>)` after trimming spaces, modifier one of `+ < = X ^` or none.
 */

export type AnchorKind = 'condition' | 'global' | 'negation' | 'addIfNotPresent' | 'equality' | 'existence';

const ANCHOR_RE = /^([+<=X^])?\((.+)\)$/;

const KINDS: Record<string, AnchorKind> = {
  '': 'condition',
  '<': 'global',
  X: 'negation',
  '+': 'addIfNotPresent',
  '=': 'equality',
  '^': 'existence',
};

/** The anchor of a map key, or undefined. Example: `parseAnchor('=(name)')` -> `{kind: 'equality', key: 'name'}`. */
export function parseAnchor(key: string): { kind: AnchorKind; key: string } | undefined {
  const m = ANCHOR_RE.exec(key.trim());
  if (!m) return undefined;
  return { kind: KINDS[m[1] ?? ''] as AnchorKind, key: m[2] as string };
}

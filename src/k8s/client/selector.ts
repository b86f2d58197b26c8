/**
 * Label selector strings as the API server parses them (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, comma-joined), and the conversion of a `metav1.LabelSelector` object to that
 * form for LIST/WATCH query parameters.
 *
 * Example: `parseSelector('app=web,tier notin (db)')` then `matchesSelector(sel, {app: 'web'})` -> true.
 */
import type { LabelSelector } from '../../engine/api/policy.ts';

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export function parseSelector(s: string | undefined): Requirement[] {
  const out: Requirement[] = [];
  if (!s) return out;
  let i = 0;
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) {
      out.push({ key: m[1] as string, op: m[2] as 'in' | 'notin', values: (m[3] as string).split(',').map((v) => v.trim()).filter((v) => v !== '') });
    } else if ((m = /^([^=!\s]+)\s*!=\s*(.*)$/.exec(p))) {
      out.push({ key: m[1] as string, op: 'neq', value: (m[2] as string).trim() });
    } else if ((m = /^([^=!\s]+)\s*==?\s*(.*)$/.exec(p))) {
      out.push({ key: m[1] as string, op: 'eq', value: (m[2] as string).trim() });
    } else if (p.startsWith('!')) {
      out.push({ key: p.slice(1).trim(), op: 'notexists' });
    } else {
      out.push({ key: p, op: 'exists' });
    }
  }
  return out;
}

export function matchesSelector(reqs: readonly Requirement[], labels: Readonly<Record<string, string>>): boolean {
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'eq':
        if (!has || v !== r.value) return false;
        break;
      case 'neq':
        if (has && v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v as string)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v as string)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** `metav1.LabelSelectorAsSelector(...).String()`; undefined for a selector that matches nothing. */
export function labelSelectorToString(sel: LabelSelector | undefined | null): string | undefined {
  if (!sel) return '';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${(sel.matchLabels ?? {})[k]}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case 'In':
        if (values.length === 0) return undefined;
        parts.push(`${e.key} in (${values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values.join(',')})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        return undefined;
    }
  }
  return parts.join(',');
}

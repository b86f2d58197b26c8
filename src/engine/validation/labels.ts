/**
 * `isLabelAndAnnotationsString` (pkg/validation/policy/validate.go): label and annotation values in
 * validate patterns and strategic merge patches must be strings ("use double quotes around the non
 * string values"). Looked at: `metadata.{labels,annotations}` or `spec.template.metadata.{...}` of the
 * pattern / anyPattern entries / first map foreach pattern / patch.
 *
 * Kyverno stops at the first of `metadata` / `spec` it meets while iterating the pattern map (Go map
 * order is random); keys are taken here in sorted order, i.e. `metadata` before `spec`.
 */
import type { JsonValue } from '../api/json.ts';
import { getAnyPattern, getPattern, hasMutate, hasValidate, list, obj, objects, type Obj } from './rule-model.ts';

function isMapStringString(m: Obj): boolean {
  for (const k of Object.keys(m)) if (typeof m[k] !== 'string') return false;
  return true;
}

function checkLabelAnnotation(meta: Obj | undefined): boolean {
  if (!meta) return true;
  for (const k of Object.keys(meta)) {
    if (k === 'labels' || k === 'annotations') {
      const m = obj(meta[k]);
      if (m && !isMapStringString(m)) return false;
    }
  }
  return true;
}

function checkMetadata(pattern: Obj): boolean {
  for (const k of Object.keys(pattern).sort()) {
    if (k === 'metadata') {
      const meta = obj(pattern[k]);
      if (meta) return checkLabelAnnotation(meta);
    }
    if (k === 'spec') return checkLabelAnnotation(obj(obj(obj(pattern[k])?.['template'])?.['metadata']));
  }
  return true;
}

function firstMapIn(items: Obj[], field: string): Obj | undefined {
  for (const it of items) {
    const m = obj(it[field] as JsonValue | undefined);
    if (m) return m;
  }
  return undefined;
}

/** true when every label/annotation value Kyverno looks at is a string. */
export function labelsAndAnnotationsAreStrings(rule: Obj): boolean {
  if (hasValidate(rule)) {
    const v = obj(rule['validate']) ?? {};
    const foreach = list(v['foreach']);
    if (foreach) {
      const m = firstMapIn(objects(foreach), 'pattern');
      if (m) return checkMetadata(m);
    } else {
      const pattern = obj(getPattern(v));
      if (pattern) return checkMetadata(pattern);
      const anyPattern = getAnyPattern(v);
      if (anyPattern !== undefined) {
        if (!Array.isArray(anyPattern)) return false;
        for (const p of anyPattern) {
          const m = obj(p);
          if (m && !checkMetadata(m)) return false;
        }
      }
    }
  }
  if (hasMutate(rule)) {
    const m = obj(rule['mutate']) ?? {};
    const foreach = list(m['foreach']);
    if (foreach) {
      const psm = firstMapIn(objects(foreach), 'patchStrategicMerge');
      if (psm) return checkMetadata(psm);
    } else {
      const psm = obj(m['patchStrategicMerge']);
      if (psm) return checkMetadata(psm);
    }
  }
  return true;
}

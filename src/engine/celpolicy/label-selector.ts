/**
 * `metav1.LabelSelectorAsSelector` as the admission matchers use it (namespaceSelector and
 * objectSelector of `matchConstraints`): plain Kubernetes semantics, without Kyverno's wildcard
 * replacement. An absent selector or one with no requirement selects everything; an invalid
 * requirement is an error (the request is then not matched, or the error reported).
 */
import type { LabelSelector } from '../api/policy.ts';
import { quote, validateRequirement, type SelectorOperator } from '../match/label-validation.ts';

export interface K8sLabelSelector {
  /** true when the selector selects everything (`selector.Empty()`) */
  readonly empty: boolean;
  /** the build error (`LabelSelectorAsSelector`), empty when valid */
  readonly error: string;
  /** `selector.Matches(labels.Set(labels))` (false when the selector has an error) */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

const OPERATORS: Readonly<Record<string, SelectorOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

interface Requirement {
  key: string;
  op: SelectorOperator;
  values: ReadonlySet<string>;
}

const EVERYTHING: K8sLabelSelector = { empty: true, error: '', matches: () => true };

/**
 * Compiles a selector once. `compileK8sLabelSelector({matchLabels: {app: 'web'}}).matches({app: 'web'})`
 * is true; `compileK8sLabelSelector(undefined).empty` is true.
 */
export function compileK8sLabelSelector(selector: LabelSelector | null | undefined): K8sLabelSelector {
  if (!selector) return EVERYTHING;
  const matchLabels = selector.matchLabels ?? {};
  const matchExpressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  const keys = Object.keys(matchLabels);
  if (keys.length + matchExpressions.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  let error = '';
  for (const k of keys) {
    const v = String(matchLabels[k]);
    error ||= validateRequirement(k, '=', [v]);
    reqs.push({ key: k, op: '=', values: new Set([v]) });
  }
  for (const e of matchExpressions) {
    const op = typeof e.operator === 'string' && Object.hasOwn(OPERATORS, e.operator) ? OPERATORS[e.operator] : undefined;
    if (op === undefined) {
      error ||= `${quote(String(e.operator))} is not a valid label selector operator`;
      continue;
    }
    const key = typeof e.key === 'string' ? e.key : '';
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    error ||= validateRequirement(key, op, values.length > 0 ? values : null);
    reqs.push({ key, op, values: new Set(values) });
  }
  if (error) return { empty: false, error, matches: () => false };
  return {
    empty: false,
    error: '',
    matches(labels) {
      for (const r of reqs) {
        const present = labels !== undefined && Object.hasOwn(labels, r.key);
        const value = present ? (labels as Record<string, string>)[r.key] : undefined;
        switch (r.op) {
          case '=':
          case 'in':
            if (!present || !r.values.has(value as string)) return false;
            break;
          case 'notin':
            if (present && r.values.has(value as string)) return false;
            break;
          case 'exists':
            if (!present) return false;
            break;
          case '!':
            if (present) return false;
            break;
        }
      }
      return true;
    },
  };
}

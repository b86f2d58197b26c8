/**
 * Kubernetes LabelSelector matching as Kyverno applies it to `selector` / `namespaceSelector`
 * (`pkg/utils/match/labels.go CheckSelector`):
 * 1. Kyverno's wildcard replacement (`pkg/engine/wildcards ReplaceInSelector`): a `matchLabels` entry
 *    whose key or value contains `*`/`?` is replaced by the first label of the object whose key and value
 *    both wildcard-match it; when none does, `*` and `?` are replaced by `0` (so the entry cannot match).
 *    `matchExpressions` are not touched.
 * 2. `metav1.LabelSelectorAsSelector`: no `matchLabels` and no `matchExpressions` -> matches everything;
 *    otherwise every requirement is validated like `labels.NewRequirement` (an invalid key, value,
 *    operator or value count is an error, never a match) and all requirements must hold:
 *    `In` (key present, value listed), `NotIn` (key absent or value not listed), `Exists`, `DoesNotExist`.
 *
 * One deliberate determinism choice: Go builds the replaced `matchLabels` as a map, so if a replaced
 * entry lands on the same key as a literal entry, which one survives depends on Go's map order. Here
 * both are kept (both must hold). Among several object labels fitting a wildcard entry, the first in
 * object order is taken (Go: any); this can only change which validation error is reported.
 */
import type { LabelSelector } from '../api/policy.ts';
import { hasWildcard } from '../utils/wildcard.ts';
import { compileWildcard } from './wildcard-matcher.ts';
import type { WildcardMatcher } from './wildcard-matcher.ts';
import { isValidLabelPair, quote, validateRequirement } from './label-validation.ts';
import type { SelectorOperator } from './label-validation.ts';

/** Outcome of one selector evaluation: `error` non-empty means the selector could not be built. */
export interface LabelSelectorResult {
  readonly matched: boolean;
  readonly error: string;
}

const MATCHED: LabelSelectorResult = Object.freeze({ matched: true, error: '' });
const NOT_MATCHED: LabelSelectorResult = Object.freeze({ matched: false, error: '' });

function failed(error: string): LabelSelectorResult {
  return { matched: false, error };
}

/** A selector compiled once, evaluated against label maps many times. */
export interface CompiledLabelSelector {
  /**
   * Evaluates the selector on a label map (`undefined` = no labels).
   * Example: `compileLabelSelector({matchLabels: {'app': 'web'}}).evaluate({app: 'web'})` -> `{matched: true, error: ''}`.
   */
  evaluate(labels: Readonly<Record<string, string>> | undefined): LabelSelectorResult;
}

interface WildcardEntry {
  key: WildcardMatcher;
  value: WildcardMatcher;
  /** validation error of the `0`-replaced entry, used when no label fits */
  fallbackError: string;
}

interface Expression {
  key: string;
  op: SelectorOperator;
  values: ReadonlySet<string>;
}

const OPERATORS: Readonly<Record<string, SelectorOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

function replaceWildcardChars(s: string): string {
  return s.replaceAll('*', '0').replaceAll('?', '0');
}

function has(labels: Readonly<Record<string, string>> | undefined, key: string): boolean {
  return labels !== undefined && Object.hasOwn(labels, key);
}

/**
 * Compiles a LabelSelector (static validation happens here, once).
 * Example: `compileLabelSelector({matchLabels: {'*': '*'}}).evaluate({})` -> not matched (needs >= 1 label).
 */
export function compileLabelSelector(selector: LabelSelector): CompiledLabelSelector {
  const matchLabels = selector.matchLabels ?? {};
  const matchExpressions = selector.matchExpressions ?? [];
  const labelKeys = Object.keys(matchLabels);
  if (labelKeys.length + matchExpressions.length === 0) return { evaluate: () => MATCHED };

  let staticError = '';
  const literals: Array<readonly [string, string]> = [];
  const wildcards: WildcardEntry[] = [];
  for (const k of labelKeys) {
    const v = String(matchLabels[k]);
    if (hasWildcard(k) || hasWildcard(v)) {
      const k0 = replaceWildcardChars(k);
      const v0 = replaceWildcardChars(v);
      wildcards.push({ key: compileWildcard(k), value: compileWildcard(v), fallbackError: validateRequirement(k0, '=', [v0]) });
    } else {
      literals.push([k, v]);
      staticError ||= validateRequirement(k, '=', [v]);
    }
  }
  const expressions: Expression[] = [];
  for (const e of matchExpressions) {
    const op = typeof e.operator === 'string' && Object.hasOwn(OPERATORS, e.operator) ? OPERATORS[e.operator] : undefined;
    if (op === undefined) {
      staticError ||= `${quote(String(e.operator))} is not a valid label selector operator`;
      continue;
    }
    const key = typeof e.key === 'string' ? e.key : '';
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    staticError ||= validateRequirement(key, op, values.length > 0 ? values : null);
    expressions.push({ key, op, values: new Set(values) });
  }
  if (staticError) {
    const result = failed(staticError);
    return { evaluate: () => result };
  }

  return {
    evaluate(labels) {
      // replaced wildcard entries: validate first (a build error wins over a non-match)
      let unmatchedWildcard = false;
      for (const w of wildcards) {
        let found = false;
        if (labels) {
          for (const k1 in labels) {
            if (!Object.hasOwn(labels, k1)) continue;
            const v1 = labels[k1] as string;
            if (w.key(k1) && w.value(v1)) {
              if (!isValidLabelPair(k1, v1)) return failed(validateRequirement(k1, '=', [v1]));
              found = true;
              break;
            }
          }
        }
        if (!found) {
          if (w.fallbackError) return failed(w.fallbackError);
          unmatchedWildcard = true;
        }
      }
      if (unmatchedWildcard) return NOT_MATCHED;
      for (const [k, v] of literals) {
        if (!has(labels, k) || (labels as Record<string, string>)[k] !== v) return NOT_MATCHED;
      }
      for (const e of expressions) {
        const present = has(labels, e.key);
        switch (e.op) {
          case 'in':
            if (!present || !e.values.has((labels as Record<string, string>)[e.key] as string)) return NOT_MATCHED;
            break;
          case 'notin':
            if (present && e.values.has((labels as Record<string, string>)[e.key] as string)) return NOT_MATCHED;
            break;
          case 'exists':
            if (!present) return NOT_MATCHED;
            break;
          case '!':
            if (present) return NOT_MATCHED;
            break;
          default:
            return NOT_MATCHED;
        }
      }
      return MATCHED;
    },
  };
}

/**
 * One-shot `CheckSelector(selector, labels)` (compiles every call).
 * Example: `checkSelector({matchExpressions: [{key: 'env', operator: 'NotIn', values: ['prod']}]}, {})` -> matched.
 */
export function checkSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): LabelSelectorResult {
  return compileLabelSelector(selector).evaluate(labels);
}

/**
 * Boolean form used where Kyverno ignores the error (`err == nil && hasPassed`, e.g. failure-action
 * overrides): true only when the selector is valid and matches.
 * Example: `matchesLabelSelector({matchLabels: {env: 'prod'}}, {env: 'prod'}) === true`.
 */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const r = checkSelector(selector, labels);
  return r.matched && r.error === '';
}

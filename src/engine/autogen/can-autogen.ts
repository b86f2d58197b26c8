/**
 * Whole-policy autogen eligibility and the controllers annotation (kyverno pkg/autogen/v1/autogen.go:
 * CanAutoGen; api/kyverno/v1/utils.go: ValidateAutogenAnnotation; pkg/validation/policy/validate.go:
 * podControllerAutoGenExclusion).
 */
import { isObject } from '../api/json.ts';
import type { JsonValue } from '../api/json.ts';
import type { KyvernoPolicy, PolicySpec } from '../api/policy.ts';
import {
  AUTOGEN_CONTROLLERS_ANNOTATION,
  DEFAULT_POD_CONTROLLERS,
  POD_CONTROLLER_KINDS,
  containsKind,
  compareGoStrings,
} from './controllers.ts';
import { isZeroGeneration } from './go-zero.ts';

/** Result of canAutoGen: `controllers` is `{none}`, empty, or the default controllers. */
export interface AutoGenSupport {
  readonly applyAutoGen: boolean;
  readonly controllers: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set(['none']);
const EMPTY: ReadonlySet<string> = new Set();
const DEFAULTS: ReadonlySet<string> = new Set(DEFAULT_POD_CONTROLLERS);

const present = (v: JsonValue | undefined): boolean => v !== undefined && v !== null;

function kindsOf(description: JsonValue | undefined): string[] {
  if (!isObject(description) || !Array.isArray(description['kinds'])) return [];
  return description['kinds'].filter((k): k is string => typeof k === 'string');
}

/** `isKindOtherthanPod`: more than one kind, one of them Pod. */
function isKindOtherThanPod(kinds: readonly string[]): boolean {
  return kinds.length > 1 && containsKind(kinds, 'Pod');
}

/**
 * `checkAutogenSupport` for one resource description: false when it sets name, names, selector or
 * annotations, or mixes Pod with other kinds. Records in `needed` whether it names Pod or a default
 * controller (exact kind strings).
 */
function checkAutogenSupport(needed: { value: boolean }, description: JsonValue | undefined): boolean {
  const d = isObject(description) ? description : {};
  const kinds = kindsOf(d);
  const name = d['name'];
  const names = d['names'];
  if (
    (typeof name === 'string' && name !== '') ||
    (Array.isArray(names) && names.length > 0) ||
    present(d['selector']) ||
    present(d['annotations']) ||
    isKindOtherThanPod(kinds)
  ) {
    return false;
  }
  if (!needed.value) needed.value = kinds.some((k) => POD_CONTROLLER_KINDS.has(k));
  return true;
}

/** The legacy description and every any/all filter's description of a match/exclude block. */
function descriptions(block: JsonValue | undefined): Array<JsonValue | undefined> {
  if (!isObject(block)) return [undefined];
  const out: Array<JsonValue | undefined> = [block['resources']];
  for (const key of ['any', 'all'] as const) {
    const filters = block[key];
    if (Array.isArray(filters)) for (const f of filters) out.push(isObject(f) ? f['resources'] : undefined);
  }
  return out;
}

/**
 * `CanAutoGen`: whether rules for pod controllers can be generated from this policy.
 * - any generate rule, or a `patchesJson6902` in a mutate rule or its foreach -> `{false, {none}}`;
 * - a match/exclude description (legacy, any, all) with name, names, selector or annotations, or kinds
 *   mixing Pod with other kinds -> `{false, {}}`;
 * - no description names Pod or a controller -> `{false, {}}`;
 * - otherwise `{true, DEFAULT_POD_CONTROLLERS}`.
 * Example: a single rule matching `kinds: [Pod]` -> `{applyAutoGen: true, controllers: {DaemonSet, …}}`.
 */
export function canAutoGen(spec: PolicySpec): AutoGenSupport {
  const needed = { value: false };
  for (const rule of spec.rules ?? []) {
    const r = rule as unknown as Record<string, JsonValue | undefined>;
    if (present(r['generate']) && !isZeroGeneration(r['generate'])) return { applyAutoGen: false, controllers: NONE };
    const mutate = r['mutate'];
    if (isObject(mutate)) {
      if (typeof mutate['patchesJson6902'] === 'string' && mutate['patchesJson6902'] !== '') {
        return { applyAutoGen: false, controllers: NONE };
      }
      for (const fe of Array.isArray(mutate['foreach']) ? mutate['foreach'] : []) {
        if (isObject(fe) && typeof fe['patchesJson6902'] === 'string' && fe['patchesJson6902'] !== '') {
          return { applyAutoGen: false, controllers: NONE };
        }
      }
    }
    const blocks = descriptions(r['match']);
    if (present(r['exclude'])) blocks.push(...descriptions(r['exclude']));
    for (const d of blocks) {
      if (!checkAutogenSupport(needed, d)) return { applyAutoGen: false, controllers: EMPTY };
    }
  }
  if (!needed.value) return { applyAutoGen: false, controllers: EMPTY };
  return { applyAutoGen: true, controllers: DEFAULTS };
}

/**
 * The controllers autogen works with for this policy (`actualControllers` in Kyverno): `['none']` when
 * the policy is not eligible; else the annotation split on `,` (duplicates removed; values kept as
 * written, so `none`, unknown names or `all` may appear) when it is set; else the default controllers.
 * Sorted in Go string order.
 * Example: annotation `Deployment,CronJob` -> `['CronJob', 'Deployment']`.
 */
export function getAutogenControllers(policy: KyvernoPolicy): string[] {
  const { applyAutoGen, controllers } = canAutoGen(policy.spec ?? {});
  const annotation = policy.metadata?.annotations?.[AUTOGEN_CONTROLLERS_ANNOTATION];
  let actual: Iterable<string>;
  if (!applyAutoGen) actual = ['none'];
  else if (annotation === undefined) actual = controllers;
  else actual = String(annotation).split(',');
  return [...new Set(actual)].sort(compareGoStrings);
}

/**
 * `ValidateAutogenAnnotation`: the annotation may not be `all` any more. Returns the error messages
 * (field `metadata.annotations`), empty when valid.
 * Example: `{'pod-policies.kyverno.io/autogen-controllers': 'all'}` -> one "Forbidden" message.
 */
export function validateAutogenAnnotation(annotations: Readonly<Record<string, string>> | undefined): string[] {
  const value = annotations?.[AUTOGEN_CONTROLLERS_ANNOTATION];
  if (value === 'all') {
    return [
      "metadata.annotations: Forbidden: Autogen annotation does not support 'all' anymore, remove the annotation or set it to a valid value",
    ];
  }
  return [];
}

/**
 * `podControllerAutoGenExclusion` (policy validation warning helper): the annotation is set, is not
 * `none`, and, lower-cased and sorted, is not exactly `cronjob,daemonset,deployment,job,statefulset`.
 */
export function podControllerAutoGenExclusion(policy: Pick<KyvernoPolicy, 'metadata'>): boolean {
  const value = policy.metadata?.annotations?.[AUTOGEN_CONTROLLERS_ANNOTATION];
  if (value === undefined || value === 'none') return false;
  const reordered = value.toLowerCase().split(',').sort(compareGoStrings);
  return reordered.join('\u0000') !== ['cronjob', 'daemonset', 'deployment', 'job', 'statefulset'].join('\u0000');
}

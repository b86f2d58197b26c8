/**
 * Kind checks of match/exclude blocks (pkg/validation/policy/validate.go `validateKinds`,
 * `validateWildcard`, `validateMatchKindHelper`, `ruleOnlyDealsWithResourceMetaData`): the `*` kind is
 * not allowed in background mode, cannot be combined with other kinds, and its rules may only look at
 * metadata; every match filter must name kinds.
 *
 * Whether the kinds exist in the cluster (`validKinds`) is an admission-time check: it runs only with a
 * discovery port (`FindResources`); offline (`kyverno apply/test`) it is skipped.
 */
import { parseKindSelector } from '../match/kind-selector.ts';
import { jsonPatchPathsOfJsonText } from './json-patch.ts';
import { getAnyPattern, getPattern, hasGenerate, hasMutate, hasValidate, hasVerifyImages, list, obj, objects, str, strings, type Obj } from './rule-model.ts';

const WILDCARD_ALLOWED_VARIABLES = /\{\{\s*(request\.|serviceAccountName|serviceAccountNamespace)[^{}]*\}\}/;

const METADATA_ONLY = 'policy can only deal with the metadata field of the resource if the rule does not match any kind';

/** `ruleOnlyDealsWithResourceMetaData` */
export function ruleOnlyDealsWithResourceMetaData(rule: Obj): boolean {
  const mutate = obj(rule['mutate']);
  if (mutate) {
    const psm = obj(mutate['patchStrategicMerge']);
    if (psm) for (const k of Object.keys(psm)) if (k !== 'metadata') return false;
    const patch = str(mutate['patchesJson6902']);
    if (patch !== '') for (const p of jsonPatchPathsOfJsonText(patch)) if (!p.startsWith('/metadata')) return false;
  }
  const validate = obj(rule['validate']);
  if (validate) {
    const pattern = obj(getPattern(validate));
    if (pattern) for (const k of Object.keys(pattern)) if (k !== 'metadata') return false;
    const anyPattern = getAnyPattern(validate);
    if (anyPattern !== undefined) {
      // DeserializeAnyPattern: anything but a list fails to deserialize
      if (!Array.isArray(anyPattern)) return false;
      for (const p of anyPattern) {
        const m = obj(p);
        if (m) for (const k of Object.keys(m)) if (k !== 'metadata') return false;
      }
    }
  }
  return true;
}

/** `validateMatchKindHelper`: the error for a match filter without kinds. */
export function matchKindError(rule: Obj): string {
  if (!ruleOnlyDealsWithResourceMetaData(rule)) return METADATA_ONLY;
  return 'at least one element must be specified in a kind block, the kind attribute is mandatory when working with the resources element';
}

/** `validateWildcard(kinds, background, rule)` */
function wildcardError(kinds: readonly string[], background: boolean, rule: Obj): string | undefined {
  if (!kinds.includes('*')) return undefined;
  if (background) {
    return 'wildcard policy not allowed in background mode. Set spec.background=false to disable background mode for this policy rule ';
  }
  if (kinds.length > 1) return 'wildcard policy can not deal with more than one kind';
  const validate = obj(rule['validate']);
  if (hasGenerate(rule) || hasVerifyImages(rule) || (validate && list(validate['foreach']))) return 'wildcard policy does not support rule type';
  if (hasValidate(rule) && validate) {
    if (getPattern(validate) !== undefined || getAnyPattern(validate) !== undefined) {
      if (!ruleOnlyDealsWithResourceMetaData(rule)) return METADATA_ONLY;
    }
    const deny = obj(validate['deny']);
    const conditions = deny ? list(deny['conditions']) : undefined;
    if (conditions) {
      for (const c of objects(conditions)) {
        const key = c['key'];
        // Go asserts the key is a string (a non-string key panics); treat it as not metadata
        const k = typeof key === 'string' ? key : '';
        if (!k.includes('request.object.metadata.') && (!WILDCARD_ALLOWED_VARIABLES.test(k) || k.includes('request.object.spec'))) {
          return METADATA_ONLY;
        }
      }
    }
  }
  if (hasMutate(rule) && !ruleOnlyDealsWithResourceMetaData(rule)) return METADATA_ONLY;
  return undefined;
}

/**
 * API discovery (`client.Discovery().FindResources`): the API resources a parsed kind selector names
 * (each with its subresource, `''` for the resource itself). Throws when discovery fails.
 */
export type FindResources = (group: string, version: string, kind: string, subresource: string) => ReadonlyArray<{ subresource: string }>;

/**
 * `validateKinds`: `{error}` for an invalid kinds list, `{warning}` for a kind discovery does not know
 * (Kyverno then accepts the policy without further checks), `{}` otherwise. `findResources` is only
 * given at admission.
 */
export function validateKinds(
  kinds: readonly string[],
  rule: Obj,
  background: boolean,
  findResources: FindResources | undefined,
): { error?: string; warning?: string } {
  const error = wildcardError(kinds, background, rule);
  if (error !== undefined) return { error };
  if (kinds.includes('*') || !findResources) return {};
  for (const k of kinds) {
    const sel = parseKindSelector(k);
    let found: ReadonlyArray<{ subresource: string }>;
    try {
      found = findResources(sel.group, sel.version, sel.kind, sel.subresource);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      return { warning: `the kind defined in the all match resource is invalid: unable to convert GVK to GVR for kinds ${k}, err: ${msg}` };
    }
    if (found.length === 0) return { warning: `the kind defined in the all match resource is invalid: unable to convert GVK to GVR for kinds ${k}` };
    if (hasValidate(rule) && background && found.some((r) => r.subresource !== '')) return { error: `background scan enabled with subresource ${k}` };
  }
  return {};
}

/** Every (kind list, location) of a rule's match and exclude blocks, in Kyverno's check order. */
export function ruleKindLists(rule: Obj): Array<{ where: string; kinds: string[] }> {
  const out: Array<{ where: string; kinds: string[] }> = [];
  const match = obj(rule['match']) ?? {};
  objects(match['any']).forEach((f, j) => out.push({ where: `match.any[${j}].kinds`, kinds: strings(obj(f['resources'])?.['kinds']) }));
  objects(match['all']).forEach((f, j) => out.push({ where: `match.all[${j}].kinds`, kinds: strings(obj(f['resources'])?.['kinds']) }));
  out.push({ where: 'match.kinds', kinds: strings(obj(match['resources'])?.['kinds']) });
  const exclude = obj(rule['exclude']);
  if (exclude) {
    objects(exclude['any']).forEach((f, j) => out.push({ where: `exclude.any[${j}].kinds`, kinds: strings(obj(f['resources'])?.['kinds']) }));
    objects(exclude['all']).forEach((f, j) => out.push({ where: `exclude.all[${j}].kinds`, kinds: strings(obj(f['resources'])?.['kinds']) }));
    out.push({ where: 'exclude.kinds', kinds: strings(obj(exclude['resources'])?.['kinds']) });
  }
  return out;
}

/** The first match filter without kinds makes the rule invalid (`validateMatchKindHelper`). */
export function missingKindsError(rule: Obj): string | undefined {
  const match = obj(rule['match']) ?? {};
  const any = objects(match['any']);
  const all = objects(match['all']);
  const filters = any.length > 0 ? any : all.length > 0 ? all : undefined;
  if (filters) {
    for (const f of filters) if (strings(obj(f['resources'])?.['kinds']).length === 0) return matchKindError(rule);
    return undefined;
  }
  return strings(obj(match['resources'])?.['kinds']).length === 0 ? matchKindError(rule) : undefined;
}

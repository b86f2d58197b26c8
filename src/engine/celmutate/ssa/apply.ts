/**
 * Applying an apply configuration to an object (k8s.io/apiserver pkg/admission/plugin/policy/mutating/patch
 * smd.go `ApplyStructuredMergeDiff`, and Kyverno's guard-free variant in pkg/cel/policies/mpol/compiler
 * smd.go): the patch is converted to a typed value (undeclared fields and duplicate list items rejected),
 * checked for atomic lists, maps and structs unless `allowAtomics` (upstream refuses to mutate those:
 * the patch would silently drop the fields it does not repeat), the object is converted allowing
 * duplicates, and the patch is merged into it.
 *
 * ```ts
 * applyStructuredMergeDiff(tc, deployment, { spec: { replicas: 3 } }, false); // { object: {...replicas: 3} }
 * ```
 */
import { isObject, type JsonObject, type JsonValue } from '../../api/json.ts';
import { mergeTyped } from './merge.ts';
import { resolveAtom, type Gvk, type RefData, type TypeConverter } from './schema.ts';
import { formatSsaErrors, indexElement, validateTyped } from './typed.ts';

/** The merged object, or the error message (as the Go function's error text). */
export type ApplyResult = { object: JsonObject } | { error: string };

/**
 * `ApplyStructuredMergeDiff(typeConverter, original, patch)`; `allowAtomics` drops the atomic guard
 * (MutatingPolicy `evaluationConfiguration.useServerSideApply`). A missing converter fails like upstream.
 */
export function applyStructuredMergeDiff(tc: TypeConverter | undefined, original: JsonObject, patch: JsonObject, allowAtomics: boolean): ApplyResult {
  if (!tc) return { error: 'type converter must not be nil' };
  const gvk = objectGvk(original);
  const root = tc.typeOf(gvk);
  if (root === undefined) return { error: `failed to convert patch object to typed object: no corresponding type for ${gvkText(gvk)}` };
  const patchErrs = validateTyped(patch, root, false);
  if (patchErrs.length > 0) return { error: `failed to convert patch object to typed object: ${formatSsaErrors(patchErrs)}` };
  if (!allowAtomics) {
    const atomics = findAtomics('', root, patch);
    if (atomics.length > 0) return { error: `invalid ApplyConfiguration: may not mutate atomic arrays, maps or structs: ${atomics.join(', ')}` };
  }
  const liveErrs = validateTyped(original, root, true);
  if (liveErrs.length > 0) return { error: `failed to convert original object to typed object: ${formatSsaErrors(liveErrs)}` };
  const merged = mergeTyped(original, patch, root);
  if (merged.errors.length > 0) return { error: `failed to merge patch: ${formatSsaErrors(merged.errors)}` };
  if (!isObject(merged.value)) return { error: `failed to convert typed object to object: failed to convert value to unstructured for type ${merged.value === undefined || merged.value === null ? '<nil>' : Array.isArray(merged.value) ? '[]interface {}' : typeof merged.value}` };
  return { object: merged.value };
}

function objectGvk(o: JsonObject): Gvk {
  const av = typeof o['apiVersion'] === 'string' ? o['apiVersion'] : '';
  const i = av.indexOf('/');
  return { group: i < 0 ? '' : av.slice(0, i), version: i < 0 ? av : av.slice(i + 1), kind: typeof o['kind'] === 'string' ? o['kind'] : '' };
}

/** `schema.GroupVersionKind.String()`: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
function gvkText(g: Gvk): string {
  return `${g.group}/${g.version}, Kind=${g.kind}`;
}

/**
 * `findAtomics`: paths of the atomic maps and lists in an apply configuration (only declared fields are
 * descended into; list items by index), e.g. `.spec.selector`, `.spec.containers[0].args`.
 */
export function findAtomics(path: string, ref: RefData, v: JsonValue): string[] {
  const a = resolveAtom(ref);
  if (!a) return [];
  const out: string[] = [];
  if (isObject(v) && a.m) {
    if (a.m.r === 'a') out.push(path);
    for (const key of Object.keys(v)) {
      const f = a.m.f;
      if (f && Object.prototype.hasOwnProperty.call(f, key)) out.push(...findAtomics(`${path}.${key}`, f[key]!, v[key] as JsonValue));
    }
  }
  if (Array.isArray(v) && a.l) {
    if (a.l.r !== 's') out.push(path);
    for (let i = 0; i < v.length; i++) out.push(...findAtomics(path + indexElement(i).text, a.l.e, v[i] as JsonValue));
  }
  return out;
}

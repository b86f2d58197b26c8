/**
 * The defaults of the kyverno.io ClusterPolicy / Policy CRD schemas (config/crds/kyverno), as the
 * Kubernetes API server — and `kyverno apply/test`, whose loader decodes policies through the CRD
 * schemas — fill them in: absent fields get their schema default when the enclosing object is present.
 * Policy validation depends on them (e.g. `verifyImages[].mutateDigest` defaults to true, which is
 * refused with the Audit failure action; field errors print the defaulted rule).
 *
 * Defaults (v1; v2beta1 the same without `validate.allowExistingViolations`):
 * - spec: `admission: true`, `background: true`, `emitWarning: false`, `validationFailureAction: Audit`;
 * - rules[]: `skipBackgroundRequests: true`; `validate.allowExistingViolations: true`;
 *   `validate.cel.generate: false`;
 * - context entries (rule, validate/mutate/generate foreach, mutate targets): `apiCall.method: GET`;
 * - verifyImages[]: `mutateDigest`, `verifyDigest`, `required`, `useCache`: true;
 * - attestor entries (verifyImages attestors and attestations, validate.manifests): `signatureAlgorithm`
 *   and `keys.signatureAlgorithm`: `sha256`.
 * Nested foreach declarations are schemaless in the CRD and get no defaults.
 */
import { deepCopy, isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import type { KyvernoPolicy } from '../api/policy.ts';

function setDefault(o: JsonObject, key: string, value: JsonValue): void {
  if (o[key] === undefined) o[key] = value;
}

function objectsIn(v: JsonValue | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function contextDefaults(entries: JsonValue | undefined): void {
  for (const e of objectsIn(entries)) if (isObject(e['apiCall'])) setDefault(e['apiCall'], 'method', 'GET');
}

function attestorSetDefaults(sets: JsonValue | undefined): void {
  for (const set of objectsIn(sets)) {
    for (const entry of objectsIn(set['entries'])) {
      setDefault(entry, 'signatureAlgorithm', 'sha256');
      if (isObject(entry['keys'])) setDefault(entry['keys'], 'signatureAlgorithm', 'sha256');
    }
  }
}

function ruleDefaults(rule: JsonObject, v1: boolean): void {
  setDefault(rule, 'skipBackgroundRequests', true);
  contextDefaults(rule['context']);
  const validate = rule['validate'];
  if (isObject(validate)) {
    if (v1) setDefault(validate, 'allowExistingViolations', true);
    if (isObject(validate['cel'])) setDefault(validate['cel'], 'generate', false);
    for (const fe of objectsIn(validate['foreach'])) contextDefaults(fe['context']);
    if (isObject(validate['manifests'])) attestorSetDefaults(validate['manifests']['attestors']);
  }
  const mutate = rule['mutate'];
  if (isObject(mutate)) {
    for (const fe of objectsIn(mutate['foreach'])) contextDefaults(fe['context']);
    for (const t of objectsIn(mutate['targets'])) contextDefaults(t['context']);
  }
  const generate = rule['generate'];
  if (isObject(generate)) for (const fe of objectsIn(generate['foreach'])) contextDefaults(fe['context']);
  for (const iv of objectsIn(rule['verifyImages'])) {
    setDefault(iv, 'mutateDigest', true);
    setDefault(iv, 'required', true);
    setDefault(iv, 'useCache', true);
    setDefault(iv, 'verifyDigest', true);
    attestorSetDefaults(iv['attestors']);
    for (const a of objectsIn(iv['attestations'])) attestorSetDefaults(a['attestors']);
  }
}

/**
 * A copy of the policy with the CRD defaults applied (the input is not modified).
 * Example: a rule without `skipBackgroundRequests` gets `skipBackgroundRequests: true`.
 */
export function applyPolicyCrdDefaults<T extends KyvernoPolicy>(policy: T): T {
  const copy = deepCopy(policy) as unknown as JsonObject;
  const spec = copy['spec'];
  if (!isObject(spec)) return copy as unknown as T;
  const v1 = copy['apiVersion'] !== 'kyverno.io/v2beta1';
  setDefault(spec, 'admission', true);
  setDefault(spec, 'background', true);
  setDefault(spec, 'emitWarning', false);
  setDefault(spec, 'validationFailureAction', 'Audit');
  for (const rule of objectsIn(spec['rules'])) ruleDefaults(rule, v1);
  return copy as unknown as T;
}

/**
 * ImageValidatingPolicy (kyverno/pkg/cel/policies/ivpol/engine, pkg/image/verification/evaluator),
 * evaluated offline. Per request: matchConstraints (absent ones match everything), matchConditions,
 * CEL PolicyExceptions (any match exempts), then the images: extracted per category (`containers`,
 * `initContainers`, `ephemeralContainers` for pods and pod controllers, plus `spec.images`
 * extractors), kept when `matchImageReferences` select them; with `validationConfigurations.verifyDigest`
 * (default) an image without a digest fails the policy. Verifying signatures and attestations needs the
 * images' registry data: offline, a policy that selected images ends in an error; one that selected
 * none runs its validations.
 *
 * Outcomes (rule named after the policy, type ImageVerify):
 * - not matched, or matchConditions false: no rule response
 * - matchConstraints error: error `failed to execute matching: <err>` (rule `match`)
 * - compile problem: error `failed to compile policy: <errors>` (rule `evaluation`)
 * - evaluation problem (conditions, extraction, registry, a validation erroring): error
 *   `failed to evaluate policy: <err>` (rule `evaluation`)
 * - exceptions: skip `rule is skipped due to policy exception: <keys>` (rule `exception`)
 * - failing validation / missing digest: fail with the message; otherwise pass `success`
 */
import { deepCopy, isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import type { RuleResponse } from '../api/response.ts';
import type { CelActivation, CompiledCel } from '../cel/environment.ts';
import { parseImageReference } from '../cel/libs/kyverno-image.ts';
import { celToJson, jsonToCel } from '../cel/values.ts';
import { kyvernoRequestJson, namespaceObjectJson, type AdmissionAttributes } from './admission.ts';
import { exceptionKeyOf, exceptionsFor } from './cel-exceptions.ts';
import { aggregate, compileField, fieldInvalid } from './compile.ts';
import { contextActivation, type CelContextPorts } from './context.ts';
import type { CelPolicyEnvironments } from './environments.ts';
import { evalErrorMessage, evaluateSync, validationFailureMessage } from './evaluate.ts';
import { compileGlob } from './glob.ts';
import type { ImageVerifier } from './image-verify-library.ts';
import { matchConstraints } from './match-constraints.ts';
import { asArray, asObject, asString, failurePolicyOf, type FailurePolicy, type MatchCondition, type MatchResources, type Validation } from './types.ts';
import { compileVariables, LazyVariables, type CompiledVariable } from './variables.ts';

const CONTAINER_FIELDS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The built-in image extractors for a request resource (pods, pod controllers, cronjobs). */
function defaultExtractors(gvr: { group: string; version: string; resource: string } | undefined): Array<{ name: string; expression: string }> {
  if (!gvr) return [];
  const key = `${gvr.group}/${gvr.version}/${gvr.resource}`;
  let prefix: string;
  if (key === '/v1/pods') prefix = '.spec';
  else if (['batch/v1/jobs', 'apps/v1/deployments', 'apps/v1/statefulsets', 'apps/v1/daemonsets', 'apps/v1/replicasets'].includes(key)) prefix = '.spec.template.spec';
  else if (key === 'batch/v1/cronjobs') prefix = '.spec.jobTemplate.spec.template.spec';
  else return [];
  return CONTAINER_FIELDS.map((f) => ({ name: f, expression: `(object != null ? object : oldObject)${prefix}.?${f}.orValue([]).map(e, e.image)` }));
}

type ImageMatcher = (image: string) => boolean;

interface CompiledAttestor {
  readonly key: string;
  readonly value: JsonObject;
  /** expression-valued fields: the path of the `value` to fill in, and the program */
  readonly fields: ReadonlyArray<{ readonly path: readonly string[]; readonly label: string; readonly program: CompiledCel }>;
}

/** A policy compiled for one request resource. */
export interface CompiledImageValidatingPolicy {
  readonly name: string;
  readonly kubernetes: boolean;
  readonly failurePolicy: FailurePolicy;
  readonly verifyDigest: boolean;
  readonly matchConditions: readonly CompiledCel[];
  readonly matchImageReferences: readonly ImageMatcher[];
  readonly extractors: ReadonlyArray<{ readonly name: string; readonly program: CompiledCel }>;
  readonly variables: readonly CompiledVariable[];
  readonly attestors: readonly CompiledAttestor[];
  readonly attestations: Readonly<Record<string, string>>;
  readonly validations: ReadonlyArray<{ readonly program: CompiledCel; readonly message: string; readonly messageExpression?: CompiledCel }>;
  readonly auditAnnotations: ReadonlyArray<{ readonly key: string; readonly program: CompiledCel }>;
  readonly exceptions: ReadonlyArray<{ readonly exception: JsonObject; readonly matchConditions: readonly CompiledCel[] }>;
  readonly namespace: string;
}

/** Where the attestor fields with expressions are (`Attestor` in policies.kyverno.io). */
const ATTESTOR_EXPRESSIONS: ReadonlyArray<{ path: readonly string[]; label: string }> = [
  { path: ['cosign', 'key'], label: 'key' },
  { path: ['cosign', 'certificate', 'certificate'], label: 'cert' },
  { path: ['cosign', 'certificate', 'certificateChain'], label: 'cert chain' },
  { path: ['cosign', 'trustedRoot'], label: 'trustedRoot' },
  { path: ['notary', 'certs'], label: 'notary cert' },
  { path: ['notary', 'tsaCerts'], label: 'notary tsa cert' },
];

function getPath(o: JsonObject, path: readonly string[]): JsonObject | undefined {
  let cur: JsonValue | undefined = o;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return isObject(cur) ? cur : undefined;
}

/** The evaluation mode of an ImageValidatingPolicy (`spec.evaluation.mode`, default Kubernetes). */
export function imagePolicyMode(policy: JsonObject): string {
  const mode = asString(asObject(asObject(policy['spec'])?.['evaluation'])?.['mode']);
  return mode === '' ? 'Kubernetes' : mode;
}

/**
 * Compiles a policy for requests on `gvr` (undefined for JSON payloads). Returns Kyverno's field errors
 * when it does not compile.
 */
export function compileImageValidatingPolicy(
  envs: CelPolicyEnvironments,
  policy: JsonObject,
  exceptions: readonly JsonObject[],
  gvr: { group: string; version: string; resource: string } | undefined,
): { ok: true; policy: CompiledImageValidatingPolicy } | { ok: false; errors: string[] } {
  const spec = asObject(policy['spec']) ?? {};
  const kubernetes = imagePolicyMode(policy) === 'Kubernetes';
  const namespace = asString(asObject(policy['metadata'])?.['namespace']);
  const base = envs.imageValidatingPolicy(String(policy['kind']).startsWith('Namespaced'), kubernetes);
  const vars0 = compileVariables(base, [], 'kyverno', 'spec.variables');
  const env0 = kubernetes ? vars0.env : base;

  const matchConditions: CompiledCel[] = [];
  {
    const errs: string[] = [];
    asArray<MatchCondition>(spec['matchConditions']).forEach((c, i) => {
      const r = compileField(env0, asString(c?.expression), `spec.matchConditions[${i}].expression`, ['bool']);
      if (r.ok) matchConditions.push(r.program);
      else errs.push(r.error);
    });
    if (errs.length > 0) return { ok: false, errors: errs };
  }

  const matchImageReferences: ImageMatcher[] = [];
  {
    const errs: string[] = [];
    const refEnv = envs.imageValidatingPolicy(false, false).extend({ variables: { ref: 'string' } });
    asArray<JsonObject>(spec['matchImageReferences']).forEach((m, i) => {
      const glob = asString(m?.['glob']);
      const expression = asString(m?.['expression']);
      if (glob !== '') {
        const g = compileGlob(glob);
        if (g.ok) matchImageReferences.push(g.match);
        else errs.push(fieldInvalid(`spec.matchImageReferences[${i}].glob`, glob, g.error));
      } else if (expression !== '') {
        const r = compileField(refEnv, expression, `spec.matchImageReferences[${i}].expression`, ['bool']);
        if (r.ok) matchImageReferences.push((image) => evaluateSync(r.program, { ref: image }) === true);
        else errs.push(r.error);
      } else {
        errs.push(`spec.matchImageReferences[${i}]: Invalid value: ${JSON.stringify(m)}: either glob or expression must be set`);
      }
    });
    if (errs.length > 0) return { ok: false, errors: errs };
  }

  const extractors: Array<{ name: string; program: CompiledCel }> = [];
  {
    const all = [...defaultExtractors(gvr), ...asArray<JsonObject>(spec['images']).map((x) => ({ name: asString(x?.['name']), expression: asString(x?.['expression']) }))];
    for (let i = 0; i < all.length; i++) {
      const r = compileField(env0, all[i]!.expression, `spec.images[${i}].expression`);
      if (!r.ok) return { ok: false, errors: [r.error] };
      if (!['list(string)', 'dyn', 'list(dyn)'].includes(r.program.outputType)) {
        return { ok: false, errors: [fieldInvalid(`spec.images[${i}].expression`, all[i]!.expression, 'output is expected to be of type list')] };
      }
      const existing = extractors.findIndex((e) => e.name === all[i]!.name);
      if (existing >= 0) extractors[existing] = { name: all[i]!.name, program: r.program };
      else extractors.push({ name: all[i]!.name, program: r.program });
    }
  }

  const vars = compileVariables(base, asArray(spec['variables']), 'kyverno', 'spec.variables');
  if (vars.errors.length > 0) return { ok: false, errors: [...vars.errors] };
  const env = kubernetes ? vars.env : base;

  const attestors: CompiledAttestor[] = [];
  for (const [i, a] of asArray<JsonObject>(spec['attestors']).entries()) {
    if (!isObject(a)) continue;
    const fields: Array<{ path: readonly string[]; label: string; program: CompiledCel }> = [];
    for (const f of ATTESTOR_EXPRESSIONS) {
      const holder = getPath(a, f.path);
      const expression = asString(holder?.['expression']);
      if (expression === '') continue;
      const r = compileField(env, expression, `spec.attestors[${i}]`);
      if (!r.ok) return { ok: false, errors: [r.error] };
      fields.push({ path: f.path, label: f.label, program: r.program });
    }
    attestors.push({ key: asString(a['name']), value: a, fields });
  }

  const validations: Array<{ program: CompiledCel; message: string; messageExpression?: CompiledCel }> = [];
  for (const [i, v] of asArray<Validation>(spec['validations']).entries()) {
    const e = compileField(env, asString(v?.expression), `spec.validations[${i}].expression`, ['bool']);
    if (!e.ok) return { ok: false, errors: [e.error] };
    let messageExpression: CompiledCel | undefined;
    if (asString(v?.messageExpression) !== '') {
      const m = compileField(env, asString(v.messageExpression), `spec.validations[${i}].messageExpression`, ['string']);
      if (!m.ok) return { ok: false, errors: [m.error] };
      messageExpression = m.program;
    }
    validations.push({ program: e.program, message: asString(v?.message), messageExpression });
  }

  const auditAnnotations: Array<{ key: string; program: CompiledCel }> = [];
  for (const [i, a] of asArray<JsonObject>(spec['auditAnnotations']).entries()) {
    const r = compileField(env, asString(a?.['valueExpression']), `spec.auditAnnotations[${i}].valueExpression`, ['string', 'null_type']);
    if (!r.ok) return { ok: false, errors: [r.error] };
    auditAnnotations.push({ key: asString(a?.['key']), program: r.program });
  }

  const compiledExceptions: Array<{ exception: JsonObject; matchConditions: CompiledCel[] }> = [];
  for (const polex of exceptions) {
    const conds: CompiledCel[] = [];
    const errs: string[] = [];
    asArray<MatchCondition>(asObject(polex['spec'])?.['matchConditions']).forEach((c, i) => {
      const r = compileField(env, asString(c?.expression), `spec.matchConditions[${i}].expression`, ['bool']);
      if (r.ok) conds.push(r.program);
      else errs.push(r.error);
    });
    if (errs.length > 0) return { ok: false, errors: errs };
    compiledExceptions.push({ exception: polex, matchConditions: conds });
  }

  const attestations: Record<string, string> = {};
  for (const a of asArray<JsonObject>(spec['attestations'])) if (isObject(a)) attestations[asString(a['name'])] = asString(a['name']);
  const vc = asObject(spec['validationConfigurations']) ?? {};

  return {
    ok: true,
    policy: {
      name: asString(asObject(policy['metadata'])?.['name']),
      kubernetes,
      failurePolicy: failurePolicyOf(spec['failurePolicy']),
      verifyDigest: vc['verifyDigest'] !== false,
      matchConditions,
      matchImageReferences,
      extractors,
      variables: vars.variables,
      attestors,
      attestations,
      validations,
      auditAnnotations,
      exceptions: compiledExceptions,
      namespace,
    },
  };
}

/** A failed evaluation (`Evaluate` returning an error). */
class EvaluationError extends Error {}

function matchAll(programs: readonly CompiledCel[], activation: CelActivation, failurePolicy: FailurePolicy): boolean {
  const errs: string[] = [];
  for (const p of programs) {
    let v: unknown;
    try {
      v = evaluateSync(p, activation);
    } catch (e) {
      errs.push(evalErrorMessage(e));
      continue;
    }
    if (v === false) return false;
  }
  if (errs.length === 0) return true;
  if (failurePolicy === 'Ignore') return false;
  throw new EvaluationError(errs.join('; '));
}

function matchesImage(image: string, refs: readonly ImageMatcher[]): boolean {
  if (refs.length === 0) return true;
  return refs.some((m) => m(image));
}

/** Offline: the registry data of an image cannot be fetched. */
export function registryUnavailable(image: string): string {
  return `failed to fetch image data for ${image}: registry access is not available offline`;
}

/** One request (Kubernetes mode) or payload (JSON mode). */
export interface ImagePolicyInput {
  readonly attributes?: AdmissionAttributes;
  readonly namespace?: JsonObject | null;
  readonly payload?: JsonValue;
  readonly context: CelContextPorts;
  /** the verifier slot of the environments (see CelPolicyEnvironments.imageVerify) */
  readonly slot: { current?: ImageVerifier };
}

/** `EvaluationResult` of one policy; undefined when the match conditions exclude the request. */
export interface ImagePolicyResult {
  readonly error?: string;
  readonly result: boolean;
  readonly message: string;
  readonly auditAnnotations: Readonly<Record<string, string>>;
  readonly exceptions: readonly JsonObject[];
}

/**
 * Evaluates a compiled policy. Throws `Error` for what Kyverno returns as an evaluation error
 * (reported as `failed to evaluate policy: <err>`).
 */
export function evaluateImageValidatingPolicy(p: CompiledImageValidatingPolicy, input: ImagePolicyInput): ImagePolicyResult | undefined {
  const base: Record<string, unknown> = {};
  if (p.kubernetes && input.attributes) {
    const a = input.attributes;
    base['namespaceObject'] = input.namespace ? jsonToCel(namespaceObjectJson(input.namespace)) : {};
    base['request'] = jsonToCel(kyvernoRequestJson(a));
    base['object'] = jsonToCel(a.object ?? {});
    base['oldObject'] = jsonToCel(a.oldObject ?? {});
  } else {
    base['object'] = jsonToCel(input.payload ?? null);
  }
  if (!matchAll(p.matchConditions, base, p.failurePolicy)) return undefined;
  if (p.exceptions.length > 0) {
    const matched: JsonObject[] = [];
    for (const ex of p.exceptions) if (matchAll(ex.matchConditions, base, p.failurePolicy)) matched.push(ex.exception);
    if (matched.length > 0) return { result: false, message: '', auditAnnotations: {}, exceptions: matched };
  }
  const data: Record<string, unknown> = { ...base, ...contextActivation(input.context, p.namespace) };
  const vars = new LazyVariables(
    p.variables,
    (v, view) => evaluateSync(v.program!, { ...data, variables: view }),
    (_v, e) => evalErrorMessage(e),
  );
  const withVars = (prog: CompiledCel): CelActivation => vars.activationFor(data, prog);

  const images: Record<string, string[]> = {};
  const imgList: string[] = [];
  for (const ex of p.extractors) {
    const out = celToJson(evaluateSync(ex.program, withVars(ex.program)));
    if (!Array.isArray(out) || out.some((x) => typeof x !== 'string')) throw new EvaluationError(`type conversion error from '${typeof out}' to '[]string'`);
    images[ex.name] = [];
    for (const img of out as string[]) {
      if (matchesImage(img, p.matchImageReferences)) {
        images[ex.name]!.push(img);
        imgList.push(img);
      }
    }
  }
  if (p.verifyDigest) {
    for (const img of imgList) {
      let isDigest: boolean;
      try {
        isDigest = parseImageReference(img).isDigest;
      } catch (e) {
        throw new EvaluationError(`failed to parse image reference ${img}: ${evalErrorMessage(e)}`);
      }
      if (!isDigest) return { result: false, message: `image ${img} does not have a digest`, auditAnnotations: {}, exceptions: [] };
    }
  }
  if (imgList.length > 0) throw new EvaluationError(registryUnavailable(imgList[0]!));

  data['images'] = jsonToCel(images);
  data['attestations'] = { ...p.attestations };
  const attestors: Record<string, unknown> = {};
  for (const a of p.attestors) {
    let state: { value: unknown } | { error: Error } | undefined;
    Object.defineProperty(attestors, a.key, {
      enumerable: true,
      get() {
        if (!state) {
          try {
            const value = deepCopy(a.value);
            for (const f of a.fields) {
              let v: unknown;
              try {
                v = evaluateSync(f.program, withVars(f.program));
              } catch (e) {
                throw new Error(`failed to convert ${f.label} in compiled attestor: ${a.key}, error: failed to evaluate compiled attestor: ${a.key}, error: ${evalErrorMessage(e)}`);
              }
              const holder = getPath(value, f.path);
              // cosign keys take the value as `data`, certificates and roots as `value`
              if (holder) holder[f.label === 'key' ? 'data' : 'value'] = celToJson(v);
            }
            state = { value: jsonToCel(value) };
          } catch (e) {
            state = { error: e as Error };
          }
        }
        if ('error' in state) throw state.error;
        return state.value;
      },
    });
  }
  data['attestors'] = attestors;

  const previous = input.slot.current;
  input.slot.current = offlineVerifier(p);
  try {
    for (let i = 0; i < p.validations.length; i++) {
      const v = p.validations[i]!;
      let out: unknown;
      try {
        out = evaluateSync(v.program, withVars(v.program));
      } catch (e) {
        throw new EvaluationError(evalErrorMessage(e));
      }
      if (out !== false) continue;
      const message = validationFailureMessage(v, i, withVars);
      return { result: false, message, auditAnnotations: auditAnnotations(p, withVars), exceptions: [] };
    }
    return { result: true, message: '', auditAnnotations: auditAnnotations(p, withVars), exceptions: [] };
  } finally {
    input.slot.current = previous;
  }
}

function auditAnnotations(p: CompiledImageValidatingPolicy, withVars: (prog: CompiledCel) => CelActivation): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of p.auditAnnotations) {
    let v: unknown;
    try {
      v = evaluateSync(a.program, withVars(a.program));
    } catch (e) {
      throw new EvaluationError(`failed to evaluate auditAnnotation '${a.key}': ${evalErrorMessage(e)}`);
    }
    if (typeof v === 'string' && v !== '') out[a.key] = v;
  }
  return out;
}

/** Offline verification: images the policy does not select count 0; selected ones need the registry. */
function offlineVerifier(p: CompiledImageValidatingPolicy): ImageVerifier {
  const needRegistry = (image: string): never => {
    throw new Error(`failed to get imagedata: ${registryUnavailable(image)}`);
  };
  const attestation = (name: string): void => {
    if (!Object.prototype.hasOwnProperty.call(p.attestations, name)) throw new Error(`attestation not found in policy: ${name}`);
  };
  return {
    verifyImageSignatures: (image) => (matchesImage(image, p.matchImageReferences) ? needRegistry(image) : 0n),
    verifyAttestationSignatures: (image, name) => {
      if (!matchesImage(image, p.matchImageReferences)) return 0n;
      attestation(name);
      return needRegistry(image);
    },
    getImageData: (image) => needRegistry(image),
    extractPayload: (image, name) => {
      attestation(name);
      return needRegistry(image);
    },
  };
}

/** A policy with the exceptions naming it (autogen variants carry none). */
export interface PreparedImagePolicy {
  readonly policy: JsonObject;
  readonly exceptions: readonly JsonObject[];
}

/** `NewProvider`: the policies with their exceptions, then their pod controller variants. */
export function prepareImageValidatingPolicies(policies: readonly JsonObject[], celExceptions: readonly JsonObject[], autogen: (spec: JsonObject) => JsonObject[]): PreparedImagePolicy[] {
  const out: PreparedImagePolicy[] = [];
  for (const policy of policies) {
    const name = asString(asObject(policy['metadata'])?.['name']);
    out.push({ policy, exceptions: exceptionsFor(celExceptions, name, asString(policy['kind'])) });
    for (const spec of autogen(asObject(policy['spec']) ?? {})) out.push({ policy: { ...policy, spec }, exceptions: [] });
  }
  return out;
}

/**
 * `HandleValidating` for one policy: the rule response, or undefined when the policy does not apply
 * (not matched, match conditions false).
 */
export function handleImageValidatingPolicy(
  envs: CelPolicyEnvironments,
  prepared: PreparedImagePolicy,
  input: Omit<ImagePolicyInput, 'slot'>,
  compiled: (p: PreparedImagePolicy, gvr: AdmissionAttributes['resource'] | undefined) => ReturnType<typeof compileImageValidatingPolicy>,
): RuleResponse | undefined {
  const spec = asObject(prepared.policy['spec']) ?? {};
  const name = asString(asObject(prepared.policy['metadata'])?.['name']);
  if (input.attributes) {
    const m = matchConstraints(asObject(spec['matchConstraints']) as MatchResources | undefined, input.attributes, input.namespace);
    if (m.error !== undefined) return { name: 'match', ruleType: 'ImageVerify', status: 'error', message: `failed to execute matching: ${m.error}` };
    if (!m.matches) return undefined;
  }
  const c = compiled(prepared, input.attributes?.resource);
  if (!c.ok) return { name: 'evaluation', ruleType: 'ImageVerify', status: 'error', message: `failed to compile policy: ${aggregate(c.errors)}` };
  let result: ImagePolicyResult | undefined;
  try {
    result = evaluateImageValidatingPolicy(c.policy, { ...input, slot: envs.imageVerify });
  } catch (e) {
    return { name: 'evaluation', ruleType: 'ImageVerify', status: 'error', message: `failed to evaluate policy: ${evalErrorMessage(e)}` };
  }
  if (!result) return undefined;
  if (result.exceptions.length > 0) {
    const keys = result.exceptions.map(exceptionKeyOf);
    return { name: 'exception', ruleType: 'Validation', status: 'skip', message: `rule is skipped due to policy exception: ${keys.join(', ')}`, exceptions: keys };
  }
  if (result.error !== undefined) return { name, ruleType: 'ImageVerify', status: 'error', message: `error: ${result.error}` };
  const properties = Object.keys(result.auditAnnotations).length > 0 ? { ...result.auditAnnotations } : undefined;
  const r: RuleResponse = result.result
    ? { name, ruleType: 'ImageVerify', status: 'pass', message: 'success' }
    : { name, ruleType: 'ImageVerify', status: 'fail', message: result.message };
  if (properties) r.properties = properties;
  return r;
}

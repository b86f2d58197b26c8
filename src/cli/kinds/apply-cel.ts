/**
 * The CEL policy kinds in `kyverno apply` (cmd/cli/kubectl-kyverno/commands/apply/command.go):
 *
 * - per resource, the processor evaluates MutatingAdmissionPolicy, MutatingPolicy, ValidatingPolicy,
 *   GeneratingPolicy and ValidatingAdmissionPolicy (whose responses come last, after every other kind);
 * - after every resource, ImageValidatingPolicies run on the resources, then on the JSON payloads;
 *   DeletingPolicies on the resources, then on the JSON payloads;
 * - JSON payloads (`--json`) go through the JSON-mode ValidatingPolicies.
 *
 * Results are counted like processor/result.go: mutating kinds as mutations (the patched resource is
 * printed), GeneratingPolicy as generation, the validating kinds (ValidatingPolicy, ImageValidatingPolicy,
 * DeletingPolicy, ValidatingAdmissionPolicy) pass/fail/error/skip per rule.
 */
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { ContextPorts, RequestUserInfo } from '../../engine/api/request.ts';
import type { EngineResponse } from '../../engine/api/response.ts';
import type { Engine } from '../../engine/engine.ts';
import { FakeCluster } from '../../k8s/fake-cluster.ts';
import type { ResultCounts } from '../report.ts';
import type { Variables } from '../values.ts';
import { loadCelTestContext } from './cel-context.ts';
import { kindHandlers } from './index.ts';
import type { KindContext } from './types.ts';

const IMAGE_KINDS = new Set(['ImageValidatingPolicy', 'NamespacedImageValidatingPolicy']);
const DELETING_KINDS = new Set(['DeletingPolicy', 'NamespacedDeletingPolicy']);
const MUTATING_KINDS = new Set(['MutatingPolicy', 'NamespacedMutatingPolicy', 'MutatingAdmissionPolicy']);
const GENERATING_KINDS = new Set(['GeneratingPolicy', 'NamespacedGeneratingPolicy']);

export interface CelApplyInput {
  engine: Engine;
  variables: Variables;
  userInfo?: RequestUserInfo;
  /** policies.kyverno.io PolicyExceptions (from --exception files) */
  celExceptions: readonly JsonObject[];
  resources: readonly Resource[];
  /** --target-resource(s) */
  targets: readonly Resource[];
  /** --parameter-resource */
  params: readonly Resource[];
  /** --context-file (relative to the working directory) */
  contextPath?: string;
  ports?: ContextPorts;
  cwd: string;
}

/** The kind context of an apply run: an offline fake cluster of every loaded resource. */
export function celApplyContext(input: CelApplyInput): KindContext {
  return {
    engine: input.engine,
    variables: input.variables,
    userInfo: input.userInfo,
    celExceptions: input.celExceptions,
    paramResources: input.params,
    cluster: new FakeCluster([...input.resources, ...input.targets, ...input.params]),
    ports: input.ports ?? {},
    hasCluster: false,
    targets: input.targets,
    ...loadCelTestContext({ dir: input.cwd, contextPath: input.contextPath || undefined }),
  };
}

/** The CEL policies the per-resource processor evaluates (image validating and deleting policies run after). */
export function perResourceCelPolicies(celPolicies: readonly JsonObject[]): JsonObject[] {
  return celPolicies.filter((p) => !IMAGE_KINDS.has(String(p['kind'])) && !DELETING_KINDS.has(String(p['kind'])));
}

/** The processor's response order: ValidatingAdmissionPolicy responses are appended last. */
export function orderProcessorResponses(ers: readonly EngineResponse[]): EngineResponse[] {
  const isVap = (er: EngineResponse): boolean => String((er.policy as unknown as JsonObject)['kind']) === 'ValidatingAdmissionPolicy';
  return [...ers.filter((er) => !isVap(er)), ...ers.filter(isVap)];
}

function run(
  ctx: KindContext,
  celPolicies: readonly JsonObject[],
  kinds: ReadonlySet<string>,
  each: (h: (typeof kindHandlers)[number], mine: JsonObject[]) => EngineResponse[],
): EngineResponse[] {
  const out: EngineResponse[] = [];
  for (const h of kindHandlers) {
    if (!h.kinds.some((k) => kinds.has(k))) continue;
    const mine = celPolicies.filter((p) => h.kinds.includes(String(p['kind'])));
    if (mine.length > 0) out.push(...each(h, mine));
  }
  return out;
}

/** A failure of the post-resource stages, with Kyverno's message. */
export class CelApplyError extends Error {}

/**
 * The stages after every resource: image validating policies (resources, then JSON payloads), deleting
 * policies (resources, then JSON payloads). `continueOnFail` skips a failing resource.
 */
export function applyCelAfterResources(
  ctx: KindContext,
  celPolicies: readonly JsonObject[],
  resources: readonly Resource[],
  payloads: readonly JsonObject[],
  continueOnFail: boolean,
): EngineResponse[] {
  const out: EngineResponse[] = [];
  const guard = (what: (msg: string) => string, f: () => EngineResponse[]): void => {
    try {
      out.push(...f());
    } catch (err) {
      if (!continueOnFail) throw new CelApplyError(what((err as Error).message));
    }
  };
  for (const r of resources) {
    guard(
      (m) => `failed to apply image validating policies on resource ${nameOf(r)} (${m})`,
      () => run(ctx, celPolicies, IMAGE_KINDS, (h, mine) => h.apply(ctx, mine, r).responses),
    );
  }
  for (const p of payloads) {
    guard(
      (m) => `failed to apply image validating policies on JSON payload: ${m}`,
      () => run(ctx, celPolicies, IMAGE_KINDS, (h, mine) => h.applyJson?.(ctx, mine, p, '') ?? []),
    );
  }
  for (const r of resources) {
    guard(
      (m) => `failed to apply deleting policies on resource: ${m}`,
      () => run(ctx, celPolicies, DELETING_KINDS, (h, mine) => retitle(h.apply(ctx, mine, r).responses, 'resource')),
    );
  }
  for (const p of payloads) {
    guard(
      (m) => `failed to apply deleting policies on json: ${m}`,
      () => run(ctx, celPolicies, DELETING_KINDS, (h, mine) => retitle(h.applyJson?.(ctx, mine, p, '') ?? [], 'json')),
    );
  }
  return out;
}

/** Deleting policy messages name the payload type (`resource matched`, `json did not match`). */
function retitle(ers: EngineResponse[], payloadType: string): EngineResponse[] {
  if (payloadType === 'resource') return ers;
  for (const er of ers) {
    for (const r of er.policyResponse.rules) r.message = r.message.replace(/^resource (matched|did not match)$/, `${payloadType} $1`);
  }
  return ers;
}

/** The JSON-mode ValidatingPolicies on a `--json` payload (every policy gives a response). */
export function applyCelOnJsonPayload(ctx: KindContext, celPolicies: readonly JsonObject[], payload: JsonObject, name: string): EngineResponse[] {
  const vpKinds = new Set(['ValidatingPolicy', 'NamespacedValidatingPolicy']);
  return run(ctx, celPolicies, vpKinds, (h, mine) => h.applyJson?.(ctx, mine, payload, name) ?? []);
}

/** How apply prints a CEL kind's response: mutated or generated resources, or nothing (undefined for the classic kinds). */
export function celResponseRole(er: EngineResponse): 'mutate' | 'generate' | 'validate' | 'none' | undefined {
  const kind = kindOf(er);
  if (kind === 'ClusterPolicy' || kind === 'Policy') return undefined;
  if (MUTATING_KINDS.has(kind)) {
    // mutate-existing target responses are neither counted nor printed by the processor
    return er.policyResponse.rules.some((r) => r.patchedTarget) ? 'none' : 'mutate';
  }
  if (GENERATING_KINDS.has(kind)) return 'generate';
  return 'validate';
}

/**
 * Counts a CEL kind's response as processor/result.go does. MutatingPolicy responses are counted twice
 * (the processor adds them, then processMutateEngineResponse adds them again); ValidatingAdmissionPolicy
 * counts pass, fail and error only.
 */
export function countCelResponse(rc: ResultCounts, engine: Engine, er: EngineResponse): void {
  const role = celResponseRole(er);
  if (role === undefined || role === 'none') return;
  const kind = kindOf(er);
  if (role === 'mutate') {
    rc.addMutateResponse(engine, er);
    if (kind !== 'MutatingAdmissionPolicy') rc.addMutateResponse(engine, er);
  } else if (role === 'generate') rc.addGenerateResponse(engine, er);
  else if (kind === 'ValidatingAdmissionPolicy') {
    for (const r of er.policyResponse.rules) {
      if (r.status === 'pass') rc.pass++;
      else if (r.status === 'fail') rc.fail++;
      else if (r.status === 'error') rc.error++;
    }
  } else rc.addCelValidateResponse(er);
}

function kindOf(er: EngineResponse): string {
  return String((er.policy as unknown as JsonObject)['kind'] ?? '');
}

function nameOf(r: Resource): string {
  const m = isObject(r['metadata']) ? r['metadata'] : {};
  return typeof m['name'] === 'string' ? m['name'] : '';
}

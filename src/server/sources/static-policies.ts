/**
 * Standalone policy source: ClusterPolicies, Policies and PolicyExceptions read from files and folders
 * (`--policy`, `--exception`), with the loader the CLI uses (src/k8s/load.ts).
 *
 * Each document is checked as the API server and Kyverno's policy webhook would check it before it could
 * exist in a cluster: CRD schema (defaults applied), then `validatePolicy` / `validatePolicyException`.
 * Any problem makes the load fail with every problem listed (file, line, message): a server must not run
 * with a policy silently missing. `reload()` re-reads the files; a failed reload keeps the previous set.
 *
 * Of the CEL policy kinds (policies.kyverno.io), ValidatingPolicy, NamespacedValidatingPolicy,
 * MutatingPolicy and NamespacedMutatingPolicy are served (schema-checked and compiled at load), with the
 * CEL PolicyExceptions; the other CEL kinds and ValidatingAdmissionPolicies are refused with a clear
 * message.
 */
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import { formatPolicyError as formatExceptionError, validatePolicyException } from '../../engine/validation/exception.ts';
import { formatPolicyError, validatePolicy } from '../../engine/validation/policy.ts';
import { classifyPolicies, formatProblem, parseDocuments, readSources, type LoadProblem } from '../../k8s/load.ts';
import { aggregate } from '../../k8s/crds/field-error.ts';
import { validateAgainstSchema } from '../../k8s/crds/validate.ts';
import { celPolicyProblems, SERVED_CEL_KINDS } from '../admission/cel-policies.ts';
import type { PolicySnapshot, PolicySource } from './types.ts';

export class PolicyLoadError extends Error {
  readonly code = 'POLICY_LOAD';
  constructor(readonly problems: LoadProblem[]) {
    super(`invalid policies:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
}

export interface StaticPolicyOptions {
  policyPaths: readonly string[];
  exceptionPaths?: readonly string[];
  /** cluster-scoped kinds for namespaced-policy validation */
  clusterResources?: ReadonlySet<string>;
}

function schemaDefaults(doc: JsonObject, file: string, line: number, problems: LoadProblem[]): JsonObject | undefined {
  let r = validateAgainstSchema(doc);
  if (r.errors.some((e) => e.code === 'UNKNOWN_FIELD')) {
    for (const e of r.errors) problems.push({ file, line, code: 'UNKNOWN_FIELD', message: `${e.message}` });
    r = validateAgainstSchema(r.defaulted);
  }
  if (r.errors.length > 0) {
    const meta = r.defaulted['metadata'];
    const name = isObject(meta) && typeof meta['name'] === 'string' ? meta['name'] : '';
    problems.push({ file, line, code: 'SCHEMA', message: `${String(doc['kind'])} "${name}" is invalid: ${aggregate(r.errors)}` });
    return undefined;
  }
  return r.defaulted;
}

/** Loads and validates; throws PolicyLoadError. */
export function loadPolicySnapshot(opts: StaticPolicyOptions): PolicySnapshot & { warnings: string[] } {
  const problems: LoadProblem[] = [];
  const warnings: string[] = [];
  const paths = [...opts.policyPaths, ...(opts.exceptionPaths ?? [])];
  const sources = readSources(paths);
  problems.push(...sources.problems);
  const parsed = parseDocuments(sources.files);
  problems.push(...parsed.problems);
  const loaded = classifyPolicies(parsed.docs);
  problems.push(...loaded.problems);
  // documents the CLI's loader skips (schema errors) are errors for a server
  problems.push(...((loaded as { skipped?: LoadProblem[] }).skipped ?? []));
  const celPolicies: JsonObject[] = [];
  const celExceptions: JsonObject[] = [];
  const celKeys = new Map<string, string>();
  for (const p of [...loaded.celPolicies, ...loaded.celExceptions, ...loaded.other]) {
    const o = loaded.origins.get(p);
    const kind = String(p['kind']);
    const served = String(p['apiVersion']).startsWith('policies.kyverno.io/') && (SERVED_CEL_KINDS.has(kind) || kind === 'PolicyException');
    if (!served) {
      problems.push({
        file: o?.file ?? '?',
        line: o?.line,
        code: 'UNSUPPORTED_KIND',
        message: `${String(p['apiVersion'])} ${kind} is not supported by the admission server (ClusterPolicy, Policy, PolicyException, ValidatingPolicy, NamespacedValidatingPolicy, MutatingPolicy and NamespacedMutatingPolicy only)`,
      });
      continue;
    }
    const doc = schemaDefaults(p, o?.file ?? '?', o?.line ?? 0, problems);
    if (!doc) continue;
    if (kind === 'PolicyException') {
      celExceptions.push(doc);
      continue;
    }
    const meta = isObject(doc['metadata']) ? doc['metadata'] : {};
    const key = `${kind}/${typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? `${meta['namespace']}/` : ''}${String(meta['name'] ?? '')}`;
    const prev = celKeys.get(key);
    if (prev !== undefined) {
      problems.push({ file: o?.file ?? '?', line: o?.line ?? 0, code: 'DUPLICATE', message: `${key} is also defined in ${prev}` });
      continue;
    }
    celKeys.set(key, o?.file ?? '?');
    celPolicies.push(doc);
  }
  for (const message of celPolicyProblems({ policies: celPolicies, exceptions: celExceptions })) {
    problems.push({ file: '?', code: 'INVALID_POLICY', message });
  }
  const policies: KyvernoPolicy[] = [];
  const seen = new Map<string, string>();
  for (const p of loaded.policies) {
    const o = loaded.origins.get(p);
    const file = o?.file ?? '?';
    const line = o?.line ?? 0;
    const doc = schemaDefaults(p as unknown as JsonObject, file, line, problems);
    if (!doc) continue;
    const policy = doc as unknown as KyvernoPolicy;
    const v = validatePolicy(policy, { clusterResources: opts.clusterResources });
    warnings.push(...v.warnings.map((w) => `${file}: ${policy.metadata.name ?? ''}: ${w}`));
    if (v.errors.length > 0) {
      problems.push({ file, line, code: 'INVALID_POLICY', message: `policy ${policy.metadata.name ?? ''}: ${formatPolicyError(v.errors)}` });
      continue;
    }
    const key = policy.kind === 'Policy' ? `${policy.metadata.namespace ?? ''}/${policy.metadata.name ?? ''}` : (policy.metadata.name ?? '');
    const prev = seen.get(key);
    if (prev !== undefined) {
      problems.push({ file, line, code: 'DUPLICATE', message: `${policy.kind} ${key} is also defined in ${prev}` });
      continue;
    }
    seen.set(key, file);
    policies.push(policy);
  }
  const exceptions: PolicyException[] = [];
  for (const e of loaded.exceptions) {
    const o = loaded.origins.get(e);
    const file = o?.file ?? '?';
    const line = o?.line ?? 0;
    const doc = schemaDefaults(e as unknown as JsonObject, file, line, problems);
    if (!doc) continue;
    const polex = doc as unknown as PolicyException;
    const v = validatePolicyException(polex, { enabled: true, namespace: '*' });
    if (v.errors.length > 0) {
      problems.push({ file, line, code: 'INVALID_EXCEPTION', message: `exception ${polex.metadata.name ?? ''}: ${formatExceptionError(v.errors)}` });
      continue;
    }
    exceptions.push(polex);
  }
  if (problems.length > 0) throw new PolicyLoadError(problems);
  return { policies, exceptions, warnings, ...(celPolicies.length > 0 || celExceptions.length > 0 ? { cel: { policies: celPolicies, exceptions: celExceptions } } : {}) };
}

/** A PolicySource over files; `reload()` re-reads them. */
export class StaticPolicySource implements PolicySource {
  private snapshot: PolicySnapshot;
  private readonly listeners: Array<(s: PolicySnapshot) => void> = [];
  /** warnings of the last successful load */
  warnings: string[];

  /** Throws PolicyLoadError when the files hold invalid documents. */
  constructor(private readonly opts: StaticPolicyOptions) {
    const s = loadPolicySnapshot(opts);
    this.snapshot = { policies: s.policies, exceptions: s.exceptions, ...(s.cel ? { cel: s.cel } : {}) };
    this.warnings = s.warnings;
  }

  current(): PolicySnapshot {
    return this.snapshot;
  }

  onChange(cb: (s: PolicySnapshot) => void): void {
    this.listeners.push(cb);
  }

  /** Re-reads the files; on error the previous snapshot stays and the error is thrown. */
  reload(): PolicySnapshot {
    const s = loadPolicySnapshot(this.opts);
    this.snapshot = { policies: s.policies, exceptions: s.exceptions, ...(s.cel ? { cel: s.cel } : {}) };
    this.warnings = s.warnings;
    for (const l of this.listeners) l(this.snapshot);
    return this.snapshot;
  }
}

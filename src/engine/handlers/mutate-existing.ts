/**
 * mutate.targets (mutate existing resources), kyverno/pkg/engine/handlers/mutation/{mutate_existing,
 * load_targets}.go: outside admission, a matched trigger loads each `targets[]` entry and patches every
 * object found separately, with one rule response per object.
 *
 * - Exceptions matching the trigger -> one skip `rule is skipped due to policy exceptions<keys>`.
 * - Each entry: apiVersion/kind/namespace/name/uid/selector substituted from the trigger's context
 *   (`failed to substitute variables in target[i]: …`); a namespaced Policy only looks in its namespace;
 *   a GET when namespace and name are set without wildcards (missing -> error), else a LIST of every
 *   namespace filtered by the selector and by wildcard namespace/name. Failures of all entries are joined
 *   with `"; "` into one error response (message `": <errors>"`), and the objects that were found are still
 *   processed. `uid` is not used to select.
 * - Per object: set as `target`, the entry's context loaded (`failed to load context`), its preconditions
 *   (`failed to evaluate preconditions`; false -> skip `preconditions not met[; msg]`), then the rule's
 *   patch or foreach as for a trigger: pass `mutated <Kind>/<name>[ in namespace <ns>]` with the patched
 *   target attached, skip `no patches applied`, or error. The trigger itself is never changed.
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../api/json.ts';
import type { ConditionsWrapper, ContextEntry, LabelSelector, PolicyException, Rule, TargetResourceSpec } from '../api/policy.ts';
import { ruleError, ruleSkip, type RuleResponse } from '../api/response.ts';
import { evaluateConditions } from '../conditions/evaluate.ts';
import { exceptionKey, matchingExceptions } from '../exceptions.ts';
import type { FoundResource } from '../generate/client.ts';
import { matchNamespaceName } from '../generate/memory-cluster.ts';
import { parseKindSelector } from '../match/kind-selector.ts';
import type { PolicyContext } from '../policy-context.ts';
import { hasWildcard } from '../utils/wildcard.ts';
import { substituteAll } from '../variables/substitute.ts';
import { mutateResource } from './mutate-resource.ts';
import type { RuleRuntime } from './runtime.ts';
import type { TargetResolver } from './targets.ts';

/**
 * A resolver that can also answer Kyverno's `GetResources` with its errors (discovery failures, NotFound
 * messages). `MemoryCluster` implements it; a plain TargetResolver is used through `list`/`get`.
 */
export interface TargetLookup extends TargetResolver {
  getResources?(
    group: string,
    version: string,
    kind: string,
    subresource: string,
    namespace: string,
    name: string,
    selector: LabelSelector | undefined,
  ): FoundResource[];
}

interface LoadedTarget {
  object: Resource;
  context: readonly ContextEntry[] | undefined;
  preconditions: ConditionsWrapper | undefined;
}

interface TargetSelector {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  selector: LabelSelector | undefined;
}

function msgOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The `TargetSelector` part of an entry as Go marshals it (omitempty fields). */
function selectorDocument(t: TargetResourceSpec): JsonObject {
  const doc: JsonObject = {};
  for (const f of ['apiVersion', 'kind', 'namespace', 'name', 'uid'] as const) {
    const v = t[f] as JsonValue | undefined;
    if (v !== undefined && v !== null && v !== '') doc[f] = v;
  }
  if (t.selector !== undefined && t.selector !== null) doc['selector'] = t.selector as unknown as JsonValue;
  return doc;
}

function decodeString(doc: JsonObject, field: string): string {
  const v = doc[field];
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  const kind = Array.isArray(v) ? 'array' : isObject(v) ? 'object' : typeof v === 'number' ? 'number' : 'bool';
  throw new Error(`json: cannot unmarshal ${kind} into Go struct field TargetSelector.${field} of type string`);
}

/** resolveSpec: variables substituted in the entry's selector fields. */
function resolveSpec(rt: RuleRuntime, pc: PolicyContext, i: number, t: TargetResourceSpec): TargetSelector {
  let doc: JsonValue;
  try {
    doc = substituteAll(pc.jsonContext, selectorDocument(t));
  } catch (err) {
    rt.rethrowPending(err);
    throw new Error(`failed to substitute variables in target[${i}]: ${msgOf(err)}`);
  }
  if (!isObject(doc)) throw new Error(`failed to substitute variables in target[${i}]: <nil>`);
  return {
    apiVersion: decodeString(doc, 'apiVersion'),
    kind: decodeString(doc, 'kind'),
    namespace: decodeString(doc, 'namespace'),
    name: decodeString(doc, 'name'),
    selector: isObject(doc['selector']) ? (doc['selector'] as unknown as LabelSelector) : undefined,
  };
}

/** Kubernetes' NotFound text for a GET through a resolver that only says "absent". */
function notFoundMessage(kind: string, apiVersion: string, name: string): string {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const resource = `${kind.toLowerCase()}s`;
  return `${group === '' ? resource : `${resource}.${group}`} "${name}" not found`;
}

function sortByNamespaceName(items: Resource[]): Resource[] {
  const key = (r: Resource): [string, string] => {
    const m = isObject(r['metadata']) ? r['metadata'] : {};
    return [typeof m['namespace'] === 'string' ? m['namespace'] : '', typeof m['name'] === 'string' ? m['name'] : ''];
  };
  return [...items].sort((a, b) => {
    const [na, ma] = key(a);
    const [nb, mb] = key(b);
    if (na !== nb) return na < nb ? -1 : 1;
    return ma < mb ? -1 : ma > mb ? 1 : 0;
  });
}

/** getTargets: the objects one resolved entry designates. Throws on lookup failures. */
function getTargets(pc: PolicyContext, spec: TargetSelector, targets: TargetLookup): Resource[] {
  let namespace = spec.namespace;
  const name = spec.name;
  if (pc.policy.kind === 'Policy') namespace = pc.policy.metadata.namespace ?? '';
  const ks = parseKindSelector(`${spec.apiVersion}/${spec.kind}`);
  if (targets.getResources) {
    return targets.getResources(ks.group, ks.version, ks.kind, ks.subresource, namespace, name, spec.selector).map((f) => f.object);
  }
  if (namespace !== '' && name !== '' && !hasWildcard(namespace) && !hasWildcard(name)) {
    const obj = targets.get(spec.apiVersion, ks.kind, namespace, name);
    if (!obj) throw new Error(notFoundMessage(ks.kind, spec.apiVersion, name));
    return [obj];
  }
  const all = targets.list(spec.apiVersion, ks.kind, undefined, spec.selector);
  return sortByNamespaceName(all).filter((o) => {
    const m = isObject(o['metadata']) ? o['metadata'] : {};
    const ns = typeof m['namespace'] === 'string' ? m['namespace'] : '';
    const n = typeof m['name'] === 'string' ? m['name'] : '';
    return matchNamespaceName(namespace, name, ns, n);
  });
}

/** loadTargets: every entry's objects, and the joined errors of the entries that failed. */
function loadTargets(
  rt: RuleRuntime,
  pc: PolicyContext,
  entries: readonly TargetResourceSpec[],
  targets: TargetLookup,
): { loaded: LoadedTarget[]; errors: string[] } {
  const loaded: LoadedTarget[] = [];
  const errors: string[] = [];
  entries.forEach((entry, i) => {
    let objects: Resource[];
    try {
      objects = getTargets(pc, resolveSpec(rt, pc, i, entry), targets);
    } catch (err) {
      rt.rethrowPending(err);
      errors.push(msgOf(err));
      return;
    }
    for (const object of objects) loaded.push({ object, context: entry.context, preconditions: entry.preconditions });
  });
  return { loaded, errors };
}

/**
 * The mutate-existing handler for a matched rule whose context and preconditions already passed.
 * Example: trigger ConfigMap `dictionary-1`, target Secret `staging/secret-1`, PSM adding label `foo: bar`
 * -> `[{status: 'pass', message: 'mutated Secret/secret-1 in namespace staging', patchedTarget: …}]`.
 */
export function mutateExisting(
  rt: RuleRuntime,
  pc: PolicyContext,
  rule: Rule,
  exceptions: PolicyException[],
  targets: TargetResolver,
): RuleResponse[] {
  const matched = matchingExceptions(exceptions, pc);
  if (matched.length > 0) {
    const keys = matched.map(exceptionKey);
    const r = ruleSkip(rule.name, 'Mutation', 'rule is skipped due to policy exceptions' + keys.join(', '));
    r.exceptions = keys;
    return [r];
  }
  const responses: RuleResponse[] = [];
  const { loaded, errors } = loadTargets(rt, pc, rule.mutate?.targets ?? [], targets as TargetLookup);
  if (errors.length > 0) responses.push(ruleError(rule.name, 'Mutation', '', new Error(errors.join('; '))));
  const ctx = pc.jsonContext;
  for (const target of loaded) {
    ctx.setTargetResource(target.object);
    try {
      rt.loadContext(pc, rule, target.context);
    } catch (err) {
      rt.rethrowPending(err);
      responses.push(ruleError(rule.name, 'Mutation', 'failed to load context', err));
      continue;
    }
    let pre;
    try {
      pre = evaluateConditions(ctx, target.preconditions);
    } catch (err) {
      rt.rethrowPending(err);
      responses.push(ruleError(rule.name, 'Mutation', 'failed to evaluate preconditions', err));
      continue;
    }
    if (!pre.result) {
      responses.push(ruleSkip(rule.name, 'Mutation', ['preconditions not met', pre.message].filter((s) => s !== '').join('; ')));
      continue;
    }
    const { response } = mutateResource(rt, pc, rule, target.object, []);
    if (response) responses.push(response);
  }
  return responses;
}

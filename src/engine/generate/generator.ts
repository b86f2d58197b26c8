/**
 * One generate pattern for one trigger (kyverno/pkg/background/generate/generator.go `generate`): context
 * entries, preconditions (false -> nothing), variables substituted in the pattern, then data / clone /
 * cloneList decide, and the decisions are written: labels added, downstream created (an existing one with
 * the same name is left alone) or updated when `synchronize` and it drifted. Returns the specs of the
 * resources it created.
 */
import { deepCopy, isObject, type JsonObject, type JsonValue, type Resource } from '../api/json.ts';
import type { ConditionsWrapper, ContextEntry, GeneratePattern, KyvernoPolicy, LabelSelector, Rule } from '../api/policy.ts';
import { evaluateConditions } from '../conditions/evaluate.ts';
import type { RuleRuntime } from '../handlers/runtime.ts';
import { parseGroupVersion } from '../match/gvk.ts';
import { matchPattern } from '../pattern/validate.ts';
import type { PolicyContext } from '../policy-context.ts';
import { substituteAll } from '../variables/substitute.ts';
import { isAlreadyExists, type ResourceClient } from './client.ts';
import { manageClone } from './clone.ts';
import { manageCloneList } from './clone-list.ts';
import { manageData } from './data.ts';
import { GenerateError, errorText, rethrowPendingCause } from './errors.ts';
import { manageLabels } from './labels.ts';
import type { GenerateResponse } from './response.ts';
import { getApiVersion, getKind, setMetaString, setTopString, type ResourceSpec } from './unstructured.ts';

export interface GeneratorInput {
  rt: RuleRuntime;
  pc: PolicyContext;
  policy: KyvernoPolicy;
  rule: Rule;
  client: ResourceClient;
  /** the trigger the labels describe (the policy context's new resource) */
  trigger: Resource;
  contextEntries: readonly ContextEntry[] | undefined;
  conditions: ConditionsWrapper | undefined;
  pattern: GeneratePattern;
}

const STRING_FIELDS = ['apiVersion', 'kind', 'namespace', 'name', 'uid'] as const;

/** The pattern as Go marshals it for substitution (`omitempty` strings, `clone`/`cloneList` always present). */
function patternDocument(p: GeneratePattern): JsonObject {
  const doc: JsonObject = {};
  for (const f of STRING_FIELDS) {
    const v = p[f] as JsonValue | undefined;
    if (v !== undefined && v !== null && v !== '') doc[f] = v;
  }
  if (p.data !== undefined && p.data !== null) doc['data'] = p.data;
  const clone: JsonObject = {};
  if (p.clone?.namespace) clone['namespace'] = p.clone.namespace;
  if (p.clone?.name) clone['name'] = p.clone.name;
  doc['clone'] = clone;
  const cloneList: JsonObject = {};
  if (p.cloneList?.namespace) cloneList['namespace'] = p.cloneList.namespace;
  if (p.cloneList?.kinds && p.cloneList.kinds.length > 0) cloneList['kinds'] = p.cloneList.kinds as JsonValue;
  if (p.cloneList?.selector) cloneList['selector'] = p.cloneList.selector as unknown as JsonValue;
  doc['cloneList'] = cloneList;
  return doc;
}

function goJsonKind(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

function decodeString(v: JsonValue | undefined, field: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  throw new GenerateError('PATTERN', `json: cannot unmarshal ${goJsonKind(v)} into Go struct field GeneratePattern.${field} of type string`);
}

/** Decodes the substituted pattern back into its typed form (Go's json.Unmarshal into GeneratePattern). */
function decodePattern(doc: JsonObject): GeneratePattern {
  const out: GeneratePattern = {};
  for (const f of STRING_FIELDS) out[f] = decodeString(doc[f], f);
  if (doc['data'] !== undefined && doc['data'] !== null) out.data = doc['data'];
  const clone = doc['clone'];
  if (isObject(clone)) {
    out.clone = { namespace: decodeString(clone['namespace'], 'clone.namespace'), name: decodeString(clone['name'], 'clone.name') };
  }
  const cl = doc['cloneList'];
  if (isObject(cl)) {
    const kinds = cl['kinds'];
    out.cloneList = {
      namespace: decodeString(cl['namespace'], 'cloneList.namespace'),
      kinds: Array.isArray(kinds) ? kinds.map((k) => decodeString(k, 'cloneList.kinds')) : undefined,
      selector: isObject(cl['selector']) ? (cl['selector'] as unknown as LabelSelector) : undefined,
    };
  }
  return out;
}

/** `isNamespacedResource`: unknown -> namespaced. */
function isNamespaced(client: ResourceClient, apiVersion: string, kind: string): boolean {
  if (apiVersion === '' || kind === '') return true;
  if (!parseGroupVersion(apiVersion)) return true;
  return client.isNamespaced ? client.isNamespaced(apiVersion, kind) : true;
}

/** Builds the object to write for one decision: content + name/namespace/kind/apiVersion + labels. */
function downstreamObject(g: GeneratorInput, response: GenerateResponse): Resource {
  const t = response.target;
  const obj: Resource = deepCopy(response.data ?? {});
  setMetaString(obj, 'name', t.name);
  setMetaString(obj, 'namespace', t.namespace);
  if (getKind(obj) === '') setTopString(obj, 'kind', t.kind);
  setTopString(obj, 'apiVersion', t.apiVersion);
  manageLabels(obj, g.trigger, g.policy, g.rule.name);
  return obj;
}

function write(g: GeneratorInput, ssa: boolean, apiVersion: string, kind: string, namespace: string, name: string, obj: Resource, update: boolean): void {
  if (ssa) g.client.applyResource(apiVersion, kind, namespace, name, obj);
  else if (update) g.client.updateResource(apiVersion, kind, namespace, obj);
  else g.client.createResource(apiVersion, kind, namespace, obj);
}

function writeError(err: unknown): GenerateError {
  return err instanceof GenerateError ? err : new GenerateError('WRITE', errorText(err), err);
}

/**
 * Runs one pattern. Throws GenerateError; returns the created downstream specs.
 * Example: data NetworkPolicy `default-deny` in `{{request.object.metadata.name}}` for Namespace `ns1`
 * -> `[{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, namespace: ns1, name: default-deny}]`.
 */
export function generate(g: GeneratorInput): ResourceSpec[] {
  const { rt, pc } = g;
  const created: ResourceSpec[] = [];
  try {
    rt.loadContext(pc, g.rule, g.contextEntries);
  } catch (err) {
    rethrowPendingCause(rt, err);
    throw new GenerateError('CONTEXT', `failed to load context: ${errorText(err)}`);
  }
  let pre;
  try {
    pre = evaluateConditions(pc.jsonContext, g.conditions);
  } catch (err) {
    rethrowPendingCause(rt, err);
    throw new GenerateError('PRECONDITIONS', `failed to evaluate preconditions: ${errorText(err)}`);
  }
  if (!pre.result) return created;

  let substituted: JsonValue;
  try {
    substituted = substituteAll(pc.jsonContext, patternDocument(g.pattern));
  } catch (err) {
    rethrowPendingCause(rt, err);
    throw new GenerateError('SUBSTITUTION', errorText(err));
  }
  const pattern = decodePattern(isObject(substituted) ? substituted : {});
  const target: ResourceSpec = {
    apiVersion: pattern.apiVersion ?? '',
    kind: pattern.kind ?? '',
    namespace: pattern.namespace ?? '',
    name: pattern.name ?? '',
    uid: pattern.uid ?? '',
  };
  const ssa = g.policy.spec.useServerSideApply === true;
  const synchronize = g.rule.generate?.synchronize === true;

  let responses: GenerateResponse[];
  if ((pattern.clone?.name ?? '') !== '') {
    responses = [manageClone(target, { apiVersion: '', kind: '', namespace: '', name: '' }, ssa, pattern, g.client)];
  } else if ((pattern.cloneList?.kinds ?? []).length > 0) {
    responses = manageCloneList(target.namespace, ssa, pattern, g.client);
  } else {
    responses = [manageData(target, pattern.data, synchronize, g.client)];
  }

  for (const response of responses) {
    const t = response.target;
    if (response.error) throw response.error;
    if (response.action === 'SKIP') continue;
    if (response.data === null && response.action === 'UPDATE') return created;
    const obj = downstreamObject(g, response);
    if (response.action === 'CREATE') {
      setMetaString(obj, 'resourceVersion', '');
      try {
        write(g, ssa, t.apiVersion, t.kind, t.namespace, t.name, obj, false);
      } catch (err) {
        if (!isAlreadyExists(err)) throw writeError(err);
      }
      created.push(t);
      continue;
    }
    // UPDATE
    let existing: Resource;
    try {
      existing = g.client.getResource(t.apiVersion, t.kind, t.namespace, t.name);
    } catch {
      try {
        write(g, ssa, t.apiVersion, t.kind, t.namespace, t.name, obj, false);
      } catch (err) {
        throw writeError(err);
      }
      created.push(t);
      continue;
    }
    let apiVersion = t.apiVersion;
    if (apiVersion === '') {
      apiVersion = getApiVersion(existing);
      setTopString(obj, 'apiVersion', apiVersion);
    }
    let namespace = t.namespace;
    if (namespace === '' && isNamespaced(g.client, apiVersion, t.kind)) namespace = 'default';
    setMetaString(obj, 'namespace', namespace);
    if (!synchronize) continue;
    if (matchPattern(obj, existing).ok && matchPattern(existing, obj).ok) continue;
    try {
      write(g, ssa, apiVersion, t.kind, namespace, t.name, obj, true);
    } catch (err) {
      throw writeError(err);
    }
  }
  return created;
}

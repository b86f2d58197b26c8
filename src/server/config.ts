/**
 * The `kyverno` ConfigMap (pkg/config/config.go `load`, pkg/config/types.go): every key parsed the way
 * Kyverno parses it, with Kyverno's defaults when a key is absent or invalid (an invalid value is reported
 * in `problems`, as Kyverno logs it, and the default is kept).
 *
 * ```ts
 * const cfg = parseKyvernoConfig({ resourceFilters: '[Event,*,*]', excludeGroups: 'system:nodes' });
 * cfg.toFilter({group: '', version: 'v1', kind: 'Event'}, '', 'default', 'e'); // true
 * cfg.isExcluded('kubelet', ['system:nodes'], null, null);                     // true
 * ```
 */
import { isObject, type JsonObject, type JsonValue } from '../engine/api/json.ts';
import type { GroupVersionKind } from '../engine/api/request.ts';
import { DEFAULT_MAX_CONTEXT_SIZE } from '../engine/context/context.ts';
import { compileResourceFilters, compileUserExclusions, type ResourceFilterMatcher, type UserExclusionMatcher } from '../engine/match/index.ts';
import type { RequestFilterConfig } from '../engine/rule-match.ts';
import { parseQuantity } from '../engine/utils/quantity.ts';

export interface WebhookSelectors {
  namespaceSelector?: JsonObject;
  objectSelector?: JsonObject;
}

export interface KyvernoConfiguration {
  /** the raw ConfigMap data the configuration was built from */
  readonly data: Readonly<Record<string, string>>;
  readonly resourceFilters: ResourceFilterMatcher;
  readonly userExclusions: UserExclusionMatcher;
  readonly defaultRegistry: string;
  readonly enableDefaultRegistryMutation: boolean;
  readonly generateSuccessEvents: boolean;
  readonly successEventActions: readonly string[];
  readonly webhook: WebhookSelectors;
  readonly webhookAnnotations: Record<string, string> | undefined;
  readonly webhookLabels: Record<string, string> | undefined;
  readonly matchConditions: JsonValue[] | undefined;
  readonly updateRequestThreshold: number;
  readonly maxContextSize: number;
  /** keys whose value was invalid (Kyverno logs these and keeps the default) */
  readonly problems: readonly string[];
  /** `Configuration.ToFilter(gvk, subresource, namespace, name)` */
  toFilter(gvk: GroupVersionKind, subresource: string, namespace: string, name: string): boolean;
  /** `Configuration.IsExcluded(username, groups, roles, clusterRoles)` */
  isExcluded(username: string, groups: readonly string[] | null, roles: readonly string[] | null, clusterRoles: readonly string[] | null): boolean;
  /** the filters in the engine's shape */
  readonly requestFilters: RequestFilterConfig;
}

/** Kyverno's `UpdateRequestThreshold` default. */
export const DEFAULT_UPDATE_REQUEST_THRESHOLD = 1000;

/** `valid.IsDNSName` (govalidator): a host name of labels of letters, digits, `-` and `_`. */
function isDnsName(s: string): boolean {
  if (s === '' || s.length > 255) return false;
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  return /^([a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62}){1}(\.[a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62})*[._]?$/.test(name) && !/^[0-9.]+$/.test(name);
}

/** Go `strconv.ParseBool` */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

function parseJson(s: string): { ok: true; value: JsonValue } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(s) as JsonValue };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function stringMap(v: JsonValue): Record<string, string> | undefined {
  if (v === null) return undefined;
  if (!isObject(v)) throw new Error('expected an object of strings');
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string' && x !== null) throw new Error(`value of ${k} is not a string`);
    out[k] = x ?? '';
  }
  return out;
}

/** Builds the configuration from ConfigMap data (absent ConfigMap: `{}`). */
export function parseKyvernoConfig(data: Readonly<Record<string, string>> = {}): KyvernoConfiguration {
  const problems: string[] = [];
  const resourceFilters = compileResourceFilters(data['resourceFilters'] ?? '');
  const userExclusions = compileUserExclusions({
    excludeGroups: data['excludeGroups'],
    excludeUsernames: data['excludeUsernames'],
    excludeRoles: data['excludeRoles'],
    excludeClusterRoles: data['excludeClusterRoles'],
  });
  let defaultRegistry = 'docker.io';
  if (data['defaultRegistry'] !== undefined) {
    const host = data['defaultRegistry'].split('/')[0] ?? '';
    if (isDnsName(host)) defaultRegistry = data['defaultRegistry'];
    else problems.push('defaultRegistry is not a valid DNS hostname');
  }
  let enableDefaultRegistryMutation = true;
  if (data['enableDefaultRegistryMutation'] !== undefined) {
    const b = parseGoBool(data['enableDefaultRegistryMutation']);
    if (b === undefined) problems.push('enableDefaultRegistryMutation is not a boolean');
    else enableDefaultRegistryMutation = b;
  }
  let generateSuccessEvents = false;
  if (data['generateSuccessEvents'] !== undefined) {
    const b = parseGoBool(data['generateSuccessEvents']);
    if (b === undefined) problems.push('generateSuccessEvents is not a boolean');
    else generateSuccessEvents = b;
  }
  const successEventActions = (data['successEventActions'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  let webhook: WebhookSelectors = {};
  if (data['webhooks'] !== undefined) {
    const p = parseJson(data['webhooks']);
    if (!p.ok || (p.value !== null && !isObject(p.value))) problems.push(`failed to parse webhooks: ${p.ok ? 'not an object' : p.error}`);
    else if (p.value !== null) {
      const w: WebhookSelectors = {};
      if (isObject(p.value['namespaceSelector'])) w.namespaceSelector = p.value['namespaceSelector'];
      if (isObject(p.value['objectSelector'])) w.objectSelector = p.value['objectSelector'];
      webhook = w;
    }
  }
  const mapKey = (key: string): Record<string, string> | undefined => {
    if (data[key] === undefined) return undefined;
    const p = parseJson(data[key] as string);
    if (!p.ok) {
      problems.push(`failed to parse ${key}: ${p.error}`);
      return undefined;
    }
    try {
      return stringMap(p.value);
    } catch (err) {
      problems.push(`failed to parse ${key}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const webhookAnnotations = mapKey('webhookAnnotations');
  const webhookLabels = mapKey('webhookLabels');
  let matchConditions: JsonValue[] | undefined;
  if (data['matchConditions'] !== undefined) {
    const p = parseJson(data['matchConditions']);
    if (!p.ok || (p.value !== null && !Array.isArray(p.value))) problems.push(`failed to parse match conditions: ${p.ok ? 'not a list' : p.error}`);
    else if (Array.isArray(p.value)) matchConditions = p.value;
  }
  let updateRequestThreshold = DEFAULT_UPDATE_REQUEST_THRESHOLD;
  if (data['updateRequestThreshold'] !== undefined) {
    const s = data['updateRequestThreshold'];
    if (/^[+-]?\d+$/.test(s)) updateRequestThreshold = Number(s);
    else problems.push('updateRequestThreshold is not an integer');
  }
  let maxContextSize = DEFAULT_MAX_CONTEXT_SIZE;
  if (data['maxContextSize'] !== undefined) {
    const q = parseQuantity(data['maxContextSize']);
    // resource.Quantity.Value(): the value rounded up to an integer
    if (q) maxContextSize = Math.ceil(q.toNumber());
    else problems.push('maxContextSize is not a valid quantity (use formats like 100Mi, 2Gi, or plain bytes)');
  }
  return {
    data: { ...data },
    resourceFilters,
    userExclusions,
    defaultRegistry,
    enableDefaultRegistryMutation,
    generateSuccessEvents,
    successEventActions,
    webhook,
    webhookAnnotations,
    webhookLabels,
    matchConditions,
    updateRequestThreshold,
    maxContextSize,
    problems,
    toFilter: (gvk, subresource, namespace, name) => resourceFilters.toFilter(gvk, subresource, namespace, name),
    isExcluded: (username, groups, roles, clusterRoles) =>
      userExclusions.isExcluded(username, groups ?? undefined, roles ?? undefined, clusterRoles ?? undefined),
    requestFilters: { resourceFilters, userExclusions },
  };
}

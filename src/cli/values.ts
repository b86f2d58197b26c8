/**
 * Values for offline evaluation (cli.kyverno.io/v1alpha1 Values; cmd/cli/kubectl-kyverno/variables):
 * global values < per-resource values < `--set`; per-rule values and foreachValues injected when a rule's
 * context loads; namespace labels for namespaceSelector; subresource mappings.
 */
import { isObject, type JsonObject, type JsonValue } from '../engine/api/json.ts';

export interface ValuesSpec {
  globalValues?: JsonObject;
  policies?: Array<{
    name: string;
    rules?: Array<{ name: string; values?: JsonObject; foreachValues?: Record<string, JsonValue[]> }>;
    resources?: Array<{ name: string; values?: JsonObject }>;
  }>;
  namespaceSelector?: Array<{ name: string; labels?: Record<string, string> }>;
  namespaces?: JsonObject[];
  subresources?: Array<{ subresource: ApiResourceRef; parentResource: ApiResourceRef }>;
}

export interface ApiResourceRef {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  singularName?: string;
  namespaced?: boolean;
  verbs?: string[];
}

/** `--set k=v,k2=v2` entries (Kyverno ignores malformed, `request.object.` and duplicate keys). */
export function parseSetVariables(vars: readonly string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (let v of vars) {
    v = v.trim();
    const kv = v.split('=');
    if (kv.length !== 2) continue;
    const key = (kv[0] as string).trim();
    const value = (kv[1] as string).trim();
    if (key === '' || value === '') continue;
    if (key.includes('request.object.')) continue;
    if (out[key] !== undefined && out[key] !== '') continue;
    out[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

export class Variables {
  constructor(
    readonly values: ValuesSpec | undefined,
    readonly variables: Record<string, string> | undefined,
  ) {}

  subresources(): NonNullable<ValuesSpec['subresources']> {
    return this.values?.subresources ?? [];
  }

  namespaceSelectors(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const n of this.values?.namespaceSelector ?? []) out[n.name] = n.labels ?? {};
    for (const n of this.values?.namespaces ?? []) {
      const meta = isObject(n['metadata']) ? n['metadata'] : {};
      const name = typeof meta['name'] === 'string' ? meta['name'] : '';
      out[name] = (isObject(meta['labels']) ? meta['labels'] : {}) as Record<string, string>;
    }
    return out;
  }

  /** A Namespace object known to the values (full objects first, then selectors). */
  namespace(name: string): JsonObject | undefined {
    for (const n of this.values?.namespaces ?? []) {
      const meta = isObject(n['metadata']) ? n['metadata'] : {};
      if (meta['name'] === name) return n;
    }
    for (const n of this.values?.namespaceSelector ?? []) {
      if (n.name === name) return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: n.labels ?? {} } };
    }
    return undefined;
  }

  globalOperation(): string {
    const op = this.values?.globalValues?.['request.operation'];
    return typeof op === 'string' ? op : '';
  }

  /** ComputeVariables: the variables for one policy and resource. */
  computeVariables(policy: string, resource: string): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(this.values?.globalValues ?? {})) out[k] = v as JsonValue;
    for (const p of this.values?.policies ?? []) {
      if (p.name !== policy) continue;
      for (const r of p.resources ?? []) {
        if (r.name !== resource) continue;
        for (const [k, v] of Object.entries(r.values ?? {})) out[k] = v as JsonValue;
      }
    }
    for (const [k, v] of Object.entries(this.variables ?? {})) out[k] = v;
    if (!('request.operation' in out)) out['request.operation'] = 'CREATE';
    return out;
  }

  /**
   * Values preset for a rule (GetPolicyRule: the first policy entry with the name, then its first rule named
   * `r`, `autogen-r` or `autogen-cronjob-r`): rule values, then foreachValues[...][0].
   */
  ruleValues(policy: string, rule: string): Array<[string, JsonValue]> {
    const out: Array<[string, JsonValue]> = [];
    const p = (this.values?.policies ?? []).find((x) => x.name === policy);
    if (!p) return out;
    const r = (p.rules ?? []).find((x) => rule === x.name || rule === `autogen-${x.name}` || rule === `autogen-cronjob-${x.name}`);
    if (!r) return out;
    for (const [k, v] of Object.entries(r.values ?? {})) out.push([k, v as JsonValue]);
    for (const [k, v] of Object.entries(r.foreachValues ?? {})) {
      // Kyverno reads element 0 (its store's foreach element index is never advanced)
      if (Array.isArray(v) && v.length > 0) out.push([k, v[0] as JsonValue]);
    }
    return out;
  }

  hasRuleValues(): boolean {
    return (this.values?.policies ?? []).some((p) => (p.rules ?? []).length > 0);
  }
}

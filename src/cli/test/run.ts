/**
 * Running one test case (cmd/cli/kubectl-kyverno/commands/test/test.go runTest): load values, user info,
 * policies, resources and exceptions relative to the test file, evaluate every resource (the default run and
 * one run per explicit result `operation`), and collect the engine responses by resource key.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isObject, type JsonObject, type JsonValue, type Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import type { ContextPorts, RequestUserInfo } from '../../engine/api/request.ts';
import type { EngineResponse } from '../../engine/api/response.ts';
import { Engine } from '../../engine/engine.ts';
import { formatPolicyValidation, validateKyvernoPolicy } from '../policy-check.ts';
import { classifyPolicies, formatProblem, parseDocuments, readSources, toResources } from '../../k8s/load.ts';
import { checkSchema } from '../../k8s/schema.ts';
import { parseYamlStream } from '../../k8s/yaml.ts';
import { applyPoliciesOnResource } from '../processor.ts';
import { Variables, type ValuesSpec } from '../values.ts';
import { userInfoSchema, valuesSchema, type TestSpec } from './schema.ts';
import { testDir, type TestCase } from './load.ts';
import { systemClock, systemRandom } from '../../k8s/system.ts';
import { kindHandlers, type KindContext } from '../kinds/index.ts';
import { loadCelTestContext } from '../kinds/cel-context.ts';
import { FakeCluster } from '../../k8s/fake-cluster.ts';
import { testCluster } from '../../engine/generate/index.ts';

export interface TestResponse {
  trigger: Map<string, EngineResponse[]>;
  triggerByOperation: Map<string, Map<string, EngineResponse[]>>;
  target: Map<string, EngineResponse[]>;
  /** invalid policies dropped before evaluation, by name, with the reason */
  skippedPolicies: Map<string, string>;
  /** every classic policy the test loaded (valid or not) */
  policies: KyvernoPolicy[];
  engine: Engine;
}

export class TestRunError extends Error {}

/**
 * A JSON payload file (payload.Load): `.json` decoded as JSON, `.yaml`/`.yml` as YAML (one document: that
 * object); it must be a top-level object.
 */
export function loadJsonPayload(path: string, name: string): JsonObject {
  let data: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    const lower = path.toLowerCase();
    if (lower.endsWith('.json')) data = JSON.parse(text);
    else if (lower.endsWith('.yaml') || lower.endsWith('.yml')) {
      const parsed = parseYamlStream(text);
      if (parsed.errors.length > 0) throw new Error(parsed.errors.map((e) => e.message).join('; '));
      const docs = parsed.documents.map((d) => d.value);
      data = docs.length === 1 ? docs[0] : docs;
    } else throw new Error(`unrecognized payload format, must be yaml or json (${path})`);
  } catch (err) {
    throw new TestRunError(`error: failed to load JSON payload ${name} (${(err as Error).message})`);
  }
  if (data === null || data === undefined) throw new TestRunError(`error: JSON payload ${name} is empty or nil`);
  if (!isObject(data as JsonValue)) throw new TestRunError(`error: JSON payload ${name} must be a top-level object (map)`);
  return data as JsonObject;
}

/** The responses of one JSON payload: JSON-mode ValidatingPolicies, then ImageValidatingPolicies, then DeletingPolicies. */
export function applyJsonPayload(ctx: KindContext, celPolicies: readonly JsonObject[], payload: JsonObject, name: string): EngineResponse[] {
  const out: EngineResponse[] = [];
  for (const h of kindHandlers) {
    if (!h.applyJson) continue;
    const mine = celPolicies.filter((p) => h.kinds.includes(String(p['kind'])));
    if (mine.length === 0) continue;
    try {
      out.push(...h.applyJson(ctx, mine, payload, name));
    } catch (err) {
      throw new TestRunError(`failed to apply validating policies on JSON payload ${name} (${(err as Error).message})`);
    }
  }
  return out;
}

function fullPaths(paths: readonly string[] | undefined, dir: string): string[] {
  return (paths ?? []).map((p) => (isAbsolute(p) ? p : join(dir, p)));
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

export function resourceKey(r: Resource): string {
  const meta = isObject(r['metadata']) ? r['metadata'] : {};
  return [r['apiVersion'] ?? '', r['kind'] ?? '', meta['namespace'] ?? '', meta['name'] ?? ''].map((x) => String(x)).join(',');
}

function loadYamlObject(path: string, what: string): { value: JsonObject; lineOf: (p: Array<string | number>) => number | undefined } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TestRunError(`failed to read ${what} ${path}: ${(err as Error).message}`);
  }
  const { documents, errors } = parseYamlStream(text);
  if (errors.length > 0) throw new TestRunError(`${path}:${errors[0]!.line ?? 0}: ${errors[0]!.message}`);
  const d = documents[0];
  if (!d || !isObject(d.value)) throw new TestRunError(`${path}: ${what} must be an object`);
  return { value: d.value, lineOf: d.lineOf };
}

/** Loads a values file (cli.kyverno.io/v1alpha1 Values). */
export function loadValuesFile(path: string): ValuesSpec {
  const { value, lineOf } = loadYamlObject(path, 'values file');
  const problems = checkSchema(value, valuesSchema);
  if (problems.length > 0) {
    const p = problems[0]!;
    throw new TestRunError(`${path}:${lineOf(p.path) ?? 1}: ${p.field}: ${p.message}`);
  }
  if (!value['apiVersion'] || !value['kind']) {
    throw new TestRunError(`values file ${path} uses a deprecated schema — please migrate to the latest format`);
  }
  return value as unknown as ValuesSpec;
}

/** Loads a user info file (cli.kyverno.io/v1alpha1 UserInfo). */
export function loadUserInfoFile(path: string, strictSchema: boolean): RequestUserInfo {
  const { value, lineOf } = loadYamlObject(path, 'user info file');
  const problems = checkSchema(value, userInfoSchema);
  if (problems.length > 0) {
    const p = problems[0]!;
    throw new TestRunError(`${path}:${lineOf(p.path) ?? 1}: ${p.field}: ${p.message}`);
  }
  if (strictSchema && (!value['apiVersion'] || !value['kind'])) {
    throw new TestRunError(`userInfo file ${path} uses a deprecated schema — please migrate to the latest format`);
  }
  const ui = isObject(value['userInfo']) ? value['userInfo'] : {};
  return {
    roles: Array.isArray(value['roles']) ? (value['roles'] as string[]) : undefined,
    clusterRoles: Array.isArray(value['clusterRoles']) ? (value['clusterRoles'] as string[]) : undefined,
    userInfo: ui as RequestUserInfo['userInfo'],
  };
}

/** Offline ports from the test's mocks (apiCallResponses, globalContextEntries). */
export function mockPorts(test: TestSpec, engineSearch: (e: string, d: JsonValue) => JsonValue): ContextPorts {
  const ports: ContextPorts = {};
  const mocks = new Map<string, { statusCode: number; body: JsonValue }>();
  for (const m of test.apiCallResponses ?? []) {
    const url = (m.url ?? '').trim() || (m.urlPath ?? '').trim();
    const method = (m.method ?? '').trim().toUpperCase();
    mocks.set(method ? `${method}:${url}` : url, { statusCode: m.response?.statusCode || 200, body: (m.response?.body ?? null) as JsonValue });
  }
  if (mocks.size > 0) {
    const lookup = (method: string, url: string): { statusCode: number; body: JsonValue } | undefined =>
      mocks.get(`${method}:${url}`) ?? mocks.get(url);
    const answer = (method: string, url: string): JsonValue | undefined => {
      const m = lookup(method, url);
      if (!m) return undefined;
      if (m.statusCode < 200 || m.statusCode >= 300) {
        throw new Error(`HTTP ${m.statusCode} from apiCall mock (v1 apiCall treats non-2xx as failure)`);
      }
      return m.body;
    };
    ports.apiCall = (method, urlPath) => answer(method, urlPath);
    ports.serviceCall = (method, url) => answer(method, url);
  }
  // resolved on first use: the engine whose JMESPath evaluates the projections is built after the ports
  let entries: Map<string, { value?: JsonValue; error?: string }> | undefined;
  const resolveEntries = (): Map<string, { value?: JsonValue; error?: string }> => {
    if (entries) return entries;
    entries = new Map();
    for (const e of test.globalContextEntries ?? []) {
      try {
        entries.set(e.name, { value: resolveGlobalContextMock(e, engineSearch) });
      } catch (err) {
        entries.set(e.name, { error: (err as Error).message });
      }
    }
    return entries;
  };
  if ((test.globalContextEntries ?? []).length > 0) {
    ports.globalContext = (name, projection) => {
      const e = resolveEntries().get(name);
      if (!e) return undefined;
      if (e.error !== undefined) throw new Error(e.error);
      if (!projection) return e.value ?? null;
      if (!isObject(e.value)) throw new Error(`global context mock: projection "${projection}" requested but value is not an object`);
      if (!(projection in e.value)) throw new Error(`global context mock: projection "${projection}" not found`);
      return e.value[projection] as JsonValue;
    };
  }
  return ports;
}

function resolveGlobalContextMock(
  e: NonNullable<TestSpec['globalContextEntries']>[number],
  search: (expr: string, d: JsonValue) => JsonValue,
): JsonValue {
  let root: JsonValue;
  if (e.resources !== undefined) {
    root = e.resources as JsonValue[];
  } else {
    if (e.data === undefined || e.data === null) {
      if ((e.projections ?? []).length > 0) throw new Error(`globalContextEntries "${e.name}": data is required when projections are set`);
      return null;
    }
    root = e.data as JsonValue;
  }
  if (e.fieldPath) root = search(e.fieldPath, root);
  if (!e.projections || e.projections.length === 0) return root;
  const out: JsonObject = {};
  for (const p of e.projections) out[p.name] = search(p.path, root);
  return out;
}

export function runTest(out: (line: string) => void, tc: TestCase): TestResponse {
  if (tc.error) throw new TestRunError(tc.error);
  const test = tc.test!;
  const dir = testDir(tc);
  out(`Loading test ${test.name ?? ''} ( ${tc.path} ) ...`);

  out('  Loading values/variables ...');
  let valuesSpec: ValuesSpec | undefined = test.values;
  if (!valuesSpec && test.variables) {
    try {
      valuesSpec = loadValuesFile(join(dir, test.variables));
    } catch (err) {
      throw new TestRunError(`failed to decode yaml (unable to load variable file: ${test.variables} (${(err as Error).message}))`);
    }
  }
  const variables = new Variables(valuesSpec, undefined);

  let userInfo: RequestUserInfo | undefined;
  if (test.userinfo) {
    out('  Loading user infos ...');
    try {
      userInfo = loadUserInfoFile(join(dir, test.userinfo), true);
    } catch (err) {
      throw new TestRunError(`error: failed to load request info (${(err as Error).message})`);
    }
  }

  out('  Loading policies ...');
  const policySources = readSources(fullPaths(test.policies, dir));
  if (policySources.problems.length > 0) {
    throw new TestRunError(`error: failed to load policies (${policySources.problems.map(formatProblem).join('; ')})`);
  }
  const parsedPolicies = parseDocuments(policySources.files);
  const loaded = classifyPolicies(parsedPolicies.docs);
  const fatal = [...parsedPolicies.problems, ...loaded.problems];
  if (fatal.length > 0) {
    throw new TestRunError(`error: failed to load policies (${fatal.map(formatProblem).join('; ')})`);
  }
  for (const p of loaded.skipped) out(`  ERROR: ${p.file}: ${p.message}`);

  out('  Loading resources ...');
  const resourceSources = readSources(fullPaths(test.resources, dir), { anyExtension: true });
  if (resourceSources.problems.length > 0) {
    throw new TestRunError(`error: failed to load resources (${resourceSources.problems.map(formatProblem).join('; ')})`);
  }
  const parsedResources = parseDocuments(resourceSources.files);
  const res = toResources(parsedResources.docs);
  const resourceProblems = [...parsedResources.problems, ...res.problems];
  if (resourceProblems.length > 0) {
    throw new TestRunError(`error: failed to load resources (${resourceProblems.map(formatProblem).join('; ')})`);
  }
  const uniques: Resource[] = [];
  const seen = new Set<string>();
  for (const r of res.resources) {
    const key = resourceKey(r);
    if (seen.has(key)) {
      const meta = isObject(r['metadata']) ? r['metadata'] : {};
      out(`  warning: found duplicated resource ${String(r['kind'])} ${String(meta['name'] ?? '')} ${String(meta['namespace'] ?? '')}`);
      continue;
    }
    seen.add(key);
    uniques.push(r);
  }

  // ValidatingPolicy's Envoy and HTTP evaluation modes run on the kyverno-authz engine (envoy/http/jwt
  // libraries, CheckRequest payloads), which is not implemented: fail loudly rather than pass vacuously
  if ((test.httpPayloads ?? []).length > 0 || (test.envoyPayloads ?? []).length > 0) {
    throw new TestRunError('error: httpPayloads and envoyPayloads (ValidatingPolicy evaluation modes HTTP and Envoy) are not supported');
  }
  const jsonPayloads: Array<{ name: string; payload: JsonObject }> = [];
  if ((test.jsonPayloads ?? []).length > 0) {
    out('  Loading JSON payloads ...');
    for (const name of test.jsonPayloads!) jsonPayloads.push({ name, payload: loadJsonPayload(isAbsolute(name) ? name : join(dir, name), name) });
  }

  // target and parameter resources, loaded like resources
  const loadResourceFiles = (paths: readonly string[]): { resources: Resource[]; problems: string[] } => {
    const src = readSources(paths, { anyExtension: true });
    const parsed = parseDocuments(src.files);
    const r = toResources(parsed.docs);
    return { resources: r.resources, problems: [...src.problems, ...parsed.problems, ...r.problems].map(formatProblem) };
  };
  const targets = loadResourceFiles(fullPaths(test.targetResources, dir));
  if (targets.problems.length > 0) throw new TestRunError(`error: failed to load target resources (${targets.problems.join('; ')})`);
  const params = loadResourceFiles(fullPaths(test.paramResources, dir));
  if (params.problems.length > 0) throw new TestRunError(`error: failed to load parameter resources (${params.problems.join('; ')})`);

  out('  Loading exceptions ...');
  let exceptions: PolicyException[] = [];
  let exceptionsCel: JsonObject[] = [];
  if ((test.exceptions ?? []).length > 0) {
    const exSources = readSources(fullPaths(test.exceptions, dir));
    const exDocs = parseDocuments(exSources.files);
    const exLoaded = classifyPolicies(exDocs.docs);
    const probs = [...exSources.problems, ...exDocs.problems];
    if (probs.length > 0) throw new TestRunError(`error: failed to load exceptions (${probs.map(formatProblem).join('; ')})`);
    exceptions = exLoaded.exceptions;
    exceptionsCel = exLoaded.celExceptions;
  }

  // clusterResources: a fake cluster holding every object of the test answers ConfigMap and API reads
  const clusterObjects: Resource[] = [];
  const clusterResources: Resource[] = [];
  const clusterCrds: Resource[] = [];
  for (const file of fullPaths(test.clusterResources, dir)) {
    const { value } = loadYamlObject(file, 'cluster resources');
    const spec = isObject(value['spec']) ? value['spec'] : {};
    for (const r of Array.isArray(spec['resources']) ? spec['resources'] : []) {
      if (!isObject(r)) continue;
      clusterObjects.push(r);
      clusterResources.push(r);
    }
    for (const crd of Array.isArray(spec['crds']) ? spec['crds'] : []) {
      if (typeof crd !== 'string') continue;
      const c = loadYamlObject(isAbsolute(crd) ? crd : join(dir, crd), 'CRD');
      clusterObjects.push(c.value);
      clusterCrds.push(c.value);
    }
  }
  const hasCluster = (test.clusterResources ?? []).length > 0;
  const cluster = new FakeCluster([...uniques, ...targets.resources, ...params.resources, ...clusterObjects]);

  const engineHolder: { engine?: Engine } = {};
  const search = (e: string, d: JsonValue): JsonValue => engineHolder.engine!.jp.search(e, d);
  const mocks = mockPorts(test, search);
  const ports: ContextPorts = { ...(hasCluster ? cluster.ports({ configMaps: true, apiCalls: true }) : {}), ...mocks };
  if (hasCluster && mocks.apiCall) {
    const mockCall = mocks.apiCall;
    ports.apiCall = (method, urlPath, body) => {
      const mocked = mockCall(method, urlPath, body);
      if (mocked !== undefined) return mocked;
      if (method !== 'GET') throw new Error(`${method} ${urlPath}: the offline object store serves GET only`);
      return cluster.rawGet(urlPath);
    };
  }
  const engine = new Engine({
    clock: systemClock,
    random: systemRandom,
    ports,
    // mutate targets: the fake dynamic client of `kyverno test` (resources, target resources, parameter
    // resources, then the clusterResources' resources and CRDs)
    targets: testCluster([...uniques, ...targets.resources, ...params.resources, ...clusterResources], clusterCrds),
    contextInitializer: variables.hasRuleValues()
      ? (policy, rule, ctx) => {
          for (const [k, v] of variables.ruleValues(policy.metadata?.name ?? '', rule.name)) ctx.addVariable(k, v);
        }
      : undefined,
  });
  engineHolder.engine = engine;

  const policyCount = loaded.policies.length + loaded.celPolicies.filter((p) => !String(p['kind']).endsWith('Binding')).length;
  out(
    `  Applying ${policyCount} ${plural(policyCount, 'policy', 'policies')} to ${uniques.length} ${plural(uniques.length, 'resource', 'resources')} with ${exceptions.length + exceptionsCel.length} ${plural(exceptions.length + exceptionsCel.length, 'exception', 'exceptions')} ...`,
  );

  const skippedPolicies = new Map<string, string>();
  const validPolicies: KyvernoPolicy[] = [];
  for (const p of loaded.policies) {
    const v = validateKyvernoPolicy(p);
    if (v.errors.length > 0) {
      skippedPolicies.set(p.metadata?.name ?? '', formatPolicyValidation(v));
      continue;
    }
    validPolicies.push(p);
  }

  const explicitOperations = new Set<string>();
  for (const r of test.results ?? []) {
    if (r.operation && !['CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(r.operation)) {
      throw new TestRunError(`invalid test result for policy ${r.policy}: invalid operation "${r.operation}"`);
    }
    if (!r.operation) continue;
    if (r.isDeletingPolicy) throw new TestRunError(`invalid test result for policy ${r.policy}: operation is not supported for deleting policies`);
    explicitOperations.add(r.operation);
  }

  const response: TestResponse = {
    trigger: new Map(),
    triggerByOperation: new Map(),
    target: new Map(),
    skippedPolicies,
    policies: loaded.policies,
    engine,
  };
  // ruleToCloneSourceResource: each generate rule (clone or cloneList) of each policy, from the first result row naming it
  const cloneSourceFiles = new Map<string, string>();
  const ruleKey = (p: KyvernoPolicy, rule: string): string => `${p.kind}/${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}/${rule}`;
  for (const policy of loaded.policies) {
    for (const rule of engine.computeRules(policy, '')) {
      for (const res of test.results ?? []) {
        let resNs = '';
        let resName = res.policy;
        const slash = res.policy.indexOf('/');
        if (slash >= 0) {
          resNs = res.policy.slice(0, slash);
          resName = res.policy.slice(slash + 1);
          if (resName.includes('/')) continue;
        }
        if (resName === '' || (policy.metadata?.name ?? '') !== resName || (policy.metadata?.namespace ?? '') !== resNs) continue;
        if (rule.name !== res.rule) continue;
        const g = rule.generate;
        if (g && Object.keys(g).length > 0) {
          const hasCloneList = (g.cloneList?.kinds ?? []).length > 0;
          const hasClone = !!(g.clone && (g.clone.name || g.clone.namespace));
          // an empty cloneSourceResource points Kyverno at the test directory, which it fails to read
          if ((hasCloneList || hasClone) && res.cloneSourceResource) cloneSourceFiles.set(ruleKey(policy, rule.name), join(dir, res.cloneSourceResource));
        }
        break;
      }
    }
  }
  const cloneSources = (policy: KyvernoPolicy, ruleName: string): Resource[] => {
    const file = cloneSourceFiles.get(ruleKey(policy, ruleName));
    return file === undefined ? [] : loadResourceFiles([file]).resources;
  };
  const kindContext: KindContext = {
    engine,
    variables,
    userInfo,
    celExceptions: loaded.celExceptions.concat(exceptionsCel),
    paramResources: params.resources,
    cluster,
    ports,
    hasCluster,
    targets: targets.resources,
    ...loadCelTestContext({ dir, contextPath: test.context, apiCallResponses: test.apiCallResponses as never }),
  };
  const evalResource = (resource: Resource, operation: string | undefined): EngineResponse[] =>
    applyPoliciesOnResource(
      {
        engine,
        policies: validPolicies,
        exceptions,
        variables,
        userInfo,
        operation,
        cloneSources,
        celPolicies: loaded.celPolicies,
        kindContext,
        defaultRun: operation === undefined,
      },
      resource,
    );
  const all: EngineResponse[] = [];
  for (const resource of uniques) {
    const key = resourceKey(resource);
    const ers = evalResource(resource, undefined);
    all.push(...ers);
    response.trigger.set(key, ers);
    for (const op of [...explicitOperations].sort()) {
      let m = response.triggerByOperation.get(op);
      if (!m) response.triggerByOperation.set(op, (m = new Map()));
      const opErs = evalResource(resource, op);
      all.push(...opErs);
      m.set(key, opErs);
    }
  }
  // JSON payloads (`jsonPayloads`): the kinds that evaluate raw JSON, keyed by the payload's file name
  for (const { name, payload } of jsonPayloads) {
    const ers = applyJsonPayload(kindContext, loaded.celPolicies, payload, name);
    all.push(...ers);
    response.trigger.set(name, [...(response.trigger.get(name) ?? []), ...ers]);
  }
  // responses that patched a target resource, by target key (test.go: extractPatchedTargetFromEngineResponse)
  for (const t of targets.resources) {
    const tm = isObject(t['metadata']) ? t['metadata'] : {};
    for (const er of all) {
      const hit = er.policyResponse.rules.some((r) => {
        const p = r.patchedTarget;
        if (!p) return false;
        const pm = isObject(p['metadata']) ? p['metadata'] : {};
        const ns = (tm['namespace'] ?? '') === '' ? (pm['namespace'] ?? '') : tm['namespace'];
        return p['apiVersion'] === t['apiVersion'] && p['kind'] === t['kind'] && pm['name'] === tm['name'] && (pm['namespace'] ?? '') === ns;
      });
      if (!hit) continue;
      const key = resourceKey(t);
      const list = response.target.get(key) ?? [];
      list.push(er);
      response.target.set(key, list);
    }
  }
  return response;
}

/**
 * The admission core: the engine, the policy cache, the audit queue, metrics and the admission routes
 * (Kyverno's paths with Kyverno's decorator chains, pkg/webhooks/server.go), without any HTTP. The HTTP
 * server (server.ts) runs it on its own thread, or each worker thread (workers/) runs one.
 *
 * | route                                                   | chain (outermost first)                                  |
 * |---------------------------------------------------------|----------------------------------------------------------|
 * | /validate[/fail|/ignore][/finegrained/<[ns/]name>]      | top-level GVK, metrics, roles, dump, protect, filter     |
 * | /mutate[...]                                            | top-level GVK, metrics, operation (CREATE/UPDATE/CONNECT), roles, dump, protect, filter |
 * | /policyvalidate, /exceptionvalidate                     | metrics, subresource filter, dump                        |
 * | /policymutate                                           | metrics, dump                                            |
 * | /celexception/validate, /globalcontextvalidate          | metrics, subresource filter, dump (schema check only)    |
 * | /verifymutate                                           | -                                                        |
 * | /vpol/, /nvpol/, /mpol/, /nmpol/ + policy names (CEL kinds, admission/cel-policies.ts) | top-level GVK, metrics, roles, dump, protect, filter |
 */
import { parseKindSelector } from '../engine/match/kind-selector.ts';
import type { KyvernoPolicy, PolicyException } from '../engine/api/policy.ts';
import type { EngineResponse } from '../engine/api/response.ts';
import type { Clock, RandomSource } from '../engine/api/request.ts';
import { systemClock, systemRandom } from '../k8s/system.ts';
import { Engine } from '../engine/engine.ts';
import { withAdmissionMetrics, type WebhookType } from './admission/admission-metrics.ts';
import { AuditPool } from './admission/audit-pool.ts';
import { CelAdmission } from './admission/cel-policies.ts';
import { withDump } from './admission/dump.ts';
import { validateExceptionRequest } from './admission/exception-validation.ts';
import { selectExceptions, type ExceptionOptions } from './admission/exceptions.ts';
import { withFilter, withOperationFilter, withSubResourceFilter } from './admission/filter.ts';
import { admissionEnabled, customWebhookMatchConditions, PolicyCache, policyCacheKey } from './admission/policy-cache.ts';
import { mutatePolicyRequest, schemaCheck, validatePolicyRequest } from './admission/policy-validation.ts';
import { GeneratePermissions, type GeneratePermissionOptions } from './admission/generate-permissions.ts';
import { withProtection } from './admission/protect.ts';
import { MemoryReportSink, STANDALONE_REPORT_RECORDS, type ReportSink } from './admission/reports.ts';
import { mutateResource, validateResource, type BackgroundSink, type PathFailurePolicy, type ResourceHandlerDeps } from './admission/resource-handlers.ts';
import { RoleResolver, withRoles } from './admission/roles.ts';
import { withTopLevelGvk } from './admission/top-level-gvk.ts';
import { admissionResponse, responseSuccess, type AdmissionHandler } from './admission/types.ts';
import { verifyHandler } from './admission/verify.ts';
import type { KyvernoConfiguration } from './config.ts';
import { processAdmission, type AdmissionOutcome } from './http/admission-endpoint.ts';
import type { Logger } from './logging.ts';
import { KyvernoMetrics } from './metrics.ts';
import { StaticDiscovery, type Discovery } from './sources/discovery.ts';
import type { ConfigSource, NamespaceLabelsSource, PolicySnapshot, PolicySource, RoleBindingSource } from './sources/types.ts';

/** The package version reported in `kyverno_info`. */
export const SERVER_VERSION = '0.1.0';

export interface AdmissionCoreOptions {
  policies: PolicySource;
  namespaces: NamespaceLabelsSource;
  roleBindings?: RoleBindingSource;
  config: ConfigSource;
  discovery?: Discovery;
  reports?: ReportSink;
  background?: BackgroundSink;
  log: Logger;
  metrics?: KyvernoMetrics;
  clock?: Clock;
  /** randomness for `random()` (default: node:crypto) */
  random?: RandomSource;
  /** Kyverno's namespace (protection, verify webhook); default `kyverno` */
  kyvernoNamespace?: string;
  /** `--protectManagedResources` (default false) */
  protectManagedResources?: boolean;
  /** `--dumpPayload` (default false) */
  dumpPayload?: boolean;
  /** `--enablePolicyException` / `--exceptionNamespace` (default disabled) */
  exceptions?: ExceptionOptions;
  /** `--admissionReports` (default true) */
  admissionReports?: boolean;
  /** `--forceFailurePolicyIgnore` (default false) */
  forceFailurePolicyIgnore?: boolean;
  /** `--webhookTimeout` in seconds (default 10): reviews get a verdict within 80% of it */
  webhookTimeoutSeconds?: number;
  /** called with the policy responses of a blocked request (in-cluster: `fail (blocked)` events) */
  onBlocked?: (responses: readonly EngineResponse[]) => void;
  /**
   * Re-reads discovery (in a cluster). Policy validation calls it, at most once a second, before validating
   * a policy that names a kind discovery does not know (Kyverno invalidates its discovery cache on a miss):
   * a CRD and a policy for it applied together must not be refused.
   */
  refreshDiscovery?: () => Promise<void>;
  /** In a cluster: the RBAC check of generate rules at policy validation (SubjectAccessReviews of Kyverno's service accounts). */
  generatePermissions?: GeneratePermissionOptions;
  /** `--maxAuditWorkers` (default 8), `--maxAuditCapacity` (default 1000) */
  auditWorkers?: number;
  auditCapacity?: number;
}

/** One admission route: an exact path, or a catch-all prefix (fine-grained paths). */
export interface AdmissionRoute {
  path: string;
  catchAll: boolean;
  handler: AdmissionHandler;
  failurePolicy: PathFailurePolicy;
  /** the webhook type for http metrics (none for the verify webhook) */
  webhook: WebhookType | undefined;
  log: Logger;
  /** work to await before the (synchronous) handler runs, when a request needs it */
  prepare?: (body: string) => Promise<void> | undefined;
}


export class AdmissionCore {
  readonly metrics: KyvernoMetrics;
  readonly policyCache: PolicyCache;
  readonly audit: AuditPool;
  readonly reports: ReportSink;
  readonly discovery: Discovery;
  readonly routes: AdmissionRoute[] = [];
  /** the CEL policy kinds (ValidatingPolicy, MutatingPolicy and their namespaced kinds) */
  readonly cel: CelAdmission;
  private readonly byPath = new Map<string, AdmissionRoute>();
  private engineInstance: Engine;
  private exceptionCandidates: PolicyException[] = [];
  private policiesByKey = new Map<string, KyvernoPolicy>();
  readonly log: Logger;

  constructor(private readonly opts: AdmissionCoreOptions) {
    this.log = opts.log.child('webhooks');
    this.metrics = opts.metrics ?? new KyvernoMetrics({ version: SERVER_VERSION });
    this.discovery = opts.discovery ?? new StaticDiscovery();
    this.policyCache = new PolicyCache(this.discovery);
    this.reports = opts.reports ?? new MemoryReportSink(STANDALONE_REPORT_RECORDS);
    this.audit = new AuditPool({
      workers: opts.auditWorkers ?? 8,
      capacity: opts.auditCapacity ?? 1000,
      onError: (err) => this.log.child('audit').error(err, 'audit evaluation failed'),
    });
    this.cel = new CelAdmission({
      namespaces: opts.namespaces,
      reports: this.reports,
      admissionReports: opts.admissionReports ?? true,
      forceFailurePolicyIgnore: opts.forceFailurePolicyIgnore ?? false,
      onBlocked: opts.onBlocked,
      clock: opts.clock ?? systemClock,
      random: opts.random ?? systemRandom,
      log: this.log.child('cel'),
    });
    this.engineInstance = this.buildEngine(opts.config.current());
    opts.config.onChange((c) => {
      this.engineInstance = this.buildEngine(c);
      for (const p of c.problems) this.log.error(p, 'invalid configuration value');
    });
    this.applySnapshot(opts.policies.current());
    opts.policies.onChange((s) => this.applySnapshot(s));
    this.buildRoutes();
  }

  /** The engine built from the current configuration. */
  get engine(): Engine {
    return this.engineInstance;
  }

  /** The webhook timeout's internal deadline, in ms. */
  get deadlineMs(): number {
    return (this.opts.webhookTimeoutSeconds ?? 10) * 1000 * 0.8;
  }

  private buildEngine(c: KyvernoConfiguration): Engine {
    return new Engine({
      clock: this.opts.clock ?? systemClock,
      // random() in policies (e.g. generated names)
      random: this.opts.random ?? systemRandom,
      config: {
        imageConfig: { defaultRegistry: c.defaultRegistry, enableDefaultRegistryMutation: c.enableDefaultRegistryMutation },
        maxContextSize: c.maxContextSize,
        requestFilters: c.requestFilters,
      },
    });
  }

  /**
   * The policy cache controller: the cache holds admission-enabled policies without custom webhook match
   * conditions (those have their own fine-grained webhook); fine-grained paths look policies up by key
   * among all of them (the policy listers).
   */
  private applySnapshot(s: PolicySnapshot): void {
    this.policyCache.replaceAll(s.policies.filter((p) => admissionEnabled(p) && !customWebhookMatchConditions(p)));
    this.policiesByKey = new Map(s.policies.map((p) => [policyCacheKey(p), p]));
    this.exceptionCandidates = selectExceptions(s.exceptions, this.opts.exceptions ?? { enabled: false, namespace: '' });
    for (const [key, errs] of this.policyCache.indexErrors) for (const e of errs) this.log.child('policycache').info(e, { policy: key });
    if (s.cel !== this.celSnapshot) {
      this.celSnapshot = s.cel;
      this.cel.replace(s.cel);
    }
  }

  private celSnapshot: PolicySnapshot['cel'];

  /** What the resource handlers need (exposed for tests and tools). */
  resourceDeps(): ResourceHandlerDeps {
    return {
      engine: () => this.engineInstance,
      policies: this.policyCache,
      policyByKey: (key) => this.policiesByKey.get(key),
      namespaces: this.opts.namespaces,
      exceptions: () => this.exceptionCandidates,
      metrics: this.metrics,
      audit: this.audit,
      reports: this.reports,
      background: this.opts.background ?? { submit: () => {} },
      admissionReports: this.opts.admissionReports ?? true,
      forceFailurePolicyIgnore: this.opts.forceFailurePolicyIgnore ?? false,
      onBlocked: this.opts.onBlocked,
    };
  }

  private add(path: string, catchAll: boolean, handler: AdmissionHandler, failurePolicy: PathFailurePolicy, webhook: WebhookType | undefined, log: Logger): void {
    const route = { path, catchAll, handler, failurePolicy, webhook, log };
    this.routes.push(route);
    this.byPath.set(path, route);
  }

  private buildRoutes(): void {
    const deps = this.resourceDeps();
    const config = (): KyvernoConfiguration => this.opts.config.current();
    const roles = new RoleResolver(this.opts.roleBindings);
    const kyvernoNs = this.opts.kyvernoNamespace ?? 'kyverno';
    const resourceLog = this.log.child('resource');
    const resourceChain = (handler: AdmissionHandler, mutation: boolean): AdmissionHandler => {
      let h = withFilter(handler, config);
      if (this.opts.protectManagedResources) h = withProtection(h, kyvernoNs);
      if (this.opts.dumpPayload) h = withDump(h);
      h = withRoles(h, roles);
      if (mutation) h = withOperationFilter(h, 'CREATE', 'UPDATE', 'CONNECT');
      h = withAdmissionMetrics(h, this.metrics, mutation ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration');
      return withTopLevelGvk(h, this.discovery);
    };
    for (const [base, mutation] of [
      ['/validate', false],
      ['/mutate', true],
    ] as const) {
      const log = resourceLog.child(mutation ? 'mutate' : 'validate');
      const webhook: WebhookType = mutation ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration';
      for (const fp of ['all', 'fail', 'ignore'] as const) {
        const handler = resourceChain(mutation ? (a) => mutateResource(deps, a, fp) : (a) => validateResource(deps, a, fp), mutation);
        if (fp === 'all') this.add(base, false, handler, fp, webhook, log);
        else {
          this.add(`${base}/${fp}`, false, handler, fp, webhook, log);
          this.add(`${base}/${fp}/finegrained/`, true, handler, fp, webhook, log);
        }
      }
    }
    // the CEL kinds (Kyverno: /vpol/*policies, ...; every one counted as a validating webhook, no operation filter)
    for (const kind of ['vpol', 'nvpol', 'mpol', 'nmpol'] as const) {
      const handler = resourceChain(kind === 'vpol' || kind === 'nvpol' ? (a) => this.cel.validate(kind, a) : (a) => this.cel.mutate(kind, a), false);
      this.add(`/${kind}/`, true, handler, 'all', 'ValidatingWebhookConfiguration', this.log.child(kind === 'vpol' || kind === 'nvpol' ? 'vpol' : 'mpol'));
    }
    const findResources = (g: string, v: string, k: string, s: string) => this.discovery.findResources(g, v, k, s);
    const clusterResources = () => (this.discovery instanceof StaticDiscovery ? this.discovery.clusterScopedKinds() : new Set<string>());
    const policyChain = (h: AdmissionHandler, webhook: WebhookType, subresourceFilter: boolean): AdmissionHandler => {
      let c = this.opts.dumpPayload ? withDump(h) : h;
      if (subresourceFilter) c = withSubResourceFilter(c);
      return withAdmissionMetrics(c, this.metrics, webhook);
    };
    const V: WebhookType = 'ValidatingWebhookConfiguration';
    const M: WebhookType = 'MutatingWebhookConfiguration';
    const policyLog = this.log.child('policy');
    const permissions = this.opts.generatePermissions ? new GeneratePermissions(this.opts.generatePermissions, (g, v, k, sub) => this.discovery.findResources(g, v, k, sub)) : undefined;
    const policyDeps = { findResources, clusterResources, ...(permissions ? { generatePermissions: permissions } : {}) };
    this.add('/policyvalidate', false, policyChain((a) => validatePolicyRequest(policyDeps, a), V, true), 'fail', V, policyLog.child('validate'));
    const refresh = this.opts.refreshDiscovery;
    if (refresh) {
      const route = this.byPath.get('/policyvalidate') as AdmissionRoute;
      let last = 0;
      let inFlight: Promise<void> | undefined;
      route.prepare = (body) => {
        if (inFlight) return inFlight;
        if (Date.now() - last < 1000) return undefined;
        const known = (g: string, v: string, k: string): boolean => {
          try {
            return this.discovery.findResources(g, v, k, '').length > 0;
          } catch {
            return false;
          }
        };
        if (!namesUnknownKind(body, known)) return undefined;
        last = Date.now();
        inFlight = refresh()
          .catch((err: unknown) => this.log.child('discovery').error(err, 'failed to refresh discovery'))
          .finally(() => {
            inFlight = undefined;
          });
        return inFlight;
      };
    }
    if (permissions) {
      // the reviews run after discovery is re-read (a generated kind may be new)
      const route = this.byPath.get('/policyvalidate') as AdmissionRoute;
      const first = route.prepare;
      route.prepare = (body) => {
        const pending = first?.(body);
        return pending ? pending.then(() => permissions.prepare(body)) : permissions.prepare(body);
      };
    }
    this.add('/policymutate', false, policyChain(mutatePolicyRequest, M, false), 'fail', M, policyLog.child('mutate'));
    const exceptionOpts = this.opts.exceptions ?? { enabled: false, namespace: '' };
    this.add('/exceptionvalidate', false, policyChain((a) => validateExceptionRequest(exceptionOpts, a), V, true), 'fail', V, this.log.child('exception').child('validate'));
    const schemaOnly = (what: string): AdmissionHandler => (a) => {
      const r = schemaCheck(a.request.object, a.request.kind, `v1.${a.request.kind.kind}`);
      if (!r.ok) return admissionResponse(a.request.uid, r.message);
      return responseSuccess(a.request.uid, [`${what} semantic validation is not performed by this server; only its schema was checked`]);
    };
    this.add('/celexception/validate', false, policyChain(schemaOnly('CEL PolicyException'), V, true), 'fail', V, this.log.child('cel-exception').child('validate'));
    this.add('/globalcontextvalidate', false, policyChain(schemaOnly('GlobalContextEntry'), V, true), 'fail', V, this.log.child('globalcontext').child('validate'));
    this.add('/verifymutate', false, verifyHandler(kyvernoNs, () => (this.opts.clock ?? systemClock).now()), 'ignore', undefined, this.log.child('verify').child('mutate'));
  }

  /** Evaluates a request body on a route (its path, or its catch-all prefix); see `AdmissionRoute.prepare`. */
  evaluate(path: string, body: string, contentType: string | undefined, urlParams: string, startTime: number): AdmissionOutcome {
    const route = this.byPath.get(path);
    if (!route) return { status: 404, body: '404 page not found\n' };
    return processAdmission(route.handler, body, contentType, urlParams, startTime, { deadlineMs: this.deadlineMs, failurePolicy: route.failurePolicy, log: route.log });
  }
}

/**
 * Whether a policy admission review names a kind (match/exclude `kinds`, generate or target `kind`, with
 * its `apiVersion` when given) that `known` does not find (`known` takes Kyverno's wildcards: `*` for any
 * group or version). Kinds with wildcards and unreadable bodies name none.
 */
export function namesUnknownKind(body: string, known: (group: string, version: string, kind: string) => boolean): boolean {
  let spec: unknown;
  try {
    spec = (JSON.parse(body) as { request?: { object?: { spec?: unknown } } })?.request?.object?.spec;
  } catch {
    return false;
  }
  const check = (selector: string, apiVersion?: string): boolean => {
    if (selector === '' || selector.includes('*')) return false;
    let { group, version, kind } = parseKindSelector(selector);
    if (apiVersion !== undefined && apiVersion !== '') {
      const slash = apiVersion.lastIndexOf('/');
      group = slash < 0 ? '' : apiVersion.slice(0, slash);
      version = apiVersion.slice(slash + 1);
    }
    return !known(group, version, kind);
  };
  let unknown = false;
  const walk = (v: unknown, depth: number): void => {
    if (unknown || depth > 64 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (Array.isArray(o['kinds'])) for (const k of o['kinds']) if (typeof k === 'string' && check(k)) unknown = true;
    if (typeof o['kind'] === 'string' && check(o['kind'], typeof o['apiVersion'] === 'string' ? o['apiVersion'] : undefined)) unknown = true;
    for (const [k, x] of Object.entries(o)) if (k !== 'kinds') walk(x, depth + 1);
  };
  walk(spec, 0);
  return unknown;
}

/**
 * The Kubernetes authorization library (pkg/cel/library/authz.go): `authorizer.path(p)`,
 * `authorizer.group(g).resource(r)[.subresource(s)][.namespace(ns)][.name(n)][.fieldSelector(f)]
 * [.labelSelector(l)]`, `authorizer.serviceAccount(ns, name)`, `authorizer.requestResource`, then
 * `.check(verb)` giving a decision with `allowed()`, `reason()`, `errored()`, `error()`.
 *
 * Decisions come from an injected `AuthorizerPort`. `kyvernoCliAuthorizer` reproduces what Kyverno's
 * CLI answers offline (its engine authorizer asks the fake client `CanI` for the matched resource's
 * kind): always "deny" with an empty reason, or an error when the kind is unknown to the fake
 * discovery (`failed to get GVR for kind Pod`).
 */
import { fail } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { isDns1123Label, isDns1123Subdomain } from './format.ts';

/** The requesting user as the authorizer sees it. */
export interface AuthorizationUser {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** `authorizer.Attributes` of one check. */
export interface AuthorizationAttributes {
  readonly user: AuthorizationUser;
  readonly verb: string;
  /** true for resource checks, false for non-resource (path) checks */
  readonly resourceRequest: boolean;
  readonly path: string;
  readonly apiGroup: string;
  /** always `*` (the library does not pin a version) */
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly fieldSelector: string;
  readonly labelSelector: string;
}

/** `authorizer.Decision` plus reason and error. */
export interface AuthorizationDecision {
  readonly decision: 'allow' | 'deny' | 'noOpinion';
  readonly reason: string;
  /** set when the authorizer failed (`decision.errored()` is then true) */
  readonly error?: string;
}

/** Where decisions come from (a SubjectAccessReview client in a cluster, a fake offline). */
export interface AuthorizerPort {
  authorize(attributes: AuthorizationAttributes): AuthorizationDecision | Promise<AuthorizationDecision>;
}

/**
 * Kyverno CLI's offline authorizer: the engine's `Authorizer` calls the fake client's
 * `CanI(kind of the matched resource, ...)`; the fake discovery knows `<lowercase kind>s` only for
 * resources registered in the test (plus configmaps, endpoints, namespaces, resourcequotas, secrets,
 * serviceaccounts, daemonsets, deployments, statefulsets), and the fake SubjectAccessReview never
 * allows.
 */
export function kyvernoCliAuthorizer(options: {
  /** kind of the resource the rule matched (`Pod`) */
  readonly resourceKind: string;
  /** lowercase plural resource names the fake discovery knows (`pods`, `deployments`...) */
  readonly knownResources: ReadonlySet<string>;
}): AuthorizerPort {
  return {
    authorize(): AuthorizationDecision {
      const plural = `${options.resourceKind.toLowerCase()}s`;
      if (!options.knownResources.has(plural)) {
        return { decision: 'deny', reason: '', error: `failed to get GVR for kind ${options.resourceKind}` };
      }
      return { decision: 'deny', reason: '' };
    },
  };
}

/** The fake discovery's pre-registered resources (kyverno pkg/clients/dclient/fake.go). */
export const KYVERNO_FAKE_DISCOVERY_RESOURCES: readonly string[] = [
  'configmaps',
  'endpoints',
  'namespaces',
  'resourcequotas',
  'secrets',
  'serviceaccounts',
  'daemonsets',
  'deployments',
  'statefulsets',
];

/** `kubernetes.authorization.Decision`. */
export class DecisionValue {
  constructor(readonly d: AuthorizationDecision) {}
}

/** `kubernetes.authorization.ResourceCheck`. */
export class ResourceCheckValue {
  constructor(
    readonly authz: AuthorizerValue,
    readonly group: string,
    readonly resource: string,
    readonly subresource = '',
    readonly namespace = '',
    readonly name = '',
    readonly fieldSelector = '',
    readonly labelSelector = '',
  ) {}

  with(patch: Partial<Pick<ResourceCheckValue, 'subresource' | 'namespace' | 'name' | 'fieldSelector' | 'labelSelector'>>): ResourceCheckValue {
    return new ResourceCheckValue(
      this.authz,
      this.group,
      this.resource,
      patch.subresource ?? this.subresource,
      patch.namespace ?? this.namespace,
      patch.name ?? this.name,
      patch.fieldSelector ?? this.fieldSelector,
      patch.labelSelector ?? this.labelSelector,
    );
  }
}

/** `kubernetes.authorization.GroupCheck`. */
export class GroupCheckValue {
  constructor(
    readonly authz: AuthorizerValue,
    readonly group: string,
  ) {}
}

/** `kubernetes.authorization.PathCheck`. */
export class PathCheckValue {
  constructor(
    readonly authz: AuthorizerValue,
    readonly path: string,
  ) {}
}

/**
 * `kubernetes.authorization.Authorizer`: the `authorizer` variable. Create one per evaluation with
 * the requesting user; `requestResource` is the check for the request's own resource.
 */
export class AuthorizerValue {
  requestResource?: ResourceCheckValue;
  constructor(
    readonly port: AuthorizerPort,
    readonly user: AuthorizationUser,
  ) {}
}

/** The request's resource for `authorizer.requestResource`. */
export interface RequestResource {
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** Builds the `authorizer` activation value (with `requestResource` when given). */
export function createAuthorizerValue(port: AuthorizerPort, user: AuthorizationUser, request?: RequestResource): AuthorizerValue {
  const a = new AuthorizerValue(port, user);
  if (request) {
    a.requestResource = new ResourceCheckValue(a, request.group, request.resource, request.subresource ?? '', request.namespace ?? '', request.name ?? '');
  }
  return a;
}

function decide(a: AuthorizerValue, attrs: Omit<AuthorizationAttributes, 'user'>): DecisionValue | Promise<DecisionValue> {
  const r = a.port.authorize({ ...attrs, user: a.user });
  return r instanceof Promise ? r.then((d) => new DecisionValue(d)) : new DecisionValue(r);
}

const NO_RESOURCE = { apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', fieldSelector: '', labelSelector: '' };

export const authzLibrary: CelLibrary = {
  name: 'kubernetes.authz',
  register(env) {
    const A = 'kubernetes.authorization.Authorizer';
    const P = 'kubernetes.authorization.PathCheck';
    const G = 'kubernetes.authorization.GroupCheck';
    const R = 'kubernetes.authorization.ResourceCheck';
    const D = 'kubernetes.authorization.Decision';
    env.registerType(D, DecisionValue);
    env.registerType(P, PathCheckValue);
    env.registerType(G, GroupCheckValue);
    env.registerType(R, ResourceCheckValue);
    env.registerType(A, { ctor: AuthorizerValue, fields: { requestResource: R } });
    env.registerFunction(`${A}.path(string): ${P}`, (a: AuthorizerValue, p: string) => {
      if (p.trim().length === 0) fail('path must not be empty');
      return new PathCheckValue(a, p);
    });
    env.registerFunction(`${A}.group(string): ${G}`, (a: AuthorizerValue, g: string) => new GroupCheckValue(a, g));
    env.registerFunction(`${A}.serviceAccount(string, string): ${A}`, (a: AuthorizerValue, ns: string, name: string) => {
      if (isDns1123Subdomain(name).length > 0) fail('Invalid service account name');
      if (isDns1123Label(ns).length > 0) fail('Invalid service account namespace');
      return new AuthorizerValue(a.port, {
        username: `system:serviceaccount:${ns}:${name}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`],
      });
    });
    env.registerFunction(`${G}.resource(string): ${R}`, (g: GroupCheckValue, r: string) => {
      if (r.trim().length === 0) fail('resource must not be empty');
      return new ResourceCheckValue(g.authz, g.group, r);
    });
    env.registerFunction(`${R}.subresource(string): ${R}`, (r: ResourceCheckValue, s: string) => r.with({ subresource: s }));
    env.registerFunction(`${R}.namespace(string): ${R}`, (r: ResourceCheckValue, s: string) => r.with({ namespace: s }));
    env.registerFunction(`${R}.name(string): ${R}`, (r: ResourceCheckValue, s: string) => r.with({ name: s }));
    env.registerFunction(`${R}.fieldSelector(string): ${R}`, (r: ResourceCheckValue, s: string) => r.with({ fieldSelector: s }));
    env.registerFunction(`${R}.labelSelector(string): ${R}`, (r: ResourceCheckValue, s: string) => r.with({ labelSelector: s }));
    env.registerFunction(
      `${P}.check(string): ${D}`,
      (p: PathCheckValue, verb: string) => decide(p.authz, { ...NO_RESOURCE, verb, resourceRequest: false, path: p.path }),
      { async: true },
    );
    env.registerFunction(
      `${R}.check(string): ${D}`,
      (r: ResourceCheckValue, verb: string) =>
        decide(r.authz, {
          verb,
          resourceRequest: true,
          path: '',
          apiGroup: r.group,
          apiVersion: '*',
          resource: r.resource,
          subresource: r.subresource,
          namespace: r.namespace,
          name: r.name,
          fieldSelector: r.fieldSelector,
          labelSelector: r.labelSelector,
        }),
      { async: true },
    );
    env.registerFunction(`${D}.allowed(): bool`, (d: DecisionValue) => d.d.decision === 'allow');
    env.registerFunction(`${D}.reason(): string`, (d: DecisionValue) => d.d.reason);
    env.registerFunction(`${D}.errored(): bool`, (d: DecisionValue) => d.d.error !== undefined);
    env.registerFunction(`${D}.error(): string`, (d: DecisionValue) => d.d.error ?? '');
  },
};

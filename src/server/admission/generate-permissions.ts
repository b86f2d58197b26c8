/**
 * The RBAC check of generate rules at policy admission (Kyverno v1.19 pkg/validation/policy/actions.go
 * with pkg/policy/generate `canIGenerate` and pkg/policy/auth `CanI`): Kyverno refuses a ClusterPolicy or
 * Policy whose generate rule its service accounts could not carry out.
 *
 * - the background controller's user (`--backgroundServiceAccountName`) needs get and create on the
 *   generated kind, plus update and delete when the rule synchronizes;
 * - with `synchronize`, the admission controller's own service account also needs list and get on it
 *   (checked first);
 * - the kind is the rule's `apiVersion`/`kind` (its subresource apart), or the first `cloneList` kind;
 *   with `foreach`, each entry's; the namespace is the rule's `namespace`, taken literally; a kind
 *   holding a variable is not checked.
 *
 * Each verb is one SubjectAccessReview for the user (no groups), the kind mapped to its resource through
 * discovery. A missing permission gives Kyverno's message, e.g. `system:serviceaccount:kyverno:kyverno-
 * background-controller requires permissions get,create,update,delete for resource v1/ServiceAccount in
 * namespace ns`; a kind discovery does not know gives `failed to get GVR for kind v1/Foo`; a review that
 * could not be made gives its error.
 *
 * Policy validation is synchronous and reviews are not: `prepare` runs the reviews a policy admission
 * review needs before the handler runs (the route's prepare step) and keeps the answers a short while;
 * `ruleError` then answers from them. A check without a prepared answer is not made. Without a cluster
 * (standalone) there is nothing to ask, and Kyverno skips the check too.
 */
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import { getKindFromGvk } from '../../engine/generate/kinds.ts';
import { isVariable } from '../../engine/variables/regex.ts';
import type { AccessReview, ResourceAttributes } from '../../k8s/client/access-review.ts';

/** Discovery: the resources a kind names (`FindResources`); throws or returns none when it knows none. */
export type ResourceLookup = (group: string, version: string, kind: string, subresource: string) => ReadonlyArray<{ group: string; version: string; resource: string; subresource: string }>;

export interface GeneratePermissionOptions {
  review: AccessReview;
  /** the background controller's user (`system:serviceaccount:<ns>:<name>`) */
  backgroundUser: string;
  /** the admission controller's own service account user (checked for synchronized rules) */
  admissionUser: string;
  /** how long a prepared answer is kept (default 30 s) */
  answerTtlMs?: number;
  now?: () => number;
}

type Answer = { at: number; allowed: boolean } | { at: number; error: string };

/** One `CanI` of Kyverno: verbs on a kind for a user. */
interface CanI {
  /** `''`, or `foreach` for a foreach entry */
  path: string;
  user: string;
  verbs: readonly string[];
  /** `apiVersion/Kind` as Kyverno joins it */
  gvk: string;
  namespace: string;
  subresource: string;
}

const obj = (v: JsonValue | undefined): JsonObject | undefined => (isObject(v) ? v : undefined);
const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');

/** `kubeutils.SplitSubresource` */
function splitSubresource(s: string): [string, string] {
  const parts = s.split('/');
  return parts.length === 2 ? [parts[0] as string, parts[1] as string] : [s, ''];
}

/** `parseCloneKind`: a cloneList kind as `apiVersion/Kind` (the kind alone when the version is a wildcard) and its subresource. */
function parseCloneKind(s: string): [string, string] {
  const [gv, ks] = getKindFromGvk(s);
  const [k, sub] = splitSubresource(ks);
  return [gv.includes('*') ? k : `${gv}/${k}`, sub];
}

/** `validateAuth` of one generate pattern: the kind it checks, or none (an empty cloneList entry list and no kind is still checked). */
function patternTarget(pattern: JsonObject): { gvk: string; namespace: string; subresource: string } {
  const namespace = str(pattern['namespace']);
  const kinds = obj(pattern['cloneList'])?.['kinds'];
  if (Array.isArray(kinds) && kinds.length > 0) {
    const [gvk, subresource] = parseCloneKind(str(kinds[0]));
    return { gvk, namespace, subresource };
  }
  const [k, subresource] = splitSubresource(str(pattern['kind']));
  return { gvk: `${str(pattern['apiVersion'])}/${k}`, namespace, subresource };
}

/** The `CanI` calls of a generate rule, in Kyverno's order. */
export function generateChecks(rule: JsonObject, users: { background: string; admission: string }): CanI[] {
  const g = obj(rule['generate']);
  if (!g) return [];
  const sync = g['synchronize'] === true;
  const targets = Array.isArray(g['foreach'])
    ? g['foreach'].flatMap((e) => (isObject(e) ? [{ path: 'foreach', ...patternTarget(e) }] : []))
    : [{ path: '', ...patternTarget(g) }];
  const phases: Array<[string, readonly string[]]> = [];
  if (sync) phases.push([users.admission, ['list', 'get']]);
  phases.push([users.background, sync ? ['get', 'create', 'update', 'delete'] : ['get', 'create']]);
  const out: CanI[] = [];
  for (const [user, verbs] of phases) {
    for (const t of targets) {
      if (isVariable(t.gvk)) continue;
      out.push({ ...t, user, verbs });
    }
  }
  return out;
}

/** `buildMessage` */
function missingMessage(c: CanI, failed: readonly string[]): string {
  const resource = c.subresource !== '' ? `${c.gvk}/${c.subresource}` : c.gvk;
  const msg = `${c.user} requires permissions ${failed.join(',')} for resource ${resource}`;
  return c.namespace !== '' ? `${msg} in namespace ${c.namespace}` : msg;
}

export class GeneratePermissions {
  private readonly answers = new Map<string, Answer>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(
    private readonly opts: GeneratePermissionOptions,
    private readonly lookup: ResourceLookup,
  ) {
    this.ttl = opts.answerTtlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  private users(): { background: string; admission: string } {
    return { background: this.opts.backgroundUser, admission: this.opts.admissionUser };
  }

  /** `RunAccessCheck`'s mapping of `apiVersion/Kind` to a resource: the attributes without a verb, or Kyverno's error. */
  private resolve(c: CanI): Omit<ResourceAttributes, 'verb'> | { error: string } {
    const [apiVersion, kind] = getKindFromGvk(c.gvk);
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    // a kind alone (a cloneList kind with a wildcard version): the REST mapper's preferred version
    const version = slash < 0 ? apiVersion || '*' : apiVersion.slice(slash + 1);
    let found;
    try {
      found = this.lookup(group, version, kind, '').find((r) => r.subresource === '');
    } catch {
      found = undefined;
    }
    if (!found) return { error: `failed to get GVR for kind ${c.gvk}` };
    return { group: found.group, version: found.version, resource: found.resource, subresource: c.subresource, namespace: c.namespace, name: '' };
  }

  private key(user: string, a: ResourceAttributes): string {
    return [user, a.verb, a.group, a.version, a.resource, a.subresource, a.namespace, a.name].join('\n');
  }

  /** The reviews of the generate rules of a ClusterPolicy / Policy (the object of an admission review body); undefined when there are none. */
  prepare(body: string): Promise<void> | undefined {
    if (!body.includes('"generate"')) return undefined;
    let policy: JsonObject | undefined;
    try {
      const request = obj(obj(JSON.parse(body) as JsonValue)?.['request']);
      const kind = str(obj(request?.['kind'])?.['kind']);
      if (kind === 'ClusterPolicy' || kind === 'Policy') policy = obj(request?.['object']);
    } catch {
      return undefined;
    }
    const rules = obj(policy?.['spec'])?.['rules'];
    if (!Array.isArray(rules)) return undefined;
    const wanted = new Map<string, [string, ResourceAttributes]>();
    for (const rule of rules) {
      if (!isObject(rule)) continue;
      for (const c of generateChecks(rule, this.users())) {
        const r = this.resolve(c);
        if ('error' in r) continue;
        for (const verb of c.verbs) {
          const a = { ...r, verb };
          wanted.set(this.key(c.user, a), [c.user, a]);
        }
      }
    }
    if (wanted.size === 0) return undefined;
    const now = this.now();
    for (const [k, a] of this.answers) if (now - a.at > this.ttl) this.answers.delete(k);
    return Promise.all(
      [...wanted].map(async ([k, [user, a]]) => {
        let answer: Answer;
        try {
          answer = { at: this.now(), allowed: await this.opts.review(user, a) };
        } catch (err) {
          answer = { at: this.now(), error: err instanceof Error ? err.message : String(err) };
        }
        this.answers.set(k, answer);
      }),
    ).then(() => undefined);
  }

  /** Kyverno's error for a generate rule (`[path, message]`, path relative to `generate.`), from the prepared answers. */
  ruleError(rule: JsonObject): readonly [string, string] | undefined {
    for (const c of generateChecks(rule, this.users())) {
      const r = this.resolve(c);
      if ('error' in r) return [c.path, r.error];
      const failed: string[] = [];
      for (const verb of c.verbs) {
        const answer = this.answers.get(this.key(c.user, { ...r, verb }));
        if (answer === undefined) continue;
        if ('error' in answer) return [c.path, answer.error];
        if (!answer.allowed) failed.push(verb);
      }
      if (failed.length > 0) return [c.path, missingMessage(c, failed)];
    }
    return undefined;
  }
}

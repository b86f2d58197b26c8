/**
 * Standalone cluster state (`--resources <file-or-folder>...`): the Namespaces (for namespaceSelector
 * and namespaced policies) and the RoleBindings / ClusterRoleBindings (for roles / clusterRoles
 * matching) that an in-cluster server would read from its informers.
 *
 * Namespaces get the `kubernetes.io/metadata.name` label the API server sets on every namespace. A
 * namespace that is not declared does not exist: namespaced policies of it do not apply, and a policy
 * with a namespaceSelector denies requests in it (Kyverno fails closed on a missing namespace).
 * `reload()` re-reads the files.
 */
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import { formatProblem, parseDocuments, readSources, type LoadProblem } from '../../k8s/load.ts';
import type { NamespaceInfo } from '../admission/policy-cache.ts';
import type { NamespaceLabelsSource, RbacSubject, RoleBindingLike, RoleBindingSource } from './types.ts';

export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';

export class ClusterStateLoadError extends Error {
  readonly code = 'CLUSTER_STATE_LOAD';
  constructor(readonly problems: LoadProblem[]) {
    super(`invalid cluster resources:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
}

interface State {
  namespaces: Map<string, NamespaceInfo>;
  roleBindings: RoleBindingLike[];
  clusterRoleBindings: RoleBindingLike[];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function binding(doc: JsonObject, namespace: string): RoleBindingLike | string {
  const roleRef = doc['roleRef'];
  if (!isObject(roleRef) || str(roleRef['kind']) === '' || str(roleRef['name']) === '') return 'roleRef.kind and roleRef.name are required';
  const subjects: RbacSubject[] = [];
  const raw = doc['subjects'];
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) return 'subjects must be a list';
  for (const s of Array.isArray(raw) ? raw : []) {
    if (!isObject(s)) return 'each subject must be an object';
    const subject: RbacSubject = { kind: str(s['kind']), name: str(s['name']) };
    if (typeof s['namespace'] === 'string') subject.namespace = s['namespace'];
    subjects.push(subject);
  }
  return { namespace, roleRef: { kind: str(roleRef['kind']), name: str(roleRef['name']) }, subjects };
}

/** Reads Namespaces, RoleBindings and ClusterRoleBindings (other kinds are ignored). */
export function loadClusterState(paths: readonly string[]): State {
  const problems: LoadProblem[] = [];
  const src = readSources(paths);
  problems.push(...src.problems);
  const parsed = parseDocuments(src.files);
  problems.push(...parsed.problems);
  const state: State = { namespaces: new Map(), roleBindings: [], clusterRoleBindings: [] };
  for (const { value: doc, origin } of parsed.docs) {
    const kind = str(doc['kind']);
    const apiVersion = str(doc['apiVersion']);
    const meta = isObject(doc['metadata']) ? doc['metadata'] : {};
    const name = str(meta['name']);
    const problem = (message: string): void => {
      problems.push({ file: origin.file, line: origin.line, code: 'INVALID_RESOURCE', message: `${kind} ${name}: ${message}` });
    };
    if (kind === 'Namespace' && apiVersion === 'v1') {
      if (name === '') {
        problem('metadata.name is required');
        continue;
      }
      const labels: Record<string, string> = {};
      if (isObject(meta['labels'])) for (const [k, v] of Object.entries(meta['labels'])) if (typeof v === 'string') labels[k] = v;
      labels[LABEL_METADATA_NAME] = name;
      state.namespaces.set(name, { name, labels });
    } else if ((kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && apiVersion === 'rbac.authorization.k8s.io/v1') {
      const ns = kind === 'RoleBinding' ? str(meta['namespace']) : '';
      if (kind === 'RoleBinding' && ns === '') {
        problem('metadata.namespace is required');
        continue;
      }
      const b = binding(doc, ns);
      if (typeof b === 'string') {
        problem(b);
        continue;
      }
      (kind === 'RoleBinding' ? state.roleBindings : state.clusterRoleBindings).push(b);
    }
  }
  if (problems.length > 0) throw new ClusterStateLoadError(problems);
  return state;
}

export class StaticClusterState implements NamespaceLabelsSource, RoleBindingSource {
  private state: State;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly paths: readonly string[]) {
    this.state = paths.length > 0 ? loadClusterState(paths) : { namespaces: new Map(), roleBindings: [], clusterRoleBindings: [] };
  }

  get(name: string): NamespaceInfo | undefined {
    return this.state.namespaces.get(name);
  }

  /** Declared namespace names. */
  namespaceNames(): string[] {
    return [...this.state.namespaces.keys()];
  }

  roleBindings(): readonly RoleBindingLike[] {
    return this.state.roleBindings;
  }

  clusterRoleBindings(): readonly RoleBindingLike[] {
    return this.state.clusterRoleBindings;
  }

  onChange(cb: () => void): void {
    this.listeners.push(cb);
  }

  reload(): void {
    if (this.paths.length === 0) return;
    this.state = loadClusterState(this.paths);
    for (const l of this.listeners) l();
  }
}

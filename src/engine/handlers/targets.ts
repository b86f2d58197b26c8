/**
 * Reads of existing objects the engine needs beyond the request: mutate targets, clone sources and
 * downstream resources (offline: the CLI's resource files; in-cluster: the API server through an adapter).
 */
import type { Resource } from '../api/json.ts';
import type { LabelSelector } from '../api/policy.ts';

export interface TargetResolver {
  /** objects of a kind (empty apiVersion = any version), optionally in a namespace and by label selector */
  list(apiVersion: string, kind: string, namespace?: string, selector?: LabelSelector): Resource[];
  get(apiVersion: string, kind: string, namespace: string, name: string): Resource | undefined;
}

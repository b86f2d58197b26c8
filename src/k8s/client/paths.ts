/**
 * REST paths of the Kubernetes API: `/api/v1/namespaces/ns/pods/name/status`,
 * `/apis/apps/v1/deployments?labelSelector=...`.
 *
 * Example: `objectPath(pods, 'default', 'web', 'status')` -> `/api/v1/namespaces/default/pods/web/status`.
 */
import type { ApiResource } from './types.ts';

export function groupVersionPath(res: { group: string; version: string }): string {
  return res.group === '' ? `/api/${res.version}` : `/apis/${res.group}/${res.version}`;
}

/** The collection path (namespace ignored for cluster-scoped resources; `''` = every namespace). */
export function collectionPath(res: ApiResource, namespace: string | undefined): string {
  const base = groupVersionPath(res);
  if (res.namespaced && namespace) return `${base}/namespaces/${encodeURIComponent(namespace)}/${res.resource}`;
  return `${base}/${res.resource}`;
}

export function objectPath(res: ApiResource, namespace: string, name: string, subresource?: string): string {
  const p = `${collectionPath(res, res.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
  return subresource ? `${p}/${subresource}` : p;
}

/** `?a=b&c=d` from the defined, non-empty entries (or `''`). */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

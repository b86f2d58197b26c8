/**
 * coordination.k8s.io/v1 Leases: the objects leader election and the webhook health check are built on.
 * `LeaseRecord` is client-go's `LeaderElectionRecord`; reads and writes keep the resourceVersion so that
 * two candidates can never both win an update (optimistic concurrency).
 *
 * Example: `const l = await getLease(api, 'kyverno', 'kyverno-reports-controller')` -> `{record, object}` or undefined.
 */
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import type { ApiResource, KubeApi, KubeObject } from './types.ts';

export const LEASE_RESOURCE: ApiResource = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  kind: 'Lease',
  namespaced: true,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** RFC 3339 with microseconds (MicroTime) */
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

export interface Lease {
  record: LeaseRecord;
  object: KubeObject;
}

/** metav1.MicroTime: RFC 3339 with 6 fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function parseLeaseSpec(obj: KubeObject): LeaseRecord {
  const s: JsonObject = isObject(obj['spec']) ? obj['spec'] : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    holderIdentity: str(s['holderIdentity']),
    leaseDurationSeconds: num(s['leaseDurationSeconds']),
    acquireTime: str(s['acquireTime']),
    renewTime: str(s['renewTime']),
    leaseTransitions: num(s['leaseTransitions']),
  };
}

function spec(r: LeaseRecord): JsonObject {
  const out: JsonObject = { leaseDurationSeconds: r.leaseDurationSeconds, leaseTransitions: r.leaseTransitions };
  if (r.holderIdentity !== '') out['holderIdentity'] = r.holderIdentity;
  if (r.acquireTime !== '') out['acquireTime'] = r.acquireTime;
  if (r.renewTime !== '') out['renewTime'] = r.renewTime;
  return out;
}

export async function getLease(api: KubeApi, namespace: string, name: string): Promise<Lease | undefined> {
  const obj = await api.get(LEASE_RESOURCE, namespace, name);
  return obj ? { record: parseLeaseSpec(obj), object: obj } : undefined;
}

/** Creates the lease; rejects with AlreadyExists when another candidate was first. */
export async function createLease(api: KubeApi, namespace: string, name: string, record: LeaseRecord, labels?: Record<string, string>): Promise<Lease> {
  const metadata: JsonObject = { name, namespace };
  if (labels) metadata['labels'] = { ...labels };
  const obj = await api.create(LEASE_RESOURCE, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec: spec(record) });
  return { record: parseLeaseSpec(obj), object: obj };
}

/** Replaces the lease spec; rejects with Conflict when it changed since `current` was read. */
export async function updateLease(api: KubeApi, current: Lease, record: LeaseRecord): Promise<Lease> {
  const obj: KubeObject = { ...current.object, spec: spec(record) };
  const updated = await api.update(LEASE_RESOURCE, obj);
  return { record: parseLeaseSpec(updated), object: updated };
}

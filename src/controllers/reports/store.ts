/**
 * The reports controller's model: the current results of every resource, from two channels.
 *
 * - **Scan** results (background scans, generate and mutate-existing processing) replace, per policy,
 *   what the previous evaluation of that policy said about the resource, so a rule that stopped
 *   matching disappears from the report.
 * - **Admission** results (Enforce and Audit evaluations of admission requests, through ephemeral
 *   reports) are merged by result key, newest first (`MergeReports`); a later scan of the same policy
 *   supersedes them.
 *
 * A resource's results are rendered through `isActive` (a result whose policy — or, for Kyverno policies,
 * rule — no longer exists is dropped, as the aggregate controller does). Every change marks the
 * resource's report group dirty (`onDirty`), which the writer then flushes.
 *
 * Example:
 *   store.setScanResults(ref, 'kyverno/require-labels', results, now);
 *   store.results(ref.uid) // -> merged, sorted results
 */
import { mergeKey, sortResults, type ReportResult } from './results.ts';

/** The resource a report is about. */
export interface ResourceRef {
  uid: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

interface Entry {
  ref: ResourceRef;
  /** policy key -> results of the last scan of that policy */
  scan: Map<string, { time: number; results: ReportResult[] }>;
  /** merge key -> newest admission result */
  admission: Map<string, ReportResult>;
}

/** `source/policy`: what identifies a policy in results. */
export function resultPolicyKey(r: Pick<ReportResult, 'source' | 'policy'>): string {
  return `${r.source}/${r.policy}`;
}

export type ActiveFilter = (r: ReportResult) => boolean;

export class ReportStore {
  private readonly entries = new Map<string, Entry>();
  private readonly dirtyListeners: Array<(ref: ResourceRef) => void> = [];
  isActive: ActiveFilter = () => true;

  onDirty(cb: (ref: ResourceRef) => void): void {
    this.dirtyListeners.push(cb);
  }

  private dirty(ref: ResourceRef): void {
    for (const l of this.dirtyListeners) l(ref);
  }

  private entry(ref: ResourceRef): Entry {
    let e = this.entries.get(ref.uid);
    if (!e) {
      e = { ref: { ...ref }, scan: new Map(), admission: new Map() };
      this.entries.set(ref.uid, e);
    } else if (e.ref.name !== ref.name || e.ref.namespace !== ref.namespace || e.ref.apiVersion !== ref.apiVersion) {
      e.ref = { ...ref };
    }
    return e;
  }

  get size(): number {
    return this.entries.size;
  }

  has(uid: string): boolean {
    return this.entries.has(uid);
  }

  ref(uid: string): ResourceRef | undefined {
    return this.entries.get(uid)?.ref;
  }

  refs(): ResourceRef[] {
    return [...this.entries.values()].map((e) => e.ref);
  }

  /** Replaces the scan results of one policy (an empty list: the policy no longer applies). */
  setScanResults(ref: ResourceRef, policyKey: string, results: ReportResult[], time: number): void {
    const e = this.entry(ref);
    const before = e.scan.get(policyKey);
    if (results.length === 0) {
      if (!before) {
        this.dropIfEmpty(e);
        return;
      }
      e.scan.delete(policyKey);
    } else {
      e.scan.set(policyKey, { time, results });
    }
    // admission results of this policy older than the scan are superseded
    for (const [k, r] of e.admission) {
      if (resultPolicyKey(r) === policyKey && (r.timestamp?.seconds ?? 0) * 1000 <= time) e.admission.delete(k);
    }
    this.dropIfEmpty(e);
    this.dirty(e.ref);
  }

  /** The policy keys with scan results for a resource. */
  scannedPolicies(uid: string): string[] {
    return [...(this.entries.get(uid)?.scan.keys() ?? [])];
  }

  /** Merges admission results (newest per key wins). */
  addAdmissionResults(ref: ResourceRef, results: readonly ReportResult[]): void {
    if (results.length === 0) return;
    const e = this.entry(ref);
    let changed = false;
    for (const r of results) {
      const k = mergeKey(r);
      const cur = e.admission.get(k);
      if (cur && (cur.timestamp?.seconds ?? 0) > (r.timestamp?.seconds ?? 0)) continue;
      const scan = e.scan.get(resultPolicyKey(r));
      if (scan && scan.time > (r.timestamp?.seconds ?? 0) * 1000 + 999) continue;
      e.admission.set(k, r);
      changed = true;
    }
    if (changed) this.dirty(e.ref);
  }

  /** Forgets a resource (it was deleted); returns its ref when it was known. */
  removeResource(uid: string): ResourceRef | undefined {
    const e = this.entries.get(uid);
    if (!e) return undefined;
    this.entries.delete(uid);
    this.dirty(e.ref);
    return e.ref;
  }

  /** Drops every result of a policy (it was deleted), marking the affected resources dirty. */
  removePolicy(policyKey: string): void {
    for (const e of [...this.entries.values()]) {
      let changed = e.scan.delete(policyKey);
      for (const [k, r] of e.admission) {
        if (resultPolicyKey(r) === policyKey) {
          e.admission.delete(k);
          changed = true;
        }
      }
      if (changed) {
        this.dropIfEmpty(e);
        this.dirty(e.ref);
      }
    }
  }

  /** Marks every resource dirty (the active-policy filter changed). */
  touchAll(): void {
    for (const e of this.entries.values()) this.dirty(e.ref);
  }

  private dropIfEmpty(e: Entry): void {
    if (e.scan.size === 0 && e.admission.size === 0) this.entries.delete(e.ref.uid);
  }

  /** The merged, filtered, sorted results of a resource. */
  results(uid: string): ReportResult[] {
    const e = this.entries.get(uid);
    if (!e) return [];
    const merged = new Map<string, ReportResult>();
    for (const { results } of e.scan.values()) {
      for (const r of results) {
        if (!this.isActive(r)) continue;
        merged.set(mergeKey(r), r);
      }
    }
    for (const [k, r] of e.admission) {
      if (!this.isActive(r)) continue;
      const cur = merged.get(k);
      if (!cur || (cur.timestamp?.seconds ?? 0) < (r.timestamp?.seconds ?? 0)) merged.set(k, r);
    }
    return sortResults([...merged.values()]);
  }

  /** Every known resource of a namespace (`''`: cluster-scoped ones). */
  inNamespace(namespace: string): ResourceRef[] {
    const out: ResourceRef[] = [];
    for (const e of this.entries.values()) if (e.ref.namespace === namespace) out.push(e.ref);
    return out;
  }
}

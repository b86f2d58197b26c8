/**
 * `TypedValue.Merge` with the "keep RHS" rule (sigs.k8s.io/structured-merge-diff/v6 typed/merge.go): the
 * merge server-side apply performs, used by ApplyConfiguration mutations to merge the evaluated apply
 * configuration (rhs) into the object (lhs).
 *
 * - scalars, atomic lists and atomic maps: the rhs value replaces the lhs value (a `null` rhs sets null);
 * - granular maps: merged key by key;
 * - associative lists (sets, and lists keyed by `x-kubernetes-list-map-keys`): items merged by identity;
 *   the result keeps the lhs order, with rhs items placed where the shared items dictate and new rhs items
 *   after the lhs item they follow (the upstream ordering algorithm);
 * - when both sides are empty (or absent) the value is a leaf (the empty/null distinction survives).
 * Errors of list items are dropped (as upstream, whose error variable is shadowed there); errors of map
 * fields are returned.
 *
 * ```ts
 * mergeTyped({ spec: { containers: [{ name: 'a', image: 'x' }] } }, { spec: { containers: [{ name: 'a', image: 'y' }] } }, tc.root)
 * // { value: { spec: { containers: [{ name: 'a', image: 'y' }] } }, errors: [] }
 * ```
 */
import { isObject, type JsonObject, type JsonValue } from '../../api/json.ts';
import { mapFieldType, refTypeName, resolveAtom, type AtomData, type ListData, type MapData, type RefData } from './schema.ts';
import { deduceAtom, listItemElement, sameAtom, ssaError, validateScalar, withPrefix, type PathElement, type SsaError } from './typed.ts';

/** Result of a merge: the merged value (undefined when neither side produced one) and the errors. */
export interface MergeResult {
  value: JsonValue | undefined;
  errors: SsaError[];
}

/** Merges `rhs` into `lhs` (either may be undefined, not both) following the type `ref`. */
export function mergeTyped(lhs: JsonValue | undefined, rhs: JsonValue | undefined, ref: RefData): MergeResult {
  const w = new Walker(lhs, rhs);
  const errors = w.merge(ref);
  return { value: w.out, errors };
}

class Walker {
  out: JsonValue | undefined;
  private inLeaf = false;
  constructor(
    readonly lhs: JsonValue | undefined,
    readonly rhs: JsonValue | undefined,
  ) {}

  merge(ref: RefData): SsaError[] {
    if (this.lhs === undefined && this.rhs === undefined) return ssaError('at least one of lhs and rhs must be provided');
    const a = resolveAtom(ref);
    if (!a) return ssaError(`schema error: no type found matching: ${refTypeName(ref)}`);
    const alhs = deduceAtom(a, this.lhs);
    const arhs = deduceAtom(a, this.rhs);
    const errs: SsaError[] = [];
    if (this.rhs === undefined) errs.push(...this.handle(alhs, ref));
    else if (this.lhs === undefined || sameAtom(alhs, arhs)) errs.push(...this.handle(arhs, ref));
    else {
      // the lhs form is walked for its errors only (upstream uses a copy of the walker)
      const copy = new Walker(this.lhs, this.rhs);
      errs.push(...copy.handle(alhs, ref));
      errs.push(...this.handle(arhs, ref));
    }
    return errs;
  }

  private handle(a: AtomData, ref: RefData): SsaError[] {
    if (a.m) return this.doMap(a.m);
    if (a.s) {
      const l = validateScalar(a.s, this.lhs, 'lhs: ');
      const r = validateScalar(a.s, this.rhs, 'rhs: ');
      if (l && r) return [...l, ...r];
      this.doLeaf();
      return [];
    }
    if (a.l) return this.doList(a.l);
    return ssaError(`schema error: invalid atom: ${typeof ref === 'number' || Array.isArray(ref) ? `named type: ${refTypeName(ref)}` : 'inlined'}`);
  }

  private doLeaf(): void {
    if (this.inLeaf) return;
    this.inLeaf = true;
    if (this.rhs !== undefined) this.out = this.rhs;
    else if (this.lhs !== undefined) this.out = this.lhs;
  }

  private doList(t: ListData): SsaError[] {
    const lhs = Array.isArray(this.lhs) ? this.lhs : undefined;
    const rhs = Array.isArray(this.rhs) ? this.rhs : undefined;
    const empty = (lhs === undefined || lhs.length === 0) && (rhs === undefined || rhs.length === 0);
    if (t.r !== 's' || empty) {
      this.doLeaf();
      return [];
    }
    return this.visitListItems(t, lhs, rhs);
  }

  private visitListItems(t: ListData, lhs: JsonValue[] | undefined, rhs: JsonValue[] | undefined): SsaError[] {
    const out: JsonValue[] = [];
    const r = indexList(t, rhs ?? [], false);
    const l = indexList(t, lhs ?? [], true);
    const errs = [...r.errors, ...l.errors];
    if (errs.length > 0) return errs;
    const rhsPEs = r.pes;
    const lhsPEs = l.pes;
    const sharedOrder: PathElement[] = rhsPEs.filter((pe) => l.observed.has(pe.id));
    let nextShared: PathElement | undefined = sharedOrder.shift();
    const mergedRHS = new Set<string>();
    const push = (pe: PathElement, lChild: JsonValue | undefined, rChild: JsonValue | undefined): void => {
      const v = mergeItem(t, lChild, rChild);
      if (v !== undefined) out.push(v);
      void pe;
    };
    let lI = 0;
    let rI = 0;
    while (lI < lhsPEs.length || rI < rhsPEs.length) {
      if (lI < lhsPEs.length && rI < rhsPEs.length) {
        const pe = lhsPEs[lI]!;
        if (pe.id === rhsPEs[rI]!.id) {
          mergedRHS.add(pe.id);
          push(pe, l.observed.get(pe.id), r.observed.get(pe.id));
          lI++;
          rI++;
          nextShared = sharedOrder.shift();
          continue;
        }
        if (r.observed.has(pe.id) && nextShared !== undefined && nextShared.id !== lhsPEs[lI]!.id) {
          lI++;
          continue;
        }
      }
      if (lI < lhsPEs.length) {
        const pe = lhsPEs[lI]!;
        if (!r.observed.has(pe.id)) {
          push(pe, (lhs ?? [])[lI] as JsonValue, undefined);
          lI++;
          continue;
        } else if (mergedRHS.has(pe.id)) {
          lI++;
        }
      }
      if (rI < rhsPEs.length) {
        const pe = rhsPEs[rI]!;
        mergedRHS.add(pe.id);
        push(pe, l.observed.get(pe.id), r.observed.get(pe.id));
        rI++;
        if (nextShared !== undefined && nextShared.id === pe.id) nextShared = sharedOrder.shift();
      }
    }
    if (out.length > 0) this.out = out;
    return [];
  }

  private doMap(t: MapData): SsaError[] {
    const lhs = isObject(this.lhs) ? this.lhs : undefined;
    const rhs = isObject(this.rhs) ? this.rhs : undefined;
    const empty = (lhs === undefined || Object.keys(lhs).length === 0) && (rhs === undefined || Object.keys(rhs).length === 0);
    if (t.r === 'a' || empty) {
      this.doLeaf();
      return [];
    }
    const out: JsonObject = {};
    const errs: SsaError[] = [];
    const keys = [...Object.keys(lhs ?? {})];
    for (const k of Object.keys(rhs ?? {})) if (!lhs || !Object.prototype.hasOwnProperty.call(lhs, k)) keys.push(k);
    for (const key of keys) {
      const lv = lhs && Object.prototype.hasOwnProperty.call(lhs, key) ? (lhs[key] as JsonValue) : undefined;
      const rv = rhs && Object.prototype.hasOwnProperty.call(rhs, key) ? (rhs[key] as JsonValue) : undefined;
      const ft = mapFieldType(t, key) ?? {};
      const w2 = new Walker(lv, rv);
      errs.push(...withPrefix(w2.merge(ft), `.${key}`));
      if (w2.out !== undefined) out[key] = w2.out;
    }
    if (Object.keys(out).length > 0) this.out = out;
    return errs;
  }
}

function mergeItem(t: ListData, lChild: JsonValue | undefined, rChild: JsonValue | undefined): JsonValue | undefined {
  const w = new Walker(lChild, rChild);
  w.merge(t.e);
  return w.out;
}

interface IndexedList {
  pes: PathElement[];
  observed: Map<string, JsonValue>;
  errors: SsaError[];
}

/** `indexListPathElements`: item identities; a duplicated identity maps to null (never merged). */
function indexList(t: ListData, list: readonly JsonValue[], allowDuplicates: boolean): IndexedList {
  const out: IndexedList = { pes: [], observed: new Map(), errors: [] };
  for (let i = 0; i < list.length; i++) {
    const child = list[i] as JsonValue;
    const pe = listItemElement(t, child);
    if (typeof pe === 'string') {
      out.errors.push({ path: '', message: `element ${i}: ${pe}` });
      continue;
    }
    const found = out.observed.has(pe.id);
    if (found && !allowDuplicates) {
      out.errors.push({ path: '', message: `duplicate entries for key ${pe.text}` });
      continue;
    } else if (!found) out.observed.set(pe.id, child);
    else out.observed.set(pe.id, null);
    out.pes.push(pe);
  }
  return out;
}

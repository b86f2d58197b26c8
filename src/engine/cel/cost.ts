/**
 * Runtime cost accounting, modelled on cel-go's actual-cost tracker as the Kubernetes API server
 * configures it (`cel.CostLimit(PerCallLimit)` with `library.CostEstimator`, presence tests free):
 * identifiers and field selections cost 1, constants 0, list/map literals 10/30, every function or
 * operator call costs what cel-go's runtime cost functions say for its actual arguments (1 by default,
 * proportional to string/list sizes for traversals, regexes, concatenation...), and comprehensions pay
 * their per-iteration bookkeeping like cel-go's macro expansions do.
 *
 * cel-js has no cost hook, so the evaluator wraps every AST node at compile time (see `instrument.ts`)
 * and charges a per-evaluation `CostTracker` found in the activation under `COST_KEY`. Exceeding the
 * limit throws `operation cancelled: actual cost limit exceeded`, as Kubernetes reports it; the tracker
 * stays "exceeded" so that macros which swallow errors (`exists`, `||`) cannot hide it.
 */
import { Optional } from '@marcbachmann/cel-js';

/** Kubernetes' per-expression runtime cost limit (`PerCallLimit`). */
export const PER_CALL_LIMIT = 1_000_000;
/** Kubernetes' overall runtime budget per policy binding (`RuntimeCELCostBudget`). */
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;
/** The message cel-go uses when the limit is hit. */
export const COST_LIMIT_MESSAGE = 'operation cancelled: actual cost limit exceeded';

/** Activation key of the per-evaluation tracker; `@` keeps CEL expressions from ever naming it. */
export const COST_KEY = '@cost';

/** cel-go `common` cost constants. */
export const LIST_CREATE_BASE_COST = 10;
export const MAP_CREATE_BASE_COST = 30;
export const STRING_TRAVERSAL_COST_FACTOR = 0.1;
export const REGEX_STRING_LENGTH_COST_FACTOR = 0.25;

/** Thrown when the tracker goes over its limit. */
export class CostLimitExceededError extends Error {
  constructor() {
    super(COST_LIMIT_MESSAGE);
    this.name = 'CostLimitExceededError';
  }
}

/** Accumulates the actual cost of one evaluation (or several sharing a budget). */
export class CostTracker {
  cost = 0;
  exceeded = false;
  constructor(readonly limit: number = PER_CALL_LIMIT) {}

  /** Adds `n` and throws `CostLimitExceededError` once over the limit (and on every later charge). */
  charge(n: number): void {
    this.cost += n;
    if (this.cost > this.limit) {
      this.exceeded = true;
      throw new CostLimitExceededError();
    }
  }
}

/** Something with `getValue(name)`: cel-js' root and overlay contexts. */
export interface ValueScope {
  getValue(name: string): unknown;
}

/** The tracker of the evaluation running in `ctx`, if any. */
export function trackerOf(ctx: ValueScope): CostTracker | undefined {
  return ctx.getValue(COST_KEY) as CostTracker | undefined;
}

/** Charges `n` to the evaluation running in `ctx` (no-op when evaluated without a tracker). */
export function chargeCtx(ctx: ValueScope, n: number): void {
  const t = ctx.getValue(COST_KEY) as CostTracker | undefined;
  if (t !== undefined) t.charge(n);
}

/** cel-go ext's `actualSize`: like `actualSize` but optionals count 1. */
export function extActualSize(v: unknown): number {
  return v instanceof Optional ? 1 : actualSize(v);
}

/** cel-go `actualSize`: runes of a string, bytes, list/map entries, an optional's value; 1 otherwise. */
export function actualSize(v: unknown): number {
  if (typeof v === 'string') return runeCount(v);
  if (v === null || typeof v !== 'object') return 1;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Uint8Array) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (v instanceof Optional) return v.hasValue() ? actualSize(v.value()) : 1;
  const sized = (v as { celSize?: () => number }).celSize;
  if (typeof sized === 'function') return sized.call(v);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Object.prototype || proto === null) return Object.keys(v).length;
  return 1;
}

/** Number of Unicode code points of `s` (Go runes). */
export function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Kubernetes' `traversalCost`: string/bytes size x 0.1 (floored), sum over list items and map entries. */
export function traversalCost(v: unknown): number {
  if (typeof v === 'string') return Math.floor(runeCountUtf8Len(v) * STRING_TRAVERSAL_COST_FACTOR);
  if (v instanceof Uint8Array) return Math.floor(v.length * STRING_TRAVERSAL_COST_FACTOR);
  if (Array.isArray(v)) {
    let c = 0;
    for (const x of v) c += traversalCost(x);
    return c;
  }
  if (v instanceof Map) {
    let c = 0;
    for (const [k, x] of v) c += traversalCost(k) + traversalCost(x);
    return c;
  }
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === Object.prototype || proto === null) {
      let c = 0;
      for (const k of Object.keys(v)) c += traversalCost(k) + traversalCost((v as Record<string, unknown>)[k]);
      return c;
    }
  }
  return 1;
}

/** Byte length of the UTF-8 encoding (Go's `len(string)`). */
function runeCountUtf8Len(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const ceil = Math.ceil;
const strCost = (v: unknown): number => ceil(actualSize(v) * STRING_TRAVERSAL_COST_FACTOR);
const regexCost = (str: unknown, re: unknown): number =>
  ceil((1 + actualSize(str)) * STRING_TRAVERSAL_COST_FACTOR) * ceil(actualSize(re) * REGEX_STRING_LENGTH_COST_FACTOR);
const allocatingList = (factor: number, size: number): number => Math.floor(size * factor) + 1 + LIST_CREATE_BASE_COST;
const selfCompare = (l: unknown): number => {
  const sz = actualSize(l);
  let factor = 2;
  if (sz > 0 && Array.isArray(l)) {
    const first = l[0] as unknown;
    if (typeof first === 'string' || first instanceof Uint8Array) factor += STRING_TRAVERSAL_COST_FACTOR;
  }
  return allocatingList(factor, sz * sz);
};
const selectorCost = (len: number): number => {
  // baseSelectorCost (10) + parse cost (len x 0.1) + requirement count (len x 0.5) x (10 + 40), each rounded up
  const parse = ceil(len * STRING_TRAVERSAL_COST_FACTOR);
  const reqCount = ceil(len * 0.5);
  return LIST_CREATE_BASE_COST + parse + reqCount * 50;
};

/** Runtime cost of one call: `args` holds the receiver first for member calls. */
export type CallCostFn = (args: readonly unknown[], result: unknown) => number;

const one: CallCostFn = () => 1;
const traversal: CallCostFn = (a) => (a.length > 0 ? traversalCost(a[0]) : 1);
const str0: CallCostFn = (a) => strCost(a[0]);
const str0x2: CallCostFn = (a) => ceil(actualSize(a[0]) * 2 * STRING_TRAVERSAL_COST_FACTOR);

/**
 * Per-function runtime costs (function name as cel-go names it; operators as `_==_`, `_+_`, `@in`...).
 * Kubernetes' `library.CostEstimator.CallCost` first, then cel-go's defaults and extension trackers.
 * Functions not listed cost 1.
 */
export const CALL_COSTS: Readonly<Record<string, CallCostFn>> = {
  // Kubernetes authz library
  check: () => 350000,
  serviceAccount: one,
  path: one,
  group: one,
  resource: one,
  subresource: one,
  namespace: one,
  name: one,
  allowed: one,
  reason: one,
  error: one,
  errored: one,
  fieldSelector: (a) => selectorCost(actualSize(a[1])),
  labelSelector: (a) => selectorCost(actualSize(a[1])),
  // Kubernetes lists library (and string indexOf/lastIndexOf)
  isSorted: traversal,
  sum: traversal,
  max: traversal,
  min: traversal,
  indexOf: traversal,
  lastIndexOf: traversal,
  // strings
  url: str0,
  lowerAscii: str0,
  upperAscii: str0,
  substring: str0,
  trim: str0,
  'jsonpatch.escapeKey': str0,
  replace: str0x2,
  split: str0x2,
  join: (_a, r) => ceil(actualSize(r) * 2 * STRING_TRAVERSAL_COST_FACTOR),
  find: (a) => regexCost(a[0], a[1]),
  findAll: (a) => regexCost(a[0], a[1]),
  // network
  cidr: str0,
  isIP: str0,
  isCIDR: str0,
  ip: (a) => (typeof a[0] === 'string' ? strCost(a[0]) : 1),
  'ip.isCanonical': str0x2,
  masked: one,
  prefixLength: one,
  family: one,
  isUnspecified: one,
  isLoopback: one,
  isLinkLocalMulticast: one,
  isLinkLocalUnicast: one,
  isGlobalUnicast: one,
  containsIP: (a) => ceil(2 * actualSize(a[0]) * STRING_TRAVERSAL_COST_FACTOR) + (typeof a[1] === 'string' ? strCost(a[1]) : 0),
  containsCIDR: (a) =>
    ceil(2 * actualSize(a[0]) * STRING_TRAVERSAL_COST_FACTOR) +
    strCost(a[0]) +
    1 +
    (typeof a[1] === 'string' ? strCost(a[1]) : 0),
  // quantity / semver / url accessors
  quantity: str0,
  isQuantity: str0,
  semver: str0,
  isSemver: str0,
  sign: one,
  asInteger: one,
  isInteger: one,
  asApproximateFloat: one,
  isGreaterThan: one,
  isLessThan: one,
  compareTo: one,
  add: one,
  sub: one,
  major: one,
  minor: one,
  patch: one,
  getScheme: one,
  getHostname: one,
  getHost: one,
  getPort: one,
  getEscapedPath: one,
  getQuery: one,
  'format.named': one,
  validate: (a) => {
    const maxRegex = (a[0] as { maxRegexSize?: number } | undefined)?.maxRegexSize ?? 0;
    return ceil((1 + actualSize(a[1])) * STRING_TRAVERSAL_COST_FACTOR) * ceil(maxRegex * REGEX_STRING_LENGTH_COST_FACTOR);
  },
  // cel-go runtime defaults
  startsWith: (a) => strCost(a[1]),
  endsWith: (a) => strCost(a[1]),
  'strings.quote': str0,
  format: str0,
  '@in': (a) => (Array.isArray(a[1]) ? actualSize(a[1]) : 1),
  matches: (a) => regexCost(a[0], a[1]),
  contains: (a) => (typeof a[0] === 'string' ? strCost(a[0]) * strCost(a[1]) : 1),
  // cel-go extension trackers
  slice: (_a, r) => allocatingList(1, actualSize(r)),
  'lists.range': (_a, r) => allocatingList(1, actualSize(r)),
  reverse: (a, r) => (Array.isArray(a[0]) ? allocatingList(1, actualSize(r)) : 1),
  distinct: (a) => selfCompare(a[0]),
  sort: (a) => selfCompare(a[0]),
  '@sortByAssociatedKeys': (a) => selfCompare(a[1]),
  // lists v3 keeps the legacy flatten tracker: depth x input size
  flatten: (a) => Math.floor(actualSize(a[0]) * (a.length > 1 ? Number(a[1] as bigint) : 1)) + 1 + LIST_CREATE_BASE_COST,
  'math.@max': (a) => (a.length === 1 && Array.isArray(a[0]) ? actualSize(a[0]) + 1 : 1),
  'math.@min': (a) => (a.length === 1 && Array.isArray(a[0]) ? actualSize(a[0]) + 1 : 1),
  'base64.encode': (a) => strCost(a[0]) + 1,
  'base64.decode': (a) => strCost(a[0]) + 1,
  'json.encode': () => Number.POSITIVE_INFINITY,
  'sets.contains': (a) => 1 + actualSize(a[0]) * actualSize(a[1]),
  'sets.intersects': (a) => 1 + actualSize(a[0]) * actualSize(a[1]),
  'sets.equivalent': (a) => 1 + 2 * actualSize(a[0]) * actualSize(a[1]),
};

/** Cost of an operator call (`==`, `+`, `<`, `in`...), given its operands and result. */
export function operatorCost(op: string, l: unknown, r: unknown): number {
  switch (op) {
    case '==':
    case '!=':
      return ceil(Math.min(actualSize(l), actualSize(r)) * STRING_TRAVERSAL_COST_FACTOR);
    case '<':
    case '<=':
    case '>':
    case '>=':
      if ((typeof l === 'string' && typeof r === 'string') || (l instanceof Uint8Array && r instanceof Uint8Array)) {
        return ceil(Math.min(actualSize(l), actualSize(r)) * STRING_TRAVERSAL_COST_FACTOR);
      }
      return 1;
    case '+':
      return (typeof l === 'string' && typeof r === 'string') || (l instanceof Uint8Array && r instanceof Uint8Array)
        ? ceil((actualSize(l) + actualSize(r)) * STRING_TRAVERSAL_COST_FACTOR)
        : 1;
    case 'in':
      return Array.isArray(r) ? actualSize(r) : 1;
    default:
      return 1;
  }
}

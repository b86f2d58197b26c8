/**
 * The Kubernetes quantity library (k8s.io/apiserver pkg/cel/library/quantity.go): `quantity(s)`,
 * `isQuantity(s)`, `sign(q)`, and on quantities `isInteger()`, `asInteger()`, `asApproximateFloat()`,
 * `isGreaterThan`, `isLessThan`, `compareTo`, `add`, `sub` (with a quantity or an int), and `==`.
 * Values are exact decimals (`utils/quantity.ts`, a port of `resource.Quantity`).
 */
import { fail } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { fitsInt64 } from '../../utils/goconv.ts';
import { parseQuantityResult, Quantity } from '../../utils/quantity.ts';

/** A `kubernetes.Quantity` CEL value. */
export class QuantityValue {
  /** the CEL type name (cel-go's `TypeName()`) */
  static readonly celTypeName = 'kubernetes.Quantity';
  constructor(readonly q: Quantity) {}
  toJSON(): string {
    return this.q.toString();
  }
  equals(o: unknown): boolean {
    return o instanceof QuantityValue && this.q.equals(o.q);
  }
}

export function parseCelQuantity(s: string): QuantityValue {
  const r = parseQuantityResult(s);
  if (!r.ok) fail(r.error);
  return new QuantityValue(r.quantity);
}

/** Go `Quantity.AsInt64()`: only the int64 fast path with a non-negative scale converts. */
export function quantityAsInt64(q: Quantity): bigint | undefined {
  if (q.isDec) return undefined;
  const k8sScale = -q.scale;
  if (k8sScale === 0) return q.unscaled;
  if (k8sScale < 0) return undefined;
  const v = q.unscaled * 10n ** BigInt(k8sScale);
  return fitsInt64(v) ? v : undefined;
}

const T = 'kubernetes.Quantity';

export const quantityLibrary: CelLibrary = {
  name: 'kubernetes.quantity',
  register(env) {
    env.registerType(T, QuantityValue);
    env.registerFunction(`quantity(string): ${T}`, (s: string) => parseCelQuantity(s));
    env.registerFunction('isQuantity(string): bool', (s: string) => parseQuantityResult(s).ok);
    env.registerFunction(`sign(${T}): int`, (v: QuantityValue) => BigInt(v.q.sign()));
    env.registerFunction(`${T}.isInteger(): bool`, (v: QuantityValue) => quantityAsInt64(v.q) !== undefined);
    env.registerFunction(`${T}.asInteger(): int`, (v: QuantityValue) => quantityAsInt64(v.q) ?? fail('cannot convert value to integer'));
    env.registerFunction(`${T}.asApproximateFloat(): double`, (v: QuantityValue) => v.q.toNumber());
    env.registerFunction(`${T}.isGreaterThan(${T}): bool`, (a: QuantityValue, b: QuantityValue) => a.q.cmp(b.q) === 1);
    env.registerFunction(`${T}.isLessThan(${T}): bool`, (a: QuantityValue, b: QuantityValue) => a.q.cmp(b.q) === -1);
    env.registerFunction(`${T}.compareTo(${T}): int`, (a: QuantityValue, b: QuantityValue) => BigInt(a.q.cmp(b.q)));
    env.registerFunction(`${T}.add(${T}): ${T}`, (a: QuantityValue, b: QuantityValue) => new QuantityValue(a.q.add(b.q)));
    env.registerFunction(`${T}.add(int): ${T}`, (a: QuantityValue, b: bigint) =>
      new QuantityValue(a.q.add(Quantity.fromInt64(b, 'DecimalExponent'))),
    );
    env.registerFunction(`${T}.sub(${T}): ${T}`, (a: QuantityValue, b: QuantityValue) => new QuantityValue(a.q.sub(b.q)));
    env.registerFunction(`${T}.sub(int): ${T}`, (a: QuantityValue, b: bigint) =>
      new QuantityValue(a.q.sub(Quantity.fromInt64(b, 'DecimalExponent'))),
    );
    env.registerOperator(`${T} == ${T}`, (a: QuantityValue, b: QuantityValue) => a.q.equals(b.q));
  },
};

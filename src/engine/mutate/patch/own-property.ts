/**
 * Sets an own enumerable property on a plain object, also for the key `__proto__` (which a plain
 * assignment would turn into a prototype change). JSON documents may carry any key.
 */
export function defineKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

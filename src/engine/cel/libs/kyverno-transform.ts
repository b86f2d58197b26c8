/**
 * Kyverno's transform library: `listObjToMap(keys, values, keyField, valueField)` /
 * `transform.listObjToMap(...)`: `{keys[i][keyField]: values[i][valueField]}`.
 */
import { fail } from '../errors.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { mapEntries } from './compare.ts';

export function listObjToMap(l1: unknown[], l2: unknown[], keyName: string, valueName: string): Record<string, unknown> {
  if (l1.length !== l2.length) fail(`listObjToMap must take lists of equal length. list1: ${l1.length}, list2: ${l2.length}`);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < l1.length; i++) {
    const e1 = mapEntries(l1[i]);
    if (!e1) fail('failed to convert key to a string');
    const k = e1.find(([key]) => key === keyName)?.[1];
    if (typeof k !== 'string') fail('the passed key name cannot be handled as a string in the key object list');
    const e2 = mapEntries(l2[i]);
    if (!e2) fail('object cannot be handled as a map string to any in the value object list');
    const v = e2.find(([key]) => key === valueName)?.[1];
    if (k === '__proto__') Object.defineProperty(out, k, { value: v ?? null, enumerable: true, writable: true, configurable: true });
    else out[k] = v ?? null;
  }
  return out;
}

export const kyvernoTransformLibrary: CelLibrary = {
  name: 'kyverno.transform',
  namespaces: ['transform'],
  register(env) {
    const f = (_n: unknown, a: unknown[], b: unknown[], k: string, v: string): Record<string, unknown> => listObjToMap(a, b, k, v);
    env.registerFunction('listObjToMap(list, list, string, string): map<dyn, dyn>', (a: unknown[], b: unknown[], k: string, v: string) =>
      listObjToMap(a, b, k, v),
    );
    const ns = defineNamespace(env, 'transform');
    env.registerFunction(`${ns}.listObjToMap(list, list, string, string): map<dyn, dyn>`, f);
  },
};

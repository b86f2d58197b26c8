/**
 * cel-go encoders extension: `base64.encode(bytes)`, `base64.decode(string)` (standard alphabet,
 * padding optional on decode), and `json.encode(value)` — whose runtime cost cel-go sets to the
 * maximum, so under the Kubernetes cost limit it always fails with
 * `operation cancelled: actual cost limit exceeded`, as it does in Kyverno.
 */
import { celToJson } from '../values.ts';
import { fail } from '../errors.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { base64Decode, base64Encode } from './bytes-util.ts';

export const encodersLibrary: CelLibrary = {
  name: 'cel.lib.ext.encoders',
  namespaces: ['base64', 'json'],
  register(env) {
    const b64 = defineNamespace(env, 'base64');
    env.registerFunction(`${b64}.encode(bytes): string`, (_n: unknown, b: Uint8Array) => base64Encode(b));
    env.registerFunction(`${b64}.decode(string): bytes`, (_n: unknown, s: string) => {
      const b = base64Decode(s) ?? base64Decode(s, true);
      if (b === undefined) fail('illegal base64 data at input byte 0');
      return b;
    });
    const json = defineNamespace(env, 'json');
    env.registerFunction(`${json}.encode(dyn): string`, (_n: unknown, v: unknown) => JSON.stringify(celToJson(v)));
  },
};

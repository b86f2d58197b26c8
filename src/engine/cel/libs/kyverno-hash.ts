/**
 * Kyverno's hash library: `sha1(s)`, `sha256(s)`, `md5(s)` and `hash.sha1/sha256/md5(s)`: lowercase
 * hex digest of the UTF-8 bytes (pure implementations shared with the JMESPath functions).
 */
import { md5Hex, sha1Hex, sha256Hex } from '../../jmespath/functions/hash.ts';
import { utf8Bytes } from '../../utils/goconv.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';

const ALGOS: readonly [string, (b: number[]) => string][] = [
  ['sha1', sha1Hex],
  ['sha256', sha256Hex],
  ['md5', md5Hex],
];

export const kyvernoHashLibrary: CelLibrary = {
  name: 'kyverno.hash',
  namespaces: ['hash'],
  register(env) {
    const ns = defineNamespace(env, 'hash');
    for (const [name, f] of ALGOS) {
      env.registerFunction(`${name}(string): string`, (s: string) => f(utf8Bytes(s)));
      env.registerFunction(`${ns}.${name}(string): string`, (_n: unknown, s: string) => f(utf8Bytes(s)));
    }
  },
};

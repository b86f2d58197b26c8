/**
 * Kyverno's path_canonicalize: Go `filepath.Join(path)` on Linux, i.e. `path.Clean` of a non-empty
 * path (`///var//run/../x/` -> `/var/x`) and `""` for an empty one.
 */
import { arg, type FunctionFamily } from './types.ts';

/** Go's path.Clean. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

export const pathFunctions: FunctionFamily = () => [
  {
    name: 'path_canonicalize',
    args: [arg.string],
    returnType: ['string'],
    note: 'normalizes or canonicalizes a given path by removing excess slashes',
    kyverno: true,
    handler: ([s]) => (s === '' ? '' : goPathClean(s as string)),
  },
];

/**
 * The Kubernetes URL library (pkg/cel/library/urls.go): `url(s)` (must pass Go's
 * `url.ParseRequestURI`), `isURL(s)`, and `getScheme()`, `getHost()`, `getHostname()`, `getPort()`,
 * `getEscapedPath()`, `getQuery()` (a `map(string, list(string))`).
 */
import { fail } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import {
  parseRequestURI,
  parseUrl,
  urlEscapedPath,
  urlHostname,
  urlPort,
  urlQuery,
  urlString,
  type GoUrl,
} from './go-url.ts';

/** A `kubernetes.URL` CEL value. */
export class UrlValue {
  /** the CEL type name (cel-go's `TypeName()`) */
  static readonly celTypeName = 'kubernetes.URL';
  constructor(readonly url: GoUrl) {}
  toJSON(): string {
    return urlString(this.url);
  }
}

export function parseCelUrl(s: string): UrlValue {
  try {
    parseRequestURI(s);
    return new UrlValue(parseUrl(s));
  } catch (e) {
    return fail(`URL parse error during conversion from string: ${(e as Error).message}`);
  }
}

export function isUrl(s: string): boolean {
  try {
    parseRequestURI(s);
    return true;
  } catch {
    return false;
  }
}

const T = 'kubernetes.URL';

export const urlLibrary: CelLibrary = {
  name: 'kubernetes.urls',
  register(env) {
    env.registerType(T, UrlValue);
    env.registerFunction(`url(string): ${T}`, (s: string) => parseCelUrl(s));
    env.registerFunction('isURL(string): bool', (s: string) => isUrl(s));
    env.registerFunction(`${T}.getScheme(): string`, (u: UrlValue) => u.url.scheme);
    env.registerFunction(`${T}.getHost(): string`, (u: UrlValue) => u.url.host);
    env.registerFunction(`${T}.getHostname(): string`, (u: UrlValue) => urlHostname(u.url));
    env.registerFunction(`${T}.getPort(): string`, (u: UrlValue) => urlPort(u.url));
    env.registerFunction(`${T}.getEscapedPath(): string`, (u: UrlValue) => urlEscapedPath(u.url));
    env.registerFunction(`${T}.getQuery(): map<string, list<string>>`, (u: UrlValue) => {
      const out: Record<string, string[]> = {};
      for (const [k, v] of urlQuery(u.url)) {
        if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        else out[k] = v;
      }
      return out;
    });
    env.registerOperator(`${T} == ${T}`, (a: UrlValue, b: UrlValue) => urlString(a.url) === urlString(b.url));
  },
};

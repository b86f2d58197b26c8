/**
 * Kyverno's http library (kyverno/sdk extensions/cel/libs/http): `http.Get(url[, headers])`,
 * `http.Post(url, body[, headers])`, `http.Client(caBundle)` (and camelCase `get`, `post`,
 * `client`), through an injected `HttpPort`. Responses are decoded JSON as Go decodes them into
 * `any` (every number a double). Failures read `request failed: <cause>`.
 * `mockAwareHttp` answers from the CLI test's mocks first (`"GET:<url>"`, then `"<url>"`).
 */
import type { JsonValue } from '../../api/json.ts';
import { CelFunctionError } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { celToJson, jsonToCelDoubles } from '../values.ts';

/** Outbound HTTP as the library needs it (`http.ContextInterface`). */
export interface HttpPort {
  get(url: string, headers: Readonly<Record<string, string>>): Promise<JsonValue> | JsonValue;
  post(url: string, body: JsonValue, headers: Readonly<Record<string, string>>): Promise<JsonValue> | JsonValue;
  /** a client trusting `caBundle` */
  client(caBundle: string): Promise<HttpPort> | HttpPort;
}

/** The `http` activation value. */
export class HttpContextValue {
  constructor(readonly port: HttpPort) {}
}

/** Kyverno's mock-aware HTTP context: mocks keyed `"<METHOD>:<url>"` or `"<url>"`. */
export function mockAwareHttp(real: HttpPort, mocks: Readonly<Record<string, JsonValue>>): HttpPort {
  const find = (method: string, url: string): { body: JsonValue } | undefined => {
    if (Object.prototype.hasOwnProperty.call(mocks, `${method}:${url}`)) return { body: mocks[`${method}:${url}`]! };
    if (Object.prototype.hasOwnProperty.call(mocks, url)) return { body: mocks[url]! };
    return undefined;
  };
  return {
    get: (url, headers) => find('GET', url)?.body ?? real.get(url, headers),
    post: (url, body, headers) => find('POST', url)?.body ?? real.post(url, body, headers),
    client: (ca) => {
      const inner = real.client(ca);
      return inner instanceof Promise ? inner.then((i) => mockAwareHttp(i, mocks)) : mockAwareHttp(inner, mocks);
    },
  };
}

/** An `HttpPort` for offline runs: every call fails like an unreachable network. */
export const offlineHttp: HttpPort = {
  get: (url) => {
    throw new Error(`Get "${url}": network access is disabled`);
  },
  post: (url) => {
    throw new Error(`Post "${url}": network access is disabled`);
  },
  client: () => offlineHttp,
};

function call(f: () => Promise<JsonValue> | JsonValue): unknown {
  const onError = (e: unknown): never => {
    throw new CelFunctionError(`request failed: ${e instanceof Error ? e.message : String(e)}`);
  };
  try {
    const r = f();
    if (r instanceof Promise) return r.then((v) => jsonToCelDoubles(v), onError);
    return jsonToCelDoubles(r);
  } catch (e) {
    return onError(e);
  }
}

const headers = (v: unknown): Record<string, string> => celToJson(v) as Record<string, string>;
const T = 'http.Context';

export const kyvernoHttpLibrary: CelLibrary = {
  name: 'kyverno.http',
  register(env) {
    env.registerType(T, HttpContextValue);
    const async = { async: true };
    for (const [get, post, client] of [
      ['Get', 'Post', 'Client'],
      ['get', 'post', 'client'],
    ] as const) {
      env.registerFunction(`${T}.${get}(string): dyn`, (c: HttpContextValue, url: string) => call(() => c.port.get(url, {})), async);
      env.registerFunction(`${T}.${get}(string, map<string, string>): dyn`, (c: HttpContextValue, url: string, h: unknown) =>
        call(() => c.port.get(url, headers(h))), async);
      env.registerFunction(`${T}.${post}(string, dyn): dyn`, (c: HttpContextValue, url: string, body: unknown) =>
        call(() => c.port.post(url, celToJson(body), {})), async);
      env.registerFunction(`${T}.${post}(string, dyn, map<string, string>): dyn`, (c: HttpContextValue, url: string, body: unknown, h: unknown) =>
        call(() => c.port.post(url, celToJson(body), headers(h))), async);
      env.registerFunction(`${T}.${client}(string): ${T}`, (c: HttpContextValue, ca: string) => {
        const onError = (e: unknown): never => {
          throw new CelFunctionError(`request failed: ${e instanceof Error ? e.message : String(e)}`);
        };
        try {
          const r = c.port.client(ca);
          return r instanceof Promise ? r.then((p) => new HttpContextValue(p), onError) : new HttpContextValue(r);
        } catch (e) {
          return onError(e);
        }
      }, async);
    }
  },
};

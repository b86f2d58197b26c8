/**
 * Kyverno's globalcontext library: `globalContext.Get(name[, projection])` (and `get`) reads a
 * GlobalContextEntry through the injected port; failures read `failed to get global reference: ...`.
 */
import type { JsonValue } from '../../api/json.ts';
import { CelFunctionError } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { jsonToCel } from '../values.ts';

/** Global context entries (`globalcontext.ContextInterface`). */
export interface GlobalContextPort {
  getGlobalReference(name: string, projection: string): Promise<JsonValue> | JsonValue;
}

/** The `globalContext` activation value. */
export class GlobalContextValue {
  constructor(readonly port: GlobalContextPort) {}
}

function read(c: GlobalContextValue, name: string, projection: string): unknown {
  const onError = (e: unknown): never => {
    throw new CelFunctionError(`failed to get global reference: ${e instanceof Error ? e.message : String(e)}`);
  };
  try {
    const r = c.port.getGlobalReference(name, projection);
    return r instanceof Promise ? r.then((v) => jsonToCel(v), onError) : jsonToCel(r);
  } catch (e) {
    return onError(e);
  }
}

const T = 'globalcontext.Context';

export const kyvernoGlobalContextLibrary: CelLibrary = {
  name: 'kyverno.globalcontext',
  register(env) {
    env.registerType(T, GlobalContextValue);
    for (const get of ['Get', 'get']) {
      env.registerFunction(`${T}.${get}(string): dyn`, (c: GlobalContextValue, n: string) => read(c, n, ''), { async: true });
      env.registerFunction(`${T}.${get}(string, string): dyn`, (c: GlobalContextValue, n: string, p: string) => read(c, n, p), { async: true });
    }
  },
};

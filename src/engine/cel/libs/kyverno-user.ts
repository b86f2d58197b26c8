/**
 * Kyverno's user library: `parseServiceAccount(user)` / `user.parseServiceAccount(user)` splits
 * `system:serviceaccount:<ns>:<name>` into `{namespace, name}` (a `user.ServiceAccount` object;
 * empty fields for other users).
 */
import { defineNamespace, type CelLibrary } from '../library.ts';

/** `user.ServiceAccount`. */
export class ServiceAccountValue {
  constructor(
    readonly Name: string,
    readonly Namespace: string,
  ) {}
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.Name !== '') out.name = this.Name;
    if (this.Namespace !== '') out.namespace = this.Namespace;
    return out;
  }
}

const PREFIX = 'system:serviceaccount:';

export function parseServiceAccount(user: string): ServiceAccountValue {
  if (user.startsWith(PREFIX)) {
    const rest = user.slice(PREFIX.length);
    const sep = rest.indexOf(':');
    if (sep !== -1) return new ServiceAccountValue(rest.slice(sep + 1), rest.slice(0, sep));
  }
  return new ServiceAccountValue('', '');
}

const T = 'user.ServiceAccount';

export const kyvernoUserLibrary: CelLibrary = {
  name: 'kyverno.user',
  namespaces: ['user'],
  register(env) {
    env.registerType(T, { ctor: ServiceAccountValue, fields: { Name: 'string', Namespace: 'string' } });
    env.registerFunction(`parseServiceAccount(string): ${T}`, (s: string) => parseServiceAccount(s));
    const ns = defineNamespace(env, 'user');
    env.registerFunction(`${ns}.parseServiceAccount(string): ${T}`, (_n: unknown, s: string) => parseServiceAccount(s));
  },
};

/**
 * Kyverno's generator library (kyverno/sdk extensions/cel/libs/generator): `generator.Apply(namespace,
 * [objects])` (and `apply`) hands resources to the generate context; in namespaced policies the form is
 * `generator.Apply([objects])` and the policy's namespace is used. Each object must be a map with string
 * keys; numbers reach the context as doubles (they travel as protobuf Struct values). Failures read
 * `failed to generate resources: ...`. Returns true.
 */
import type { JsonObject } from '../api/json.ts';
import { CelFunctionError } from '../cel/errors.ts';
import type { CelLibrary } from '../cel/library.ts';
import { celToJson } from '../cel/values.ts';

/** Receives the generated objects (`generator.ContextInterface`). */
export interface GeneratorPort {
  generateResources(namespace: string, objects: JsonObject[]): void;
}

/** The `generator` activation value for cluster-wide policies. */
export class GeneratorContextValue {
  constructor(readonly port: GeneratorPort) {}
}

/** The `generator` activation value for namespaced policies. */
export class NamespacedGeneratorContextValue {
  constructor(
    readonly port: GeneratorPort,
    readonly namespace: string,
  ) {}
}

/** A value as a protobuf Struct sees it: every number a double (JSON numbers already are). */
function toStruct(v: unknown): JsonObject {
  const j = celToJson(v);
  if (j === null || typeof j !== 'object' || Array.isArray(j)) {
    throw new CelFunctionError(`type conversion error from '${Array.isArray(j) ? 'list' : typeof j}' to '*structpb.Struct'`);
  }
  return j;
}

function apply(port: GeneratorPort, namespace: string, list: unknown): boolean {
  const items = Array.isArray(list) ? list : [];
  const objects = items.map(toStruct);
  try {
    port.generateResources(namespace, objects);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const perm = (e as { reason?: string }).reason === 'Forbidden' || (e as { reason?: string }).reason === 'Unauthorized';
    throw new CelFunctionError(`failed to generate resources: ${perm ? 'permission denied: ' : ''}${msg}`);
  }
  return true;
}

const C = 'generator.Context';
const N = 'generator.NamespacedContext';

export const generatorLibrary: CelLibrary = {
  name: 'kyverno.generator',
  register(env) {
    env.registerType(C, GeneratorContextValue);
    env.registerType(N, NamespacedGeneratorContextValue);
    for (const name of ['Apply', 'apply']) {
      env.registerFunction(`${C}.${name}(string, list<map<string, dyn>>): bool`, (c: GeneratorContextValue, ns: string, l: unknown) => apply(c.port, ns, l));
      env.registerFunction(`${N}.${name}(list<map<string, dyn>>): bool`, (c: NamespacedGeneratorContextValue, l: unknown) => apply(c.port, c.namespace, l));
    }
  },
};


/**
 * Kyverno's yaml library: `yaml.parse(s)` (sigs.k8s.io/yaml `Unmarshal` into `any`: YAML -> JSON ->
 * `json.Unmarshal`, so numbers are doubles).
 */
import { parseYamlToJson } from '../../jmespath/functions/encoding.ts';
import { fail } from '../errors.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { jsonToCelDoubles } from '../values.ts';

export function yamlParse(s: string): unknown {
  try {
    return jsonToCelDoubles(parseYamlToJson(s));
  } catch (e) {
    // sigs.k8s.io/yaml wraps go-yaml's errors
    return fail(`error converting YAML to JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export const kyvernoYamlLibrary: CelLibrary = {
  name: 'kyverno.yaml',
  namespaces: ['yaml'],
  register(env) {
    const ns = defineNamespace(env, 'yaml');
    env.registerFunction(`${ns}.parse(string): dyn`, (_n: unknown, s: string) => yamlParse(s));
  },
};

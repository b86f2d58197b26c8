/**
 * Static checks of `mutate.patchesJson6902` (pkg/validation/policy/validate.go): the patch text is read
 * as YAML/JSON (`yaml.ToJSON`), decoded as an RFC 6902 patch (evanphx/json-patch v5 `DecodePatch`,
 * which validates each operation), paths must start with `/`, and variables are not allowed in paths.
 */
import { isObject, type JsonValue } from '../api/json.ts';
import { yamlToJson } from '../mutate/patch/yaml-to-json.ts';
import { goJsonMarshal } from '../utils/gojson.ts';
import { findAll, REGEX_VARIABLES } from '../variables/regex.ts';
import { replaceAllVars } from './variable-text.ts';

/** One decoded operation: field -> raw value (`null` for a JSON null). */
type Operation = Map<string, JsonValue>;

type Decoded = { ok: true; ops: Operation[] } | { ok: false; error: string };

function goTypeWord(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

function opJson(op: Operation): string {
  const o: Record<string, JsonValue> = {};
  for (const [k, v] of op) o[k] = v;
  return goJsonMarshal(o);
}

function opString(op: Operation, key: string): { ok: true; value: string } | { ok: false; error: string } {
  const v = op.get(key);
  if (v === undefined || v === null) return { ok: false, error: `operation missing ${key} field: missing value` };
  if (typeof v !== 'string') return { ok: false, error: `json: cannot unmarshal ${goTypeWord(v)} into Go value of type string` };
  return { ok: true, value: v };
}

/** `Operation.Kind()` */
export function opKind(op: Operation): string {
  const v = op.get('op');
  return typeof v === 'string' ? v : 'unknown';
}

/** `Operation.Path()` */
export function opPath(op: Operation): { ok: true; value: string } | { ok: false; error: string } {
  const r = opString(op, 'path');
  if (!r.ok && op.get('path') === undefined) return r;
  if (!r.ok && op.get('path') === null) return { ok: false, error: 'operation missing path field: missing value' };
  return r;
}

function validateOperation(op: Operation): string | undefined {
  switch (opKind(op)) {
    case 'add':
    case 'replace':
      if (!op.has('value')) return "failed to decode 'value': operation, missing value field: missing value";
      break;
    case 'move':
    case 'copy': {
      const from = opString(op, 'from');
      if (!from.ok) return `failed to decode 'from': ${from.error}`;
      break;
    }
    case 'remove':
    case 'test':
      break;
    default:
      return 'unsupported operation';
  }
  const path = opPath(op);
  if (!path.ok) return `failed to decode 'path': ${path.error}`;
  return undefined;
}

/** `yaml.ToJSON` + `jsonpatch.DecodePatch` of a patch text. */
export function decodeJsonPatch(text: string): Decoded {
  let doc: JsonValue;
  try {
    doc = yamlToJson(text);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (doc === null) return { ok: true, ops: [] };
  if (!Array.isArray(doc)) return { ok: false, error: `json: cannot unmarshal ${goTypeWord(doc)} into Go value of type jsonpatch.Patch` };
  const ops: Operation[] = [];
  for (const item of doc) {
    if (item === null) {
      ops.push(new Map());
      continue;
    }
    if (!isObject(item)) {
      return { ok: false, error: `json: cannot unmarshal ${goTypeWord(item)} into Go value of type jsonpatch.Operation` };
    }
    ops.push(new Map(Object.entries(item)));
  }
  for (const op of ops) {
    const err = validateOperation(op);
    if (err !== undefined) return { ok: false, error: `invalid operation ${opJson(op)}: ${err}` };
  }
  return { ok: true, ops };
}

/**
 * `validateJSONPatchPathForForwardSlash` and `validateJSONPatch` for rule `index` (variables replaced
 * first). Returns Kyverno's error text or undefined.
 */
export function validateJsonPatch(patch: string, index: number): string | undefined {
  const text = replaceAllVars(patch, () => 'kyvernojsonpatchvariable');
  const decoded = decodeJsonPatch(text);
  if (!decoded.ok) return `path must begin with a forward slash: spec.rules[${index}]: ${decoded.error}`;
  for (const op of decoded.ops) {
    const path = opPath(op);
    if (!path.ok) return `path must begin with a forward slash: spec.rules[${index}]: ${path.error}`;
    if (!path.value.startsWith('/')) return `path must begin with a forward slash: spec.rules[${index}]: ${path.value}`;
  }
  return undefined;
}

/** `jsonPatchPathHasVariables`: true only when a decoded operation path holds a variable. */
export function jsonPatchPathHasVariables(patch: string): boolean {
  const decoded = decodeJsonPatch(patch);
  if (!decoded.ok) return false;
  for (const op of decoded.ops) {
    const path = opPath(op);
    if (!path.ok) return false;
    if (findAll(REGEX_VARIABLES, path.value).length > 0) return true;
  }
  return false;
}

/**
 * The operation paths of a patch given as JSON text (`jsonpatch.DecodePatch` on the raw text, errors
 * ignored), for `ruleOnlyDealsWithResourceMetaData`: a YAML patch yields no path.
 */
export function jsonPatchPathsOfJsonText(patch: string): string[] {
  let doc: JsonValue;
  try {
    doc = JSON.parse(patch) as JsonValue;
  } catch {
    return [];
  }
  if (doc === null || !Array.isArray(doc)) return [];
  const ops: Operation[] = [];
  for (const item of doc) {
    if (item === null) ops.push(new Map());
    else if (isObject(item)) ops.push(new Map(Object.entries(item)));
    else return [];
  }
  for (const op of ops) if (validateOperation(op) !== undefined) return [];
  return ops.map((op) => {
    const p = opPath(op);
    return p.ok ? p.value : 'unknown';
  });
}

/**
 * `metadata` of a custom resource, as the API server treats it: strictly decoded as `ObjectMeta`
 * (schema/objectmeta/coerce.go: unknown fields reported, the first type mismatch is a decode error
 * worded like Go's encoding/json) and validated on create (apimachinery api/validation/objectmeta.go:
 * name, generateName, namespace, labels, annotations, owner references, finalizers, managed fields).
 */
import { isObject, type JsonObject, type JsonValue } from '../../engine/api/json.ts';
import { goQuote, utf8Length } from '../../engine/utils/goconv.ts';
import type { PrunedField } from './prune.ts';
import { invalid, raw, required, tooLong, type SchemaError } from './field-error.ts';

// ---------------------------------------------------------------------------------------------
// Name formats (apimachinery util/validation, api/validate/content)

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const LABEL_KEY = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${LABEL_KEY})?`;
const dns1123LabelRe = new RegExp(`^${DNS1123_LABEL}$`);
const dns1123SubdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const labelKeyRe = new RegExp(`^${LABEL_KEY}$`);
const labelValueRe = new RegExp(`^${LABEL_VALUE}$`);

const maxLenError = (n: number): string => `must be no more than ${n} characters`;

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) out += ' or ';
    out += `'${e}', `;
  });
  return `${out}regex used for validation is '${fmt}')`;
}

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** `IsDNS1123Subdomain`: problems with `value`, empty when valid. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(SUBDOMAIN_MSG, DNS1123_SUBDOMAIN, 'example.com'));
  return errs;
}

/** `IsDNS1123Label`. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(LABEL_MSG, DNS1123_LABEL, 'my-name', '123-abc'));
  }
  return errs;
}

/** `IsQualifiedName` (a label key: optional DNS subdomain prefix and `/`). */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!labelKeyRe.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** `IsValidLabelValue`. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE, 'MyValue', 'my_value', '12345'));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Strict decoding

type GoType =
  | { t: 'string' }
  | { t: 'int64' }
  | { t: 'bool' }
  | { t: 'time' }
  | { t: 'raw' }
  | { t: 'map'; name: string; values: GoType }
  | { t: 'slice'; name: string; items: GoType }
  | { t: 'struct'; name: string; goName: string; fields: Record<string, GoType> };

const S: GoType = { t: 'string' };
const I64: GoType = { t: 'int64' };
const B: GoType = { t: 'bool' };
const TIME: GoType = { t: 'time' };

const OWNER_REFERENCE: GoType = {
  t: 'struct',
  name: 'OwnerReference',
  goName: 'v1.OwnerReference',
  fields: { apiVersion: S, kind: S, name: S, uid: S, controller: B, blockOwnerDeletion: B },
};

const MANAGED_FIELDS_ENTRY: GoType = {
  t: 'struct',
  name: 'ManagedFieldsEntry',
  goName: 'v1.ManagedFieldsEntry',
  fields: { manager: S, operation: S, apiVersion: S, time: TIME, fieldsType: S, fieldsV1: { t: 'raw' }, subresource: S },
};

const OBJECT_META: GoType = {
  t: 'struct',
  name: 'ObjectMeta',
  goName: 'v1.ObjectMeta',
  fields: {
    name: S,
    generateName: S,
    namespace: S,
    selfLink: S,
    uid: S,
    resourceVersion: S,
    generation: I64,
    creationTimestamp: TIME,
    deletionTimestamp: TIME,
    deletionGracePeriodSeconds: I64,
    labels: { t: 'map', name: 'map[string]string', values: S },
    annotations: { t: 'map', name: 'map[string]string', values: S },
    ownerReferences: { t: 'slice', name: '[]v1.OwnerReference', items: OWNER_REFERENCE },
    finalizers: { t: 'slice', name: '[]string', items: S },
    managedFields: { t: 'slice', name: '[]v1.ManagedFieldsEntry', items: MANAGED_FIELDS_ENTRY },
  },
};

const goTypeName = (t: GoType): string => {
  switch (t.t) {
    case 'string':
    case 'int64':
    case 'bool':
      return t.t;
    case 'time':
      return 'v1.Time';
    case 'raw':
      return 'v1.FieldsV1';
    case 'map':
    case 'slice':
      return t.name;
    case 'struct':
      return t.goName;
  }
};

const jsonTypeName = (v: JsonValue): string => {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return typeof v;
};

/** Go's `time.Parse(time.RFC3339, s)` error text, or undefined when it parses. */
export function rfc3339Error(s: string): string | undefined {
  const layout = '2006-01-02T15:04:05Z07:00';
  const steps: Array<[string, RegExp]> = [
    ['2006', /^\d{4}/],
    ['-', /^-/],
    ['01', /^\d{2}/],
    ['-', /^-/],
    ['02', /^\d{2}/],
    ['T', /^T/],
    ['15', /^\d{2}/],
    [':', /^:/],
    ['04', /^\d{2}/],
    [':', /^:/],
    ['05', /^\d{2}(\.\d+)?/],
    ['Z07:00', /^(Z|[+-]\d{2}:\d{2})/],
  ];
  const layoutRest = ['2006', '-01-02T15:04:05Z07:00', '01', '-02T15:04:05Z07:00', '02', 'T15:04:05Z07:00', '15', ':04:05Z07:00', '04', ':05Z07:00', '05', 'Z07:00'];
  let rest = s;
  for (let i = 0; i < steps.length; i++) {
    const [elem, re] = steps[i]!;
    const m = re.exec(rest);
    if (!m) {
      const shown = elem.length === 1 || elem === 'T' ? layoutRest[i]! : elem;
      return `parsing time ${goQuote(s)} as ${goQuote(layout)}: cannot parse ${goQuote(rest)} as ${goQuote(shown)}`;
    }
    rest = rest.slice(m[0].length);
  }
  if (rest !== '') return `parsing time ${goQuote(s)}: extra text: ${goQuote(rest)}`;
  const [, mo, d, h, mi, se] = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(s)!.map(Number) as number[];
  const range = (what: string): string => `parsing time ${goQuote(s)}: ${what} out of range`;
  if (mo! < 1 || mo! > 12) return range('month');
  if (d! < 1 || d! > 31) return range('day');
  if (h! > 23) return range('hour');
  if (mi! > 59) return range('minute');
  if (se! > 59) return range('second');
  return undefined;
}

interface DecodeState {
  unknown: PrunedField[];
  error?: string;
}

function decode(v: JsonValue, t: GoType, goPath: string, owner: string, path: Array<string | number>, field: string, st: DecodeState): void {
  if (st.error !== undefined) return;
  const mismatch = (): void => {
    st.error =
      goPath === ''
        ? `json: cannot unmarshal ${jsonTypeName(v)} into Go value of type ${goTypeName(t)}`
        : `json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ${owner}.${goPath} of type ${goTypeName(t)}`;
  };
  if (v === null) return; // null leaves the zero value
  switch (t.t) {
    case 'string':
      if (typeof v !== 'string') mismatch();
      return;
    case 'bool':
      if (typeof v !== 'boolean') mismatch();
      return;
    case 'int64':
      if (typeof v !== 'number') mismatch();
      else if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 63) {
        st.error = `json: cannot unmarshal number ${String(v)} into Go struct field ${owner}.${goPath} of type int64`;
      }
      return;
    case 'time':
      if (typeof v !== 'string') st.error = `json: cannot unmarshal ${jsonTypeName(v)} into Go value of type string`;
      else if (v !== '') st.error = rfc3339Error(v);
      return;
    case 'raw':
      return;
    case 'map':
      if (!isObject(v)) return mismatch();
      for (const k of Object.keys(v).sort()) decode(v[k]!, t.values, goPath, owner, [...path, k], `${field}.${k}`, st);
      return;
    case 'slice':
      if (!Array.isArray(v)) return mismatch();
      v.forEach((x, i) => decode(x, t.items, goPath, owner, [...path, i], `${field}[${i}]`, st));
      return;
    case 'struct': {
      if (!isObject(v)) return mismatch();
      for (const k of Object.keys(v).sort()) {
        const ft = t.fields[k];
        if (ft === undefined) {
          st.unknown.push({ field: `${field}.${k}`, path: [...path, k] });
          continue;
        }
        decode(v[k]!, ft, goPath === '' ? k : `${goPath}.${k}`, t.name, [...path, k], `${field}.${k}`, st);
      }
    }
  }
}

/** Result of decoding `metadata`. */
export interface MetadataDecode {
  /** unknown fields (`metadata.foo`, `metadata.ownerReferences[0].bar`) */
  unknown: PrunedField[];
  /** the decode error (a type mismatch), if any */
  error?: SchemaError;
}

/**
 * Strictly decodes `metadata` as ObjectMeta. Unknown fields are removed from `meta` (in place), as
 * the API server's re-encoding drops them.
 */
export function decodeObjectMeta(doc: JsonObject): MetadataDecode {
  if (!('metadata' in doc)) return { unknown: [] };
  const meta = doc['metadata']!;
  const st: DecodeState = { unknown: [] };
  decode(meta, OBJECT_META, '', '', ['metadata'], 'metadata', st);
  if (st.error !== undefined) {
    return { unknown: [], error: raw({ path: ['metadata'], code: 'METADATA_DECODE' }, st.error) };
  }
  if (isObject(meta)) {
    for (const u of st.unknown) removeAt(doc, u.path);
  }
  return { unknown: st.unknown };
}

function removeAt(doc: JsonObject, path: ReadonlyArray<string | number>): void {
  let cur: JsonValue | undefined = doc;
  for (let i = 0; i < path.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string | number, JsonValue>)[path[i]!];
  }
  if (isObject(cur)) delete cur[path[path.length - 1] as string];
}

/** A `metav1.Time` re-encoded: RFC 3339 in UTC with whole seconds. */
function normalizeTime(v: string): string {
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return v;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const isEmpty = (v: JsonValue | undefined): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.keys(v).length === 0);

function dropEmpty(o: JsonObject, keep: ReadonlySet<string> = new Set()): void {
  for (const k of Object.keys(o)) {
    if (keep.has(k)) continue;
    const v = o[k];
    if (isEmpty(v) || (k !== 'deletionGracePeriodSeconds' && v === 0)) delete o[k];
  }
}

const OWNER_REQUIRED = new Set(['apiVersion', 'kind', 'name', 'uid']);

/**
 * Re-encodes a decoded `metadata` the way the API server does after decoding (ObjectMeta marshalled
 * back: `omitempty` fields that are empty dropped, times normalized), in place.
 */
export function normalizeObjectMeta(doc: JsonObject): void {
  const meta = doc['metadata'];
  if (meta === null) {
    doc['metadata'] = {};
    return;
  }
  if (!isObject(meta)) return;
  for (const k of ['creationTimestamp', 'deletionTimestamp']) {
    const t = meta[k];
    if (typeof t === 'string' && t !== '') meta[k] = normalizeTime(t);
  }
  // null decodes to the zero value inside maps and slices
  for (const k of ['labels', 'annotations']) {
    const m = meta[k];
    if (isObject(m)) for (const key of Object.keys(m)) if (m[key] === null) m[key] = '';
  }
  if (Array.isArray(meta['finalizers'])) meta['finalizers'] = meta['finalizers'].map((f) => (f === null ? '' : f));
  if (Array.isArray(meta['ownerReferences'])) {
    meta['ownerReferences'] = meta['ownerReferences'].map((o) => (o === null ? {} : o));
    for (const o of meta['ownerReferences']) {
      if (!isObject(o)) continue;
      for (const k of OWNER_REQUIRED) if (o[k] === undefined || o[k] === null) o[k] = '';
      dropEmpty(o, OWNER_REQUIRED);
    }
  }
  if (Array.isArray(meta['managedFields'])) {
    meta['managedFields'] = meta['managedFields'].map((m) => (m === null ? {} : m));
    for (const m of meta['managedFields']) {
      if (!isObject(m)) continue;
      if (typeof m['time'] === 'string' && m['time'] !== '') m['time'] = normalizeTime(m['time']);
      dropEmpty(m);
    }
  }
  dropEmpty(meta);
  if (meta['deletionGracePeriodSeconds'] === null) delete meta['deletionGracePeriodSeconds'];
}

// ---------------------------------------------------------------------------------------------
// Validation on create

const str = (m: JsonObject, k: string): string => (typeof m[k] === 'string' ? (m[k] as string) : '');

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

function parseVersion(apiVersion: string): string {
  if (apiVersion === '' || apiVersion === '/') return '';
  const parts = apiVersion.split('/');
  if (parts.length === 1) return apiVersion;
  if (parts.length === 2) return parts[1]!;
  return '';
}

const isPrintable = (cp: number): boolean => /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(String.fromCodePoint(cp));

/**
 * `ValidateObjectMetaAccessor(meta, namespaced, NameIsDNSSubdomain, "metadata")` after the API
 * server's create preparation (namespace cleared for cluster-scoped kinds, generation set to 1).
 */
export function validateObjectMeta(meta: JsonObject, namespaced: boolean): SchemaError[] {
  const out: SchemaError[] = [];
  const at = (f: string, code: SchemaError['code'], ...rest: Array<string | number>) => ({
    path: ['metadata', f, ...rest],
    field: `metadata.${f}`,
    code,
  });
  const generateName = str(meta, 'generateName');
  if (generateName !== '') {
    for (const m of isDNS1123Subdomain(maskTrailingDash(generateName))) out.push(invalid(at('generateName', 'GENERATE_NAME'), generateName, m));
  }
  const name = str(meta, 'name');
  if (name === '') out.push(required(at('name', 'NAME'), 'name or generateName is required'));
  else for (const m of isDNS1123Subdomain(name)) out.push(invalid(at('name', 'NAME'), name, m));
  if (namespaced) {
    const ns = str(meta, 'namespace') || 'default';
    for (const m of isDNS1123Label(ns)) out.push(invalid(at('namespace', 'NAMESPACE'), ns, m));
  }
  const labels = isObject(meta['labels']) ? meta['labels'] : {};
  for (const k of Object.keys(labels).sort()) {
    for (const m of isQualifiedName(k)) out.push(invalid(at('labels', 'LABELS', k), k, m));
    const v = labels[k];
    if (typeof v === 'string') for (const m of isValidLabelValue(v)) out.push(invalid(at('labels', 'LABELS', k), v, m));
  }
  const annotations = isObject(meta['annotations']) ? meta['annotations'] : {};
  let size = 0;
  for (const k of Object.keys(annotations).sort()) {
    for (const m of isQualifiedName(k.toLowerCase())) out.push(invalid(at('annotations', 'ANNOTATIONS', k), k, m));
    const v = annotations[k];
    size += utf8Length(k) + (typeof v === 'string' ? utf8Length(v) : 0);
  }
  if (size > 256 * 1024) out.push(tooLong(at('annotations', 'ANNOTATIONS'), 256 * 1024));
  const owners = Array.isArray(meta['ownerReferences']) ? meta['ownerReferences'] : [];
  let firstController = '';
  owners.forEach((o, i) => {
    if (!isObject(o)) return;
    const apiVersion = str(o, 'apiVersion');
    const kind = str(o, 'kind');
    const oname = str(o, 'name');
    const b = (f: string) => ({ path: ['metadata', 'ownerReferences', i, f], field: `metadata.ownerReferences.${f}`, code: 'OWNER_REFERENCES' as const });
    const version = parseVersion(apiVersion);
    if (version === '') out.push(invalid(b('apiVersion'), apiVersion, 'version must not be empty'));
    if (kind === '') out.push(invalid(b('kind'), kind, 'must not be empty'));
    if (oname === '') out.push(invalid(b('name'), oname, 'must not be empty'));
    if (str(o, 'uid') === '') out.push(invalid(b('uid'), '', 'must not be empty'));
    if (apiVersion === 'v1' && kind === 'Event') {
      out.push(invalid(at('ownerReferences', 'OWNER_REFERENCES', i), o, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (o['controller'] === true) {
      const cur = `${kind}/${oname}`;
      if (firstController !== '') {
        out.push(
          invalid(
            at('ownerReferences', 'OWNER_REFERENCES'),
            owners,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else firstController = cur;
    }
  });
  const finalizers = Array.isArray(meta['finalizers']) ? meta['finalizers'] : [];
  for (const f of finalizers) {
    if (typeof f !== 'string') continue;
    for (const m of isQualifiedName(f)) out.push(invalid(at('finalizers', 'FINALIZERS'), f, m));
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    out.push(invalid(at('finalizers', 'FINALIZERS'), finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  const managed = Array.isArray(meta['managedFields']) ? meta['managedFields'] : [];
  managed.forEach((m, i) => {
    if (!isObject(m)) return;
    const b = (f: string) => ({ path: ['metadata', 'managedFields', i, f], code: 'MANAGED_FIELDS' as const });
    const op = str(m, 'operation');
    if (op !== 'Apply' && op !== 'Update') out.push(invalid(b('operation'), op, 'must be `Apply` or `Update`'));
    const ft = str(m, 'fieldsType');
    if (ft !== '' && ft !== 'FieldsV1') out.push(invalid(b('fieldsType'), ft, 'must be `FieldsV1`'));
    const manager = str(m, 'manager');
    if (manager.length > 128) out.push(tooLong(b('manager'), 128));
    let pos = 0;
    for (const ch of manager) {
      const cp = ch.codePointAt(0)!;
      if (!isPrintable(cp)) {
        const hex = cp.toString(16).toUpperCase().padStart(4, '0');
        out.push(invalid(b('manager'), manager, `invalid character U+${hex} (at position ${pos})`));
      }
      pos += utf8Length(ch);
    }
    if (str(m, 'subresource').length > 256) out.push(tooLong(b('subresource'), 256));
  });
  return out;
}

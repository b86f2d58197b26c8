/**
 * The JSON context that variables are evaluated against (kyverno/pkg/engine/context/context.go):
 * a document with `request`, `serviceAccountName`, `images`, `element`, context entries, ...
 * with checkpoints (rule scope) and deferred (lazy) loaders for context entries.
 */
import { isObject, type JsonObject, type JsonValue } from '../api/json.ts';
import type { AdmissionOperation } from '../api/policy.ts';
import { EngineError } from '../errors.ts';

/** Evaluates a JMESPath expression over a document (implemented by src/engine/jmespath). */
export interface QueryEngine {
  search(expression: string, data: JsonValue): JsonValue;
}

/** A lazily loaded context entry. */
export interface DeferredLoader {
  readonly name: string;
  hasLoaded(): boolean;
  /** loads the data into the context (may query the context itself) */
  load(): void;
}

interface LeveledLoader {
  level: number;
  matched: boolean;
  loader: DeferredLoader;
}

const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isAlnumOrDot = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46;

/**
 * Kyverno's deferred-loader matcher `(?:\A|\z|\s|[^.0-9A-Za-z])name\b`: the name not preceded by a dot or an
 * alphanumeric and not followed by a word character.
 */
export function mentionsName(query: string, name: string): boolean {
  if (name === '') return false;
  for (let i = query.indexOf(name); i >= 0; i = query.indexOf(name, i + 1)) {
    if (i > 0 && isAlnumOrDot(query.charCodeAt(i - 1))) continue;
    const end = i + name.length;
    const lastIsWord = isWordChar(name.charCodeAt(name.length - 1));
    if (end < query.length) {
      const next = query.charCodeAt(end);
      // \b after a word character needs a non-word character next
      if (lastIsWord && isWordChar(next)) continue;
      if (!lastIsWord && !isWordChar(next)) continue;
    } else if (!lastIsWord) continue;
    return true;
  }
  return false;
}

const ELEMENT_KEYS = ['element0', 'element1', 'element2', 'element3', 'element4'];
const ELEMENT_INDEX_KEYS = ['elementIndex0', 'elementIndex1', 'elementIndex2', 'elementIndex3', 'elementIndex4'];

export const DEFAULT_MAX_CONTEXT_SIZE = 2 * 1024 * 1024;

/**
 * Merges `src` into `dst` (Kyverno's mergeMaps): nested maps are merged unless overwriteMaps; other
 * values replace. Nested maps of `dst` that get merged into are copied first, so that checkpoints
 * (shallow copies) are never modified through shared references.
 */
function mergeMaps(src: JsonObject, dst: JsonObject, overwriteMaps: boolean): void {
  for (const k of Object.keys(src)) {
    const v = src[k] as JsonValue;
    if (isObject(v) && !overwriteMaps) {
      const d = dst[k];
      if (isObject(d)) {
        const copy: JsonObject = shallowCopy(d);
        mergeMaps(v, copy, overwriteMaps);
        dst[k] = copy;
      } else {
        dst[k] = v;
      }
    } else {
      dst[k] = v;
    }
  }
}

/**
 * A shallow copy that takes new keys cheaply. V8 gives an object literal spread (`{ ...o }`) a map outside
 * the transition tree, so every key added to the copy afterwards builds new maps: tens of µs per copy
 * (context copies get `element`, `elementIndex`, ... added for every foreach element).
 */
function shallowCopy(o: JsonObject): JsonObject {
  return Object.assign({}, o);
}

function push(data: JsonValue, tags: readonly string[]): JsonObject {
  let d: JsonValue = data;
  for (let i = tags.length - 1; i >= 0; i--) d = { [tags[i] as string]: d };
  return d as JsonObject;
}

export class JsonContext {
  private raw: JsonObject;
  /**
   * The top checkpoint is `raw` itself (copy on write): a checkpoint costs nothing until the context is
   * changed, and most rule scopes (no context entries, no foreach) never change it.
   */
  private shared = false;
  private checkpoints: JsonObject[] = [];
  private loaders: LeveledLoader[] = [];
  private loadingLevel = -1;
  private loadingIndex = -1;
  private operation: AdmissionOperation | '' = '';
  private contextSize = 0;

  constructor(
    private readonly jp: QueryEngine,
    raw: JsonObject = {},
    private readonly maxContextSize = DEFAULT_MAX_CONTEXT_SIZE,
    /**
     * The engine's compiled forms of policy parts (e.g. conditions), keyed by the policy object: kept by
     * the engine across requests, so a policy part is prepared once. Absent: prepared on every use.
     */
    readonly memo?: WeakMap<object, unknown>,
  ) {
    this.raw = raw;
  }

  /** The whole document (read-only use). */
  document(): JsonObject {
    return this.raw;
  }

  /** Evaluates a JMESPath query over the context, loading deferred entries it mentions first. */
  query(query: string): JsonValue {
    this.loadDeferred(query);
    const q = query.trim();
    if (q === '') throw new EngineError('INVALID_QUERY', 'invalid query (nil)');
    return this.jp.search(q, this.raw);
  }

  queryOperation(): string {
    if (this.operation) return this.operation;
    const req = this.raw['request'];
    if (isObject(req) && typeof req['operation'] === 'string') return req['operation'];
    return '';
  }

  addToContext(data: JsonValue, overwriteMaps: boolean, ...tags: string[]): void {
    mergeMaps(push(data, tags), this.own(), overwriteMaps);
  }

  private clearLeaf(...tags: string[]): void {
    // copy-on-write down the path so that checkpoints are unaffected
    let obj: JsonObject = this.own();
    for (let i = 0; i < tags.length; i++) {
      const k = tags[i] as string;
      if (i === tags.length - 1) {
        delete obj[k];
        return;
      }
      const next = obj[k];
      if (!isObject(next)) return;
      const copy = shallowCopy(next);
      obj[k] = copy;
      obj = copy;
    }
  }

  addRequest(request: JsonObject): void {
    this.addToContext(request, false, 'request');
    if (typeof request['operation'] === 'string') this.operation = request['operation'] as AdmissionOperation;
  }

  /** `a.b.c` dotted key (CSV-style: a quoted segment may contain dots). */
  addVariable(key: string, value: JsonValue): void {
    this.addToContext(value, false, ...splitDottedKey(key));
  }

  addContextEntry(name: string, data: JsonValue, size?: number): void {
    this.checkSize(size ?? 0);
    this.contextSize += size ?? 0;
    this.addToContext(data, false, name);
  }

  replaceContextEntry(name: string, data: JsonValue, size?: number): void {
    this.checkSize(size ?? 0);
    this.addToContext(null, false, name);
    this.contextSize += size ?? 0;
    this.addToContext(data, false, name);
  }

  private checkSize(additional: number): void {
    if (this.maxContextSize > 0 && this.contextSize + additional > this.maxContextSize) {
      throw new EngineError(
        'CONTEXT_SIZE_LIMIT',
        `context size limit exceeded: ${this.contextSize + additional} bytes exceeds limit of ${this.maxContextSize} bytes`,
      );
    }
  }

  addResource(data: JsonObject | null): void {
    this.clearLeaf('request', 'object');
    this.addToContext(data, false, 'request', 'object');
  }

  addOldResource(data: JsonObject | null): void {
    this.clearLeaf('request', 'oldObject');
    this.addToContext(data, false, 'request', 'oldObject');
  }

  setTargetResource(data: JsonObject): void {
    this.clearLeaf('target');
    this.addToContext(data, false, 'target');
  }

  addOperation(op: string): void {
    const req = this.raw['request'];
    if (isObject(req)) this.own()['request'] = { ...req, operation: op };
    else this.addToContext(op, false, 'request', 'operation');
    this.operation = op as AdmissionOperation;
  }

  /** Records the operation (already present in the request document). */
  setOperationOnly(op: string): void {
    this.operation = op as AdmissionOperation;
  }

  addNamespace(ns: string): void {
    this.addToContext(ns, false, 'request', 'namespace');
  }

  /** request.roles, request.clusterRoles, request.userInfo */
  addUserInfo(info: { roles?: string[] | null; clusterRoles?: string[] | null; userInfo?: JsonObject }): void {
    const data: JsonObject = {
      roles: (info.roles ?? null) as JsonValue,
      clusterRoles: (info.clusterRoles ?? null) as JsonValue,
      userInfo: info.userInfo ?? {},
    };
    this.addToContext(data, false, 'request');
  }

  /** serviceAccountName / serviceAccountNamespace from `system:serviceaccount:<ns>:<name>` (prefix not checked, as Kyverno). */
  addServiceAccount(userName: string): void {
    const prefixLen = 'system:serviceaccount:'.length;
    const sa = userName.length <= prefixLen ? '' : userName.slice(prefixLen);
    const groups = sa.split(':');
    let name = '';
    let ns = '';
    if (groups.length >= 2) {
      name = groups[1] as string;
      ns = groups[0] as string;
    }
    mergeMaps({ serviceAccountName: name, serviceAccountNamespace: ns }, this.own(), false);
  }

  addElement(data: JsonValue, index: number, nesting: number): void {
    // top-level keys, overwritten (checkpoints are shallow copies, so this never touches them)
    const raw = this.own();
    raw['element'] = data;
    raw['elementIndex'] = index;
    raw[ELEMENT_KEYS[nesting] ?? `element${nesting}`] = data;
    raw[ELEMENT_INDEX_KEYS[nesting] ?? `elementIndex${nesting}`] = index;
  }

  addDeferredLoader(loader: DeferredLoader): void {
    this.loaders.push({ level: this.checkpoints.length, matched: false, loader });
  }

  /** The top-level document, copied first when a checkpoint holds it (copy on write). */
  private own(): JsonObject {
    if (this.shared) {
      this.raw = shallowCopy(this.raw);
      this.shared = false;
    }
    return this.raw;
  }

  /** Saves the current state (shared with the document until either changes). */
  checkpoint(): void {
    this.checkpoints.push(this.raw);
    this.shared = true;
  }

  /** Returns to the last checkpoint and removes it. */
  restore(): void {
    this.reset(true);
  }

  /** Returns to the last checkpoint and keeps it. */
  resetToCheckpoint(): void {
    this.reset(false);
  }

  private reset(restore: boolean): void {
    const n = this.checkpoints.length - 1;
    if (n < 0) return;
    const cp = this.checkpoints[n] as JsonObject;
    if (restore) {
      this.checkpoints.length = n;
      this.raw = cp;
      // a checkpoint taken before this one, with no change in between, holds the same object
      this.shared = this.checkpoints.includes(cp);
    } else {
      this.raw = cp;
      this.shared = true;
    }
    this.resetLoaders(restore, this.checkpoints.length);
  }

  private resetLoaders(restore: boolean, level: number): void {
    for (const l of this.loaders) l.matched = false;
    for (let i = 0; i < this.loaders.length; i++) {
      const l = this.loaders[i] as LeveledLoader;
      if (l.level > level) {
        this.loaders.splice(i, 1);
        i--;
      } else if (l.loader.hasLoaded()) {
        if (restore || l.level < level) {
          try {
            this.loadData(l, i);
          } catch {
            // Kyverno logs and continues when a reload fails
          }
        }
        if (l.level === level) {
          this.loaders.splice(i, 1);
          i--;
        }
      } else if (!restore && l.level === level) {
        this.loaders.splice(i, 1);
        i--;
      }
    }
  }

  private loadDeferred(query: string): void {
    if (this.loaders.length === 0) return;
    const level = this.loadingLevel >= 0 ? this.loadingLevel : this.checkpoints.length;
    const index = this.loadingIndex >= 0 ? this.loadingIndex : this.loaders.length;
    for (;;) {
      const found = this.matchLoader(query, level, index);
      if (!found) return;
      this.loadData(found.l, found.i);
    }
  }

  private matchLoader(query: string, level: number, index: number): { l: LeveledLoader; i: number } | undefined {
    const end = Math.min(index, this.loaders.length);
    for (let i = 0; i < end; i++) {
      const l = this.loaders[i] as LeveledLoader;
      if (l.matched || l.loader.hasLoaded()) continue;
      if (l.level <= level && mentionsName(query, l.loader.name)) {
        l.matched = true;
        return { l, i };
      }
    }
    return undefined;
  }

  private loadData(l: LeveledLoader, index: number): void {
    const prevLevel = this.loadingLevel;
    const prevIndex = this.loadingIndex;
    this.loadingLevel = l.level;
    this.loadingIndex = index;
    try {
      l.loader.load();
    } finally {
      this.loadingLevel = prevLevel;
      this.loadingIndex = prevIndex;
    }
  }
}

/** Splits a dotted key like Go's csv reader with Comma='.' (double quotes group a segment). */
export function splitDottedKey(key: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < key.length; i++) {
    const c = key[i] as string;
    if (quoted) {
      if (c === '"') {
        if (key[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += c;
    } else if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (c === '.') {
      out.push(cur);
      cur = '';
      atStart = true;
    } else {
      cur += c;
      atStart = false;
    }
  }
  out.push(cur);
  return out;
}

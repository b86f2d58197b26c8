/**
 * The generate contexts of Kyverno's CLI (pkg/cel/libs fake_context.go and context.go with
 * `cliEvaluation`): what `GenerateResources(namespace, objects)` records.
 *
 * - `fakeGenerateSink` (no cluster declared): each object (or each item of a `...List` with `items`) gets
 *   the namespace (removed when it is empty) and is recorded as is.
 * - `cliClusterGenerateSink` (clusterResources declared): cluster-scoped kinds get no namespace (a
 *   namespaced policy may not generate them), owner references are dropped when the object moves to
 *   another namespace, and `uid`, `managedFields`, `annotations`, `resourceVersion`,
 *   `creationTimestamp` are cleared.
 */
import { deepCopy, isObject, type JsonObject } from '../api/json.ts';
import { CelGenerateError } from './errors.ts';
import type { GenerateSink } from './generating-policy.ts';

function meta(o: JsonObject): JsonObject {
  if (!isObject(o['metadata'])) o['metadata'] = {};
  return o['metadata'] as JsonObject;
}

function setNamespace(o: JsonObject, ns: string): void {
  const m = meta(o);
  if (ns === '') delete m['namespace'];
  else m['namespace'] = ns;
}

/** `Unstructured.IsList` + `ToList`: the items of a list object, or the object itself. */
function itemsOf(o: JsonObject): JsonObject[] {
  const items = o['items'];
  if (Array.isArray(items)) {
    return items.map((i) => {
      if (!isObject(i)) throw new CelGenerateError('GENERATE_DENIED', 'items member is not an object');
      return i;
    });
  }
  return [o];
}

abstract class BaseSink implements GenerateSink {
  protected out: JsonObject[] = [];
  generated(): JsonObject[] {
    return [...this.out];
  }
  clear(): void {
    this.out = [];
  }
  abstract generateResources(namespace: string, objects: JsonObject[]): void;
}

class FakeSink extends BaseSink {
  generateResources(namespace: string, objects: JsonObject[]): void {
    for (const data of objects) {
      const o = deepCopy(data);
      if (Array.isArray(o['items'])) {
        for (const item of itemsOf(o)) {
          setNamespace(item, namespace);
          this.out.push(item);
        }
      } else {
        setNamespace(o, namespace);
        this.out.push(o);
      }
    }
  }
}

class ClusterSink extends BaseSink {
  constructor(
    private readonly isNamespaced: (apiVersion: string, kind: string) => boolean,
    private readonly policyNamespace: string,
  ) {
    super();
  }
  generateResources(namespace: string, objects: JsonObject[]): void {
    for (const data of objects) {
      for (const item of itemsOf(deepCopy(data))) {
        const apiVersion = typeof item['apiVersion'] === 'string' ? item['apiVersion'] : '';
        const kind = typeof item['kind'] === 'string' ? item['kind'] : '';
        let target = namespace;
        if (!(apiVersion === '' || kind === '' || this.isNamespaced(apiVersion, kind))) {
          if (namespace !== '' && this.policyNamespace !== '') {
            throw new CelGenerateError('GENERATE_DENIED', `cross-scope generation denied: a policy scoped to namespace "${namespace}" cannot generate cluster-scoped resource ${apiVersion}/${kind}`);
          }
          target = '';
        }
        const m = meta(item);
        const src = typeof m['namespace'] === 'string' ? m['namespace'] : '';
        if (src !== '' && src !== target && m['ownerReferences'] !== undefined && m['ownerReferences'] !== null) delete m['ownerReferences'];
        delete m['uid'];
        delete m['managedFields'];
        delete m['annotations'];
        setNamespace(item, target);
        delete m['resourceVersion'];
        delete m['creationTimestamp'];
        this.out.push(item);
      }
    }
  }
}

/** The CLI's fake context provider sink. */
export function fakeGenerateSink(): GenerateSink {
  return new FakeSink();
}

/** The CLI's cluster context provider sink (`cliEvaluation`). */
export function cliClusterGenerateSink(isNamespaced: (apiVersion: string, kind: string) => boolean, policyNamespace: string): GenerateSink {
  return new ClusterSink(isNamespaced, policyNamespace);
}

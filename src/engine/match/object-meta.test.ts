/**
 * Metadata read like Kubernetes' unstructured accessors (expected values from apimachinery's
 * GetName/GetNamespace/GetKind/GetLabels/GetAnnotations on the same objects).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import { readObjectMeta } from './object-meta.ts';

export const META_CASES: Array<{ name: string; obj: JsonObject; want: Partial<ReturnType<typeof readObjectMeta>> }> = [
  {
    name: 'plain',
    obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels: { a: 'b' }, annotations: { x: 'y' } } },
    want: { kind: 'Pod', name: 'p', namespace: 'ns', labels: { a: 'b' }, annotations: { x: 'y' } },
  },
  { name: 'null label values become empty strings', obj: { kind: 'Pod', metadata: { labels: { a: null, b: 'x' } } }, want: { labels: { a: '', b: 'x' } } },
  { name: 'a number makes the whole map unreadable', obj: { kind: 'Pod', metadata: { labels: { a: 1, b: 'x' } } }, want: { labels: undefined } },
  { name: 'annotations holding a bool', obj: { kind: 'Pod', metadata: { annotations: { a: true } } }, want: { annotations: undefined } },
  { name: 'labels not a map', obj: { kind: 'Pod', metadata: { labels: ['a'] } }, want: { labels: undefined } },
  { name: 'labels null', obj: { kind: 'Pod', metadata: { labels: null } }, want: { labels: undefined } },
  { name: 'non-string name and namespace', obj: { kind: 'Pod', metadata: { name: 5, namespace: false } }, want: { name: '', namespace: '' } },
  { name: 'metadata not an object', obj: { kind: 'Pod', metadata: 'x' }, want: { name: '', labels: undefined } },
  { name: 'kind not a string', obj: { kind: 3 }, want: { kind: '' } },
  { name: 'generateName', obj: { kind: 'Pod', metadata: { generateName: 'web-' } }, want: { name: '', generateName: 'web-' } },
];

test('readObjectMeta', async (t) => {
  for (const c of META_CASES) {
    await t.test(c.name, () => {
      const got = readObjectMeta(c.obj);
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof typeof got], v, k);
    });
  }
});

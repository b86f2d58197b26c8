import { test } from 'node:test';
import assert from 'node:assert/strict';
import fjp from 'fast-json-patch';
import { deepEqual, type JsonObject, type JsonValue } from '../../api/json.ts';
import { createJsonPatch, type JsonPatchOperation } from './json-patch-diff.ts';
import { applyJson6902 } from './json6902.ts';

// Expected values: gomodules.xyz/jsonpatch/v2 v2.5.0 CreatePatch run by a Go program (map keys are
// visited in random order there, so operations are compared as sets).
const cases: Array<{ from: JsonValue; to: JsonValue; want: JsonPatchOperation[] }> = [
  {
    from: { a: [1, 2, 3] },
    to: { a: [1, 5], b: 'x' },
    want: [
      { op: 'remove', path: '/a/2' },
      { op: 'replace', path: '/a/1', value: 5 },
      { op: 'add', path: '/b', value: 'x' },
    ],
  },
  { from: { a: { b: 1, c: 2 } }, to: { a: { b: 1 } }, want: [{ op: 'remove', path: '/a/c' }] },
  { from: { a: null }, to: { a: { x: 1 } }, want: [{ op: 'replace', path: '/a', value: { x: 1 } }] },
  { from: { a: { x: 1 } }, to: { a: null }, want: [{ op: 'replace', path: '/a', value: null }] },
  { from: { a: 1 }, to: { a: '1' }, want: [{ op: 'replace', path: '/a', value: '1' }] },
  {
    from: { a: [] },
    to: { a: [{ n: 1 }, { n: 2 }] },
    want: [
      { op: 'add', path: '/a/0', value: { n: 1 } },
      { op: 'add', path: '/a/1', value: { n: 2 } },
    ],
  },
  {
    from: { 'a/b': 1, 'c~d': 2 },
    to: { 'a/b': 2 },
    want: [
      { op: 'replace', path: '/a~1b', value: 2 },
      { op: 'remove', path: '/c~0d' },
    ],
  },
  {
    from: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } },
    to: { spec: { containers: [{ name: 'b' }, { name: 'a', image: 'x' }] } },
    want: [
      { op: 'replace', path: '/spec/containers/0/name', value: 'b' },
      { op: 'remove', path: '/spec/containers/0/image' },
      { op: 'replace', path: '/spec/containers/1/name', value: 'a' },
      { op: 'add', path: '/spec/containers/1/image', value: 'x' },
    ],
  },
  { from: { a: 1 }, to: { a: 1 }, want: [] },
  { from: { a: [1, 2] }, to: { a: { '0': 1 } }, want: [{ op: 'replace', path: '/a', value: { '0': 1 } }] },
];

const asSet = (ops: JsonPatchOperation[]): string[] => ops.map((o) => JSON.stringify(o, Object.keys(o).sort())).sort();

test('createJsonPatch produces gomodules/jsonpatch operations', () => {
  for (const c of cases) assert.deepEqual(asSet(createJsonPatch(c.from, c.to)), asSet(c.want), JSON.stringify(c));
});

test('createJsonPatch orders operations deterministically (target keys, then removed keys)', () => {
  assert.deepEqual(createJsonPatch({ z: 1, a: 1 }, { b: 2, a: 2 }), [
    { op: 'add', path: '/b', value: 2 },
    { op: 'replace', path: '/a', value: 2 },
    { op: 'remove', path: '/z' },
  ]);
});

// Property: applying the diff of (from, to) to `from` gives exactly `to`, with Kyverno's JSON patch
// applier and with an independent RFC 6902 implementation.
test('diff then apply yields the target (property)', () => {
  let seed = 7;
  const rnd = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const keys = ['a', 'b', 'c', 'a/b', 'c~d', '', '0', '__proto__'];
  const gen = (depth: number): JsonValue => {
    const r = rnd();
    if (depth > 3 || r < 0.45) return pick<JsonValue>(['x', '', 0, 1.5, -2, true, false, null]);
    if (r < 0.75) {
      const o: JsonObject = {};
      const n = Math.floor(rnd() * 4);
      for (let i = 0; i < n; i++) Object.defineProperty(o, pick(keys), { value: gen(depth + 1), enumerable: true, writable: true, configurable: true });
      return o;
    }
    return Array.from({ length: Math.floor(rnd() * 4) }, () => gen(depth + 1));
  };
  const mutate = (v: JsonValue, depth: number): JsonValue => {
    if (rnd() < 0.2) return gen(depth);
    if (Array.isArray(v)) {
      const out = v.map((e) => mutate(e, depth + 1));
      if (rnd() < 0.3) out.splice(Math.floor(rnd() * (out.length + 1)), 0, gen(depth + 1));
      if (rnd() < 0.3 && out.length > 0) out.splice(Math.floor(rnd() * out.length), 1);
      return out;
    }
    if (v !== null && typeof v === 'object') {
      const out: JsonObject = {};
      for (const k of Object.keys(v)) {
        if (rnd() < 0.15) continue;
        Object.defineProperty(out, k, { value: mutate(v[k] as JsonValue, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      if (rnd() < 0.3) Object.defineProperty(out, pick(keys), { value: gen(depth + 1), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  for (let i = 0; i < 500; i++) {
    const from: JsonObject = { root: gen(0), list: [gen(1), gen(1)] };
    const to = mutate(from, 0) as JsonValue;
    if (to === null || typeof to !== 'object' || Array.isArray(to)) continue;
    const ops = createJsonPatch(from, to);
    const msg = JSON.stringify({ from, to, ops });
    // evanphx cannot step through an empty key in the middle of a path (`/a//b`); the apiserver can
    if (!ops.some((o) => /\/\/./.test(o.path) || o.path.startsWith('//'))) {
      assert.ok(deepEqual(applyJson6902(from, JSON.stringify(ops)), to), `evanphx semantics: ${msg}`);
    }
    // fast-json-patch assigns keys (an `add` of `__proto__` would change a prototype): skip those
    if (ops.some((o) => o.path.includes('__proto__'))) continue;
    // (copies through JSON text: keys such as __proto__ must stay own properties)
    const viaRfc = fjp.applyPatch(JSON.parse(JSON.stringify(from)), JSON.parse(JSON.stringify(ops)), true, false, false).newDocument;
    assert.ok(deepEqual(viaRfc, to), `RFC 6902: ${msg}`);
  }
});

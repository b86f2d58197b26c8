import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../../api/json.ts';
import { PatchError } from './patch-error.ts';
import { processStrategicMergePatch } from './strategic-merge.ts';
import { preprocessStrategicMergePatch, type ConditionMatcher } from './strategic-preprocessing.ts';

interface PreCase {
  name: string;
  resource: JsonValue;
  patch: JsonValue;
  /** the preprocessed patch */
  want?: JsonValue;
  /** the reason of a skipped (emptied) patch */
  skipped?: string;
}

// Scenarios of Kyverno's strategicPreprocessing_test.go and strategicMergePatch_test.go, re-expressed
// with smaller resources; expected patches as in those tests (and re-checked against Kyverno's
// PreProcessPattern run by a Go program).
const pod = (spec: JsonObject, metadata: JsonObject = { name: 'p' }): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });

const kyvernoScenarios: PreCase[] = [
  {
    name: 'add-if-not-present under a wildcard name condition, for every container and init container',
    resource: pod({ containers: [{ name: 'c1', image: 'ubuntu' }, { name: 'c2', image: 'ubuntu' }], initContainers: [{ name: 'i1', image: 'ubuntu' }] }),
    patch: { spec: { containers: [{ '(name)': '*', securityContext: { '+(privileged)': false, '+(capabilities)': { drop: ['NET_RAW'] } } }], initContainers: [{ '(name)': '*', securityContext: { '+(privileged)': false } }] } },
    want: { spec: { containers: [{ name: 'c1', securityContext: { privileged: false, capabilities: { drop: ['NET_RAW'] } } }, { name: 'c2', securityContext: { privileged: false, capabilities: { drop: ['NET_RAW'] } } }], initContainers: [{ name: 'i1', securityContext: { privileged: false } }] } },
  },
  {
    name: 'a global anchor that no volume satisfies drops the list; the annotation is still added',
    resource: pod({ volumes: [{ name: 'cache', emptyDir: {} }, { name: 'tok', secret: { secretName: 'tok' } }] }),
    patch: { metadata: { annotations: { '+(safe-to-evict)': 'true' } }, spec: { volumes: [{ '<(emptyDir)': {} }] } },
    want: { metadata: { annotations: { 'safe-to-evict': 'true' } } },
  },
  { name: 'a null stays in the patch', resource: pod({ containers: [{ name: 'a' }] }), patch: { metadata: null }, want: { metadata: null } },
  {
    name: 'a condition on the name copies the template with the resource name',
    resource: pod({ containers: [{ name: 'hello', image: 'busybox' }] }),
    patch: { spec: { containers: [{ '(name)': '*', image: 'busybox:latest' }], imagePullSecrets: [{ name: 'regcred' }] } },
    want: { spec: { containers: [{ name: 'hello', image: 'busybox:latest' }], imagePullSecrets: [{ name: 'regcred' }] } },
  },
  {
    name: 'condition-only keys disappear from the copy',
    resource: pod({ containers: [{ name: 'hello', image: 'gcr.io/busybox:latest' }] }),
    patch: { spec: { containers: [{ '(name)': '*', '(image)': 'gcr.io/busybox:*', added: 'yes' }] } },
    want: { spec: { containers: [{ name: 'hello', added: 'yes' }] } },
  },
  {
    name: 'a template with nothing but conditions adds nothing',
    resource: pod({ containers: [{ name: 'hello', image: 'gcr.io/busybox:latest' }, { name: 'other', image: 'nginx' }] }),
    patch: { spec: { containers: [{ '(image)': 'gcr.io/busybox:*' }], imagePullSecrets: [{ name: 'regcred' }] } },
    want: { spec: { imagePullSecrets: [{ name: 'regcred' }] } },
  },
  {
    name: 'global anchor satisfied by a volume: only the annotation and label remain',
    resource: pod({ containers: [{ name: 'nginx' }], volumes: [{ name: 'cache', hostPath: { path: '/data' } }] }),
    patch: { metadata: { annotations: { '+(safe-to-evict)': true }, labels: { '+(added)': 'add' } }, spec: { volumes: [{ '<(hostPath)': { path: '*' } }] } },
    want: { metadata: { annotations: { 'safe-to-evict': true }, labels: { added: 'add' } } },
  },
  {
    name: 'add-if-not-present of an existing key leaves an empty patch',
    resource: pod({ volumes: [{ name: 'cache', hostPath: { path: '/data' } }] }, { name: 'p', annotations: { 'safe-to-evict': 'false' } }),
    patch: { metadata: { annotations: { '+(safe-to-evict)': true } }, spec: { volumes: [{ '<(hostPath)': { path: '*' } }] } },
    want: {},
  },
  {
    name: 'several add-if-not-present keys that all exist',
    resource: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', annotations: { a: 'HTTPS', b: 'internal', c: 'test' } } },
    patch: { metadata: { annotations: { '+(a)': 'HTTP', '+(b)': 'x', '+(c)': 'alb' } } },
    want: {},
  },
  {
    name: 'nested add-if-not-present per container',
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'nginx', resources: { limits: { cpu: '50m' } } }] } } } },
    patch: { spec: { template: { spec: { containers: [{ '(name)': '*', resources: { limits: { '+(memory)': '300Mi', '+(cpu)': '100' } } }] } } } },
    want: { spec: { template: { spec: { containers: [{ name: 'nginx', resources: { limits: { memory: '300Mi' } } }] } } } },
  },
  {
    name: 'a condition on a list plus per-element conditions',
    resource: pod({ containers: [{ name: 'nginx', image: 'nginx:latest', command: ['ll'] }, { name: 'busybox', image: 'busybox:latest' }], volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }] }, { name: 'p', annotations: { a1: 'x' }, labels: { l1: 'y' } }),
    patch: { metadata: { annotations: { '+(a1)': 'new', '+(a2)': 'new' }, labels: { '+(l1)': 'new' } }, spec: { '(volumes)': [{ '(hostPath)': { path: '/var/run/docker.sock' } }], containers: [{ '(image)': '*:latest', command: ['ls'], imagePullPolicy: 'Always' }] } },
    want: { metadata: { annotations: { a2: 'new' } }, spec: { containers: [{ name: 'nginx', command: ['ls'], imagePullPolicy: 'Always' }, { name: 'busybox', command: ['ls'], imagePullPolicy: 'Always' }] } },
  },
  { name: 'a null value without anchors is kept', resource: pod({}, { name: 'p', annotations: { a: 'x' } }), patch: { metadata: { annotations: { a: null } } }, want: { metadata: { annotations: { a: null } } } },
  {
    name: 'a global anchor on a nested field of a list element',
    resource: pod({ volumes: [{ name: 'cache', hostPath: { path: '/data' } }] }),
    patch: { metadata: { annotations: { '+(safe)': true } }, spec: { volumes: [{ hostPath: { '<(path)': '*data' } }] } },
    want: { metadata: { annotations: { safe: true } } },
  },
  {
    name: 'plain fields next to templates (resource without apiVersion/kind)',
    resource: { spec: { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'main', image: 'busybox' }] } },
    patch: { spec: { securityContext: { runAsNonRoot: true }, initContainers: [{ '(name)': '*', securityContext: { runAsNonRoot: true } }], containers: [{ '(name)': '*', securityContext: { runAsNonRoot: true } }] } },
    want: { spec: { securityContext: { runAsNonRoot: true }, initContainers: [{ name: 'init', securityContext: { runAsNonRoot: true } }], containers: [{ name: 'main', securityContext: { runAsNonRoot: true } }] } },
  },
  {
    name: 'a one-character wildcard matches two of three containers',
    resource: { containers: [{ name: 'hello', image: 'busybox' }, { name: 'hello2', image: 'busybox' }, { name: 'hello3', image: 'nginx' }] },
    patch: { containers: [{ '(name)': 'hello?', image: 'busybox:1' }] },
    want: { containers: [{ name: 'hello2', image: 'busybox:1' }, { name: 'hello3', image: 'busybox:1' }] },
  },
  {
    name: 'a condition inside a condition, with add-if-not-present',
    resource: { spec: { template: { spec: { volumes: [{ emptyDir: {}, name: 'vol02' }] } } } },
    patch: { spec: { template: { spec: { volumes: [{ '(emptyDir)': { '+(sizeLimit)': '20Mi' }, name: '*' }] } } } },
    want: { spec: { template: { spec: { volumes: [{ emptyDir: { sizeLimit: '20Mi' }, name: 'vol02' }] } } } },
  },
  {
    name: 'a condition key missing from the resource skips the rule',
    resource: pod({ containers: [{ name: 'hello', image: 'busybox' }] }),
    patch: { metadata: { labels: { '(key1)': 'value1' } }, spec: { containers: [{ name: 'busybox', image: 'busybox' }] } },
    skipped: 'condition failed: could not found "key1" key in the resource',
  },
  {
    name: 'a global condition key missing from the resource skips the rule',
    resource: pod({ containers: [{ name: 'nginx', image: 'nginx' }] }),
    patch: { metadata: { annotations: { '+(safe-to-evict)': 'true' } }, spec: { volumes: [{ '<(emptyDir)': {} }] } },
    skipped: 'global condition failed: could not found "emptyDir" key in the resource',
  },
];

test('anchor preprocessing (Kyverno scenarios)', async (t) => {
  for (const c of kyvernoScenarios) {
    await t.test(c.name, () => {
      const r = preprocessStrategicMergePatch(c.patch, c.resource);
      if (c.skipped !== undefined) {
        assert.equal(r.skipped, true);
        assert.equal(r.reason, c.skipped);
        assert.deepEqual(r.patch, {});
      } else {
        assert.equal(r.skipped, false);
        assert.deepEqual(r.patch, c.want);
      }
    });
  }
});

interface FlowCase {
  name: string;
  resource: JsonObject;
  patch: JsonValue;
  want?: JsonValue;
  wantError?: string;
  panic?: boolean;
}

// Expected values: Kyverno v1.19's patch.ProcessStrategicMergePatch run by a Go program. These pin
// down the order-of-operations quirks of the preprocessing, which decide results.
const kyvernoQuirks: FlowCase[] = [
  { name: "two list templates and no copy: the second deletion is out of range (Go panics)", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"z","image":"x"}]}}, patch: {"spec":{"containers":[{"(name)":"a","image":"y"},{"(name)":"b","image":"z"}]}}, wantError: "runtime error: slice bounds out of range [2:1]", panic: true },
  { name: "two list templates: the second deletion removes the wrong element", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"}]}}, patch: {"spec":{"containers":[{"(name)":"a","image":"y"},{"(name)":"b","image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[]}} },
  { name: "two list templates, two copies: a copy is deleted instead of the template", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"x"}]}}, patch: {"spec":{"containers":[{"(name)":"a","image":"y"},{"(name)":"b","image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"z","name":"b"}]}} },
  { name: "renamed add-if-not-present key collides with a plain key (keys sorted: +(env) first)", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x"}]}}, patch: {"spec":{"containers":[{"(name)":"c","env":[{"(name)":"V*","value":"new"}],"+(env)":[{"name":"VZ","value":"9"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"env":[{"name":"VZ","value":"9"}],"image":"x","name":"c"}]}} },
  { name: "a scalar value written like an anchor makes the element a template", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"}]}}, patch: {"spec":{"containers":[{"name":"a","args":["(x)"]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"x","name":"a"}]}} },
  { name: "other anchors are literal keys", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"1"}}}, patch: {"metadata":{"labels":{"=(a)":"2","X(b)":"3","^(c)":"4"}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"=(a)":"2","X(b)":"3","^(c)":"4","a":"1"},"name":"p"}} },
  { name: "add-if-not-present inside a condition value skips the condition", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"1"}}}, patch: {"metadata":{"(labels)":{"+(b)":"2","a":"nomatch"},"annotations":{"x":"y"}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"x":"y"},"labels":{"a":"nomatch","b":"2"},"name":"p"}} },
  { name: "add-if-not-present with a null resource value keeps the value", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":null}}}, patch: {"metadata":{"labels":{"+(a)":"2","+(b)":"3"}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"a":null,"b":"3"},"name":"p"}} },
  { name: "global anchor in a list: one passing element is enough", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"nginx"},{"name":"b","image":"redis"}]}}, patch: {"metadata":{"labels":{"x":"y"}},"spec":{"containers":[{"<(image)":"redis"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"x":"y"},"name":"p"},"spec":{"containers":[{"image":"nginx","name":"a"},{"image":"redis","name":"b"}]}} },
  { name: "global anchor in a list: no passing element skips the rule", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"nginx"}]}}, patch: {"metadata":{"labels":{"x":"y"}},"spec":{"containers":[{"<(image)":"redis"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"nginx","name":"a"}]}} },
  { name: "condition on a missing list is evaluated against nothing", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}, patch: {"metadata":{"labels":{"x":"y"}},"spec":{"containers":[{"(name)":"*","image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"x":"y"},"name":"p"},"spec":{}} },
  { name: "global anchor on a missing list skips the rule", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}, patch: {"metadata":{"labels":{"x":"y"}},"spec":{"containers":[{"<(name)":"*","image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}} },
  { name: "resource elements without a name get no copy", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"tolerations":[{"key":"a"},{"key":"b"}]}}, patch: {"spec":{"tolerations":[{"(key)":"a","effect":"NoSchedule"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"tolerations":[{"key":"a"},{"key":"b"}]}} },
  { name: "a template list against a map in the resource is an error", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":{"a":1}}}, patch: {"spec":{"containers":[{"(name)":"a","image":"y"}]}}, wantError: "failed to preProcess rule: wrong node kind: expected SequenceNode but got MappingNode: node contents:\n{\"a\": 1}\n" },
  { name: "conditions in a map fail the whole patch", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"web"}}}, patch: {"metadata":{"labels":{"(app)":"db","x":"y"}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"app":"web"},"name":"p"}} },
  { name: "a condition value must match as a whole (extra fields included)", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsUser":1}}}, patch: {"spec":{"(securityContext)":{"(runAsUser)":"1","runAsGroup":2}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsUser":1}}} },
];

test('anchor preprocessing + merge (Kyverno behaviour, quirks included)', async (t) => {
  for (const c of kyvernoQuirks) {
    await t.test(c.name, () => {
      const run = (): JsonValue => processStrategicMergePatch(c.resource, c.patch).resource;
      if (c.wantError === undefined) {
        assert.deepEqual(run(), c.want);
        return;
      }
      assert.throws(run, (err: unknown) => {
        assert.ok(err instanceof PatchError);
        assert.equal(err.message, c.wantError);
        assert.equal(err.reason === 'PANIC', c.panic === true);
        return true;
      });
    });
  }
});

// Reasons: Kyverno's ConditionError / GlobalConditionError around validate.MatchPattern's error (Go).
test('a failed condition is reported as skipped and leaves the resource as it was', () => {
  const resource: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web' } } };
  const r = processStrategicMergePatch(resource, { metadata: { labels: { '(app)': 'db', team: 'x' } } });
  assert.equal(r.skipped, true);
  assert.equal(r.reason, "condition failed: resource value 'web' does not match 'db' at path /");
  assert.deepEqual(r.resource, resource);
  const g = processStrategicMergePatch(resource, { metadata: { labels: { '<(app)': 'db', team: 'x' } } });
  assert.equal(g.skipped, true);
  assert.equal(g.reason, "global condition failed: resource value 'web' does not match 'db' at path /");
});

test('a custom condition matcher can be passed', () => {
  const resource: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web' } } };
  const never: ConditionMatcher = () => 'no';
  const r = processStrategicMergePatch(resource, { metadata: { labels: { '(app)': 'web', team: 'x' } } }, never);
  assert.deepEqual({ skipped: r.skipped, reason: r.reason }, { skipped: true, reason: 'condition failed: no' });
});

test('the matcher receives scalars as text and maps as JSON', () => {
  const seen: Array<[JsonValue, JsonValue]> = [];
  const spy: ConditionMatcher = (r, p) => {
    seen.push([r, p]);
    return undefined;
  };
  preprocessStrategicMergePatch(
    { spec: { '(replicas)': 3, '(selector)': { matchLabels: { app: 1 } }, '(paused)': null } },
    { spec: { replicas: 3, selector: { matchLabels: { app: 1 } }, paused: false } },
    spy,
  );
  assert.deepEqual(seen, [
    ['false', 'null'],
    ['3', '3'],
    [{ matchLabels: { app: 1 } }, { matchLabels: { app: 1 } }],
  ]);
});

// Property: patches whose add-if-not-present anchors sit in maps (not in list elements: there every
// resource element gets its own copy) are idempotent. Checked against Kyverno (Go) for this generator.
test('add-if-not-present patches in maps are idempotent (property)', () => {
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const chance = (p: number): boolean => rnd() < p;
  const names = ['a', 'b', 'c'];
  const val = (): JsonValue => pick(['x', 'y', '1', 2, true, false]);
  for (let i = 0; i < 300; i++) {
    const labels: JsonObject = {};
    for (const k of ['l1', 'l2', 'l3']) if (chance(0.4)) labels[k] = val();
    const containers = names.filter(() => chance(0.5)).map((n) => {
      const c: JsonObject = { name: n };
      if (chance(0.5)) c['image'] = pick(['nginx', 'redis']);
      if (chance(0.3)) c['env'] = [{ name: pick(['A', 'B']), value: val() }];
      return c;
    });
    const spec: JsonObject = { containers };
    if (chance(0.3)) spec['securityContext'] = { runAsUser: 1 };
    if (chance(0.3)) spec['dnsConfig'] = { options: [{ name: 'x' }] };
    const resource: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels }, spec };

    const patchLabels: JsonObject = {};
    for (const k of ['l1', 'l2', 'l4']) if (chance(0.5)) patchLabels[chance(0.7) ? `+(${k})` : k] = val();
    const patchMeta: JsonObject = { labels: patchLabels };
    if (chance(0.3)) patchMeta['+(annotations)'] = { note: val() };
    const patchSpec: JsonObject = {};
    if (chance(0.8)) {
      patchSpec['containers'] = names
        .filter(() => chance(0.4))
        .map((n) => {
          const c: JsonObject = { name: n };
          if (chance(0.5)) c['image'] = 'busybox';
          if (chance(0.2)) c['env'] = [{ name: 'A', value: 'p' }];
          return c;
        });
    }
    if (chance(0.5)) patchSpec['+(securityContext)'] = { runAsNonRoot: true };
    if (chance(0.5)) patchSpec['dnsConfig'] = { '+(options)': [{ name: 'ndots', value: '2' }], '+(nameservers)': ['1.1.1.1'] };
    const patch: JsonObject = { metadata: patchMeta, spec: patchSpec };

    const once = processStrategicMergePatch(resource, patch).resource;
    const twice = processStrategicMergePatch(once, patch).resource;
    assert.deepEqual(twice, once, JSON.stringify({ resource, patch }));
  }
});

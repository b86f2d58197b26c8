/**
 * The runtime cost limit: runaway expressions are stopped with Kubernetes' error
 * (`operation cancelled: actual cost limit exceeded`), errors swallowed by `exists` / `||` cannot
 * hide it, limits are configurable and can be shared across evaluations (a per-policy budget), and
 * the actual cost matches cel-go's for typical expressions (values measured with cel-go 0.30).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../api/json.ts';
import { createCelEnvironment, type CompiledCel } from './environment.ts';
import { CelEvalError, isCelCompileError } from './errors.ts';
import { COST_LIMIT_MESSAGE, CostTracker, PER_CALL_LIMIT } from './cost.ts';
import { jsonToCel } from './values.ts';

const env = createCelEnvironment({ variables: { object: 'dyn' } });

function compile(e: string, environment = env): CompiledCel {
  const c = environment.compile(e, { path: 'spec.validations[0].expression' });
  if (isCelCompileError(c)) throw new Error(c.message);
  return c;
}

const isCostError = (e: unknown): boolean =>
  e instanceof CelEvalError && e.code === 'CEL_COST_LIMIT' && e.message === COST_LIMIT_MESSAGE && e.path === 'spec.validations[0].expression';

test('the default limit is the API server per-call limit', () => {
  assert.equal(PER_CALL_LIMIT, 1_000_000);
  assert.equal(COST_LIMIT_MESSAGE, 'operation cancelled: actual cost limit exceeded');
});

test('a runaway nested comprehension is stopped by the cost limit', () => {
  const c = compile('lists.range(1000).all(i, lists.range(1000).all(j, i >= 0))');
  const started = Date.now();
  assert.throws(() => c.evaluate({ object: null }), isCostError);
  // stopped after about a million steps, not after the full billion-element walk
  assert.ok(Date.now() - started < 30_000);
});

test('a runaway over the resource itself (120 containers, three nested loops) is stopped', () => {
  const containers = Array.from({ length: 120 }, (_, i) => ({ name: `c${i}` }));
  const object = jsonToCel({ spec: { containers } } as JsonObject);
  const c = compile(
    'object.spec.containers.all(a, object.spec.containers.all(b, object.spec.containers.all(c, a.name != "" && b.name != "" && c.name != "")))',
  );
  assert.throws(() => c.evaluate({ object }), isCostError);
  // with 5 containers the same expression costs what cel-go charges (1339) and succeeds
  const small = jsonToCel({ spec: { containers: containers.slice(0, 5) } } as JsonObject);
  const r = c.evaluateWithCost({ object: small }) as { value: unknown; cost: number };
  assert.deepStrictEqual(r, { value: true, cost: 1339 });
});

test('macros that absorb errors cannot hide an exceeded limit', () => {
  const c = compile('[1].exists(x, lists.range(1000).all(i, lists.range(1000).all(j, true))) || true');
  assert.throws(() => c.evaluate({ object: null }), isCostError);
});

test('long but bounded work stays under the limit with cel-go\'s cost', () => {
  const r = compile('lists.range(100000).map(i, "xxxxxxxxxx").size()').evaluateWithCost({ object: null }) as { value: unknown; cost: number };
  assert.deepStrictEqual(r, { value: 100000n, cost: 300013 });
});

test('json.encode always exceeds the limit, as in Kubernetes (cel-go charges it the maximum cost)', () => {
  assert.throws(() => compile('json.encode({"a": 1})').evaluate({ object: null }), (e: unknown) => e instanceof CelEvalError && e.code === 'CEL_COST_LIMIT');
});

test('a typical pod validation costs what cel-go charges', () => {
  const containers = Array.from({ length: 5 }, (_, i) => ({
    name: `c${i}`,
    image: `registry.io/app${i}:v1.${i}`,
    securityContext: { privileged: false, runAsNonRoot: true },
  }));
  const object = jsonToCel({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } } as JsonObject);
  const c = compile(
    'object.spec.containers.all(c, has(c.securityContext) && c.securityContext.?privileged.orValue(false) == false && c.image.startsWith("registry.io/") && !c.image.endsWith(":latest"))',
  );
  assert.deepStrictEqual(c.evaluateWithCost({ object }), { value: true, cost: 89 });
});

test('the limit is configurable per environment and per evaluation', () => {
  const tight = createCelEnvironment({ variables: { object: 'dyn' }, costLimit: 10 });
  const c = compile('[1, 2, 3].all(x, x > 0)', tight); // costs 16
  assert.throws(() => c.evaluate({ object: null }), (e: unknown) => e instanceof CelEvalError && e.code === 'CEL_COST_LIMIT');
  assert.equal(c.evaluate({ object: null }, { costLimit: 16 }), true);
  assert.throws(() => c.evaluate({ object: null }, { costLimit: 15 }), (e: unknown) => e instanceof CelEvalError && e.code === 'CEL_COST_LIMIT');
});

test('a shared tracker accumulates cost across evaluations (a per-policy budget)', () => {
  const c = compile('[1, 2, 3].all(x, x > 0)'); // costs 16
  const budget = new CostTracker(40);
  assert.equal(c.evaluate({ object: null }, { tracker: budget }), true);
  assert.equal(c.evaluate({ object: null }, { tracker: budget }), true);
  assert.equal(budget.cost, 32);
  assert.throws(() => c.evaluate({ object: null }, { tracker: budget }), (e: unknown) => e instanceof CelEvalError && e.code === 'CEL_COST_LIMIT');
});

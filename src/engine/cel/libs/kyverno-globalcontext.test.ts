/**
 * Kyverno's globalcontext library: `globalContext.Get(name[, projection])` through a port, results as
 * unstructured values (ints int64), `failed to get global reference: ...` on errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { CelEvalError, isCelCompileError } from '../errors.ts';
import { GlobalContextValue } from './kyverno-globalcontext.ts';

const env = createCelEnvironment({ variables: { globalContext: 'globalcontext.Context' } });
const gctx = new GlobalContextValue({
  getGlobalReference(name, projection) {
    if (name === 'missing') throw new Error('global context entry not found: missing');
    return projection === '' ? { items: [{ replicas: 3 }] } : [name, projection];
  },
});

async function run(expr: string): Promise<unknown> {
  const c = env.compile(expr);
  if (isCelCompileError(c)) throw new Error(c.message);
  return c.evaluateAsync({ globalContext: gctx });
}

test('Get without projection', async () => {
  assert.equal(await run('globalContext.Get("deployments").items[0].replicas'), 3n);
});

test('Get with projection (camelCase get)', async () => {
  assert.deepStrictEqual(await run('globalContext.get("deployments", "names")'), ['deployments', 'names']);
});

test('errors are wrapped like Kyverno', async () => {
  await assert.rejects(run('globalContext.Get("missing")'), (e: unknown) =>
    e instanceof CelEvalError && e.message === 'failed to get global reference: global context entry not found: missing',
  );
});

/**
 * Port-backed Kyverno functions: `time.now()` reads the Clock port; `random()` / `random(pattern)`
 * draw from the RandomSource port (goregen semantics, shared with the JMESPath `random`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { CelEvalError, isCelCompileError } from '../errors.ts';

function seq(values: number[]): { next(): number } {
  let i = 0;
  return { next: () => values[i++ % values.length]! };
}

const env = createCelEnvironment({
  ports: { clock: { now: () => new Date('2024-06-15T10:20:30Z') }, random: seq([0.1, 0.5, 0.9, 0.3]) },
});

function run(expr: string, e = env): unknown {
  const c = e.compile(expr);
  if (isCelCompileError(c)) throw new Error(c.message);
  return c.evaluate({});
}

test('time.now() comes from the clock port', () => {
  assert.equal(run('string(time.now())'), '2024-06-15T10:20:30Z');
  assert.equal(run('time.toCron(time.now())'), '20 10 15 6 6');
  assert.equal(run('time.now() > timestamp("2024-01-01T00:00:00Z")'), true);
});

test('time.now() without a clock is an evaluation error', () => {
  assert.throws(() => run('time.now()', createCelEnvironment()), (e: unknown) => e instanceof CelEvalError);
});

test('random() gives 8 characters of [0-9a-z]; random(pattern) matches the pattern', () => {
  assert.match(run('random()') as string, /^[0-9a-z]{8}$/);
  assert.match(run('random("[A-F]{4}-[0-9]{2}")') as string, /^[A-F]{4}-[0-9]{2}$/);
  assert.match(run('random.random("x[ab]")') as string, /^x[ab]$/);
});

test('random is not constant-folded: each call draws again', () => {
  const env2 = createCelEnvironment({ ports: { random: seq([0.0, 0.99]) } });
  assert.notEqual(run('random("[a-z]")', env2), run('random("[a-z]")', env2));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemRandom } from './system.ts';

test('systemRandom draws uniform floats in [0, 1) (random() in policies)', () => {
  const draws = Array.from({ length: 2000 }, () => systemRandom.next());
  for (const x of draws) assert.ok(x >= 0 && x < 1, String(x));
  assert.ok(new Set(draws).size > 1990, 'draws differ');
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  assert.ok(mean > 0.4 && mean < 0.6, `mean ${mean}`);
});

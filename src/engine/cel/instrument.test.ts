/**
 * Pins the cel-js 8 internals `instrument.ts` relies on, so that an upgrade that changes them fails
 * here with a precise message rather than as wrong costs elsewhere: the node shape after
 * `parse().check()` (`op`, `args`, `meta.evaluate`, `handle`, `left`/`right`, `receiverWithArgs`),
 * macros expanded to a `comprehension` node in `meta.alternate` with `step`/`iterable`, `has()` as a
 * macro with `macroHasProps`, and that replacing a node's `evaluate` changes what it evaluates to.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment } from '@marcbachmann/cel-js';
import type { CelJsNode } from './instrument.ts';

const env = new Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true });

function checked(expr: string): CelJsNode {
  const parsed = env.parse(expr);
  parsed.check();
  return parsed.ast as unknown as CelJsNode;
}

test('instrument: binary operators have left, right and handle after check', () => {
  const n = checked('x + 1');
  assert.equal(n.op, '+');
  assert.equal(typeof n.handle, 'function');
  assert.equal(n.left?.op, 'id');
  assert.equal(n.right?.op, 'value');
  assert.equal(n.right?.args, 1n);
  assert.equal(typeof n.meta.evaluate, 'function');
});

test('instrument: member calls carry receiverWithArgs, global calls [name, args]', () => {
  const m = checked('x.startsWith("a")');
  assert.equal(m.op, 'rcall');
  const a = m.args as unknown[];
  assert.equal(a[0], 'startsWith');
  assert.equal((a[1] as CelJsNode).op, 'id');
  assert.deepEqual(m.receiverWithArgs?.map((c) => c.op), ['id', 'value']);
  assert.equal(typeof m.handle, 'function');
  const g = checked('size(x)');
  assert.equal(g.op, 'call');
  assert.equal((g.args as unknown[])[0], 'size');
  assert.equal(((g.args as unknown[])[1] as CelJsNode[]).length, 1);
});

test('instrument: selections and indexing are [operand, key] nodes', () => {
  const s = checked('x.a[0]');
  assert.equal(s.op, '[]');
  const [operand, key] = s.args as CelJsNode[];
  assert.equal(operand!.op, '.');
  assert.deepEqual((operand!.args as unknown[])[1], 'a');
  assert.equal(key!.op, 'value');
  const o = checked('x.?a');
  assert.equal(o.op, '.?');
});

test('instrument: comprehension macros expand into meta.alternate', () => {
  const n = checked('x.all(e, e > 0)');
  assert.equal(n.op, 'rcall');
  const alt = n.meta.alternate;
  assert.ok(alt, 'all() has an alternate');
  assert.equal(alt.op, 'comprehension');
  const c = alt.args as Record<string, CelJsNode>;
  assert.ok(c.iterable && c.step, 'comprehension has iterable and step');
  const m = checked('x.map(e, e + 1)').meta.alternate!;
  assert.equal((m.args as Record<string, CelJsNode>).step!.op, 'accuPush');
});

test('instrument: has() is a macro with macroHasProps', () => {
  const n = checked('has(x.a.b)');
  assert.equal(n.op, 'call');
  const macro = n.meta.macro;
  assert.ok(macro, 'has() has a macro object');
  assert.equal(typeof macro.evaluate, 'function');
  assert.ok(Array.isArray(macro.macroHasProps));
});

test('instrument: ternaries are [cond, then, else]', () => {
  const n = checked('x ? 1 : 2');
  assert.equal(n.op, '?:');
  assert.deepEqual((n.args as CelJsNode[]).map((c) => c.op), ['id', 'value', 'value']);
});

test('instrument: replacing a node evaluate takes effect in the parsed program', () => {
  const parsed = env.parse('x + 1');
  parsed.check();
  const root = parsed.ast as unknown as CelJsNode;
  root.right!.evaluate = () => 41n;
  assert.equal(parsed({ x: 1n }), 42n);
});

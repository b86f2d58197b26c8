import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONDITION_OPERATORS,
  deprecatedOperatorAlternatives,
  evaluateOperator,
  isDeprecatedOperator,
  isDurationOperator,
  isKnownOperator,
  isValidOperatorName,
  OperatorPanicError,
  UnknownOperatorError,
} from './index.ts';

test('operator names are matched case-insensitively, with legacy aliases', () => {
  // Expected values: Kyverno CreateOperatorHandler + Evaluate on the same inputs.
  const cases: [string, unknown, unknown, boolean][] = [
    ['Equals', 'a', 'a', true],
    ['Equal', 'a', 'a', true],
    ['equals', 'a', 'a', true],
    ['EQUALS', '1', '2', false],
    ['NotEqual', 'a', 'b', true],
    ['notequals', 'a', 'a', false],
    ['anyin', 'a', ['a'], true],
    ['ALLNOTIN', 'a', ['b'], true],
    // numeric/duration handlers compare with the exact spelling: a differently-cased name is always false
    ['GreaterThan', 2, 1, true],
    ['greaterthan', 2, 1, false],
    ['GREATERTHAN', 2, 1, false],
    ['durationgreaterthan', '2h', '1h', false],
    ['DurationGreaterThan', '2h', '1h', true],
  ];
  for (const [op, key, value, want] of cases) {
    assert.equal(evaluateOperator(op, key as never, value as never), want, `${op}(${JSON.stringify(key)}, ${JSON.stringify(value)})`);
  }
});

test('unknown operators throw UnknownOperatorError', () => {
  for (const op of ['Foo', '', 'Contains', 'Equals ']) {
    assert.throws(
      () => evaluateOperator(op, 'a', 'a'),
      (e: unknown) => e instanceof UnknownOperatorError && e.code === 'UNKNOWN_OPERATOR' && e.operator === op,
    );
    assert.equal(isKnownOperator(op), false);
  }
  assert.equal(isKnownOperator('anynotin'), true);
  assert.equal(isKnownOperator('GreaterThan'), true);
});

test('In/NotIn with a non-string list key reproduce the Go panic as OperatorPanicError', () => {
  // Go: interface conversion: interface {} is float64, not string
  assert.throws(
    () => evaluateOperator('In', [1], ['a']),
    (e: unknown) => e instanceof OperatorPanicError && e.code === 'OPERATOR_PANIC' && e.message === 'interface conversion: interface {} is float64, not string',
  );
  assert.throws(() => evaluateOperator('NotIn', ['a', null], ['a']), /interface \{\} is nil, not string/);
  assert.throws(() => evaluateOperator('in', [{ a: 1 }], ['a']), /is map\[string\]interface \{\}, not string/);
  assert.throws(() => evaluateOperator('In', [true], 'x'), /is bool, not string/);
});

test('known and deprecated operators (exact spelling, as Kyverno policy validation checks them)', () => {
  assert.equal(CONDITION_OPERATORS.length, 18);
  for (const op of CONDITION_OPERATORS) assert.ok(isValidOperatorName(op) && isKnownOperator(op), op);
  assert.equal(isValidOperatorName('equals'), false);
  assert.equal(isValidOperatorName('Contains'), false);
  assert.equal(isDeprecatedOperator('In'), true);
  assert.equal(isDeprecatedOperator('NotIn'), true);
  assert.equal(isDeprecatedOperator('AnyIn'), false);
  assert.equal(isDeprecatedOperator('in'), false);
  assert.deepEqual(deprecatedOperatorAlternatives('In'), ['AllIn', 'AnyIn']);
  assert.deepEqual(deprecatedOperatorAlternatives('NotIn'), ['AllNotIn', 'AnyNotIn']);
  assert.deepEqual(deprecatedOperatorAlternatives('Equals'), []);
  assert.equal(isDurationOperator('durationLessThan'), true);
  assert.equal(isDurationOperator('LessThan'), false);
});

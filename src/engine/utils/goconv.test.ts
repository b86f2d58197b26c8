import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitsInt64,
  goFloat64ToInt64,
  goParseFloat,
  goParseInt,
  goParseUint,
  goQuote,
  goStringCompare,
  goTrimSpace,
  utf8Length,
  wrapInt64,
} from './goconv.ts';
import { goSprintFloat } from './gofmt.ts';

// Expected values: a Go program printing fmt.Sprint(strconv.ParseFloat(in, 64)) or the error.
const PARSE_FLOAT: [string, string | undefined][] = [
  ["1_000", "1000"],
  ["0x1p3", "8"],
  ["0x_1p3", "8"],
  ["1e400", undefined],
  ["1e-400", "0"],
  ["inf", "+Inf"],
  ["+Inf", "+Inf"],
  ["-infinity", "-Inf"],
  ["infin", undefined],
  ["nan", "NaN"],
  ["+nan", undefined],
  ["NaN", "NaN"],
  [".", undefined],
  ["1.", "1"],
  [".5", "0.5"],
  ["1e", undefined],
  ["1e+", undefined],
  ["0x10", undefined],
  ["1e5", "100000"],
  [" 1", undefined],
  ["1_0.5", "10.5"],
  ["0b101", undefined],
  ["0o7", undefined],
  ["00012", "12"],
  ["-0", "-0"],
  ["4.9e-324", "5e-324"],
  ["2e-324", "0"],
  ["0x1.8p1", "3"],
  ["1__0", undefined],
  ["_1", undefined],
  ["1_", undefined],
  ["1_.5", undefined],
  ["1e1_0", "1e+10"],
  ["1e_10", undefined],
  ["0x1p-2", "0.25"],
  ["0X1P+2", "4"],
  ["1.5E3", "1500"],
  ["+.5", "0.5"],
  ["-.5e-3", "-0.0005"],
  ["1.2.3", undefined],
  ["1e3.5", undefined],
  ["infinity", "+Inf"],
  ["INF", "+Inf"],
  ["Infinity ", undefined],
  ["١", undefined],
];

test('goParseFloat matches strconv.ParseFloat', () => {
  for (const [input, want] of PARSE_FLOAT) {
    const got = goParseFloat(input);
    assert.equal(got === undefined ? undefined : goSprintFloat(got), want, input);
  }
});

test('goParseInt / goParseUint match strconv (base 10, 64 bits)', () => {
  const ints: [string, bigint | undefined][] = [
    ['12', 12n],
    ['-12', -12n],
    ['+12', 12n],
    ['007', 7n],
    ['9223372036854775807', 9223372036854775807n],
    ['9223372036854775808', undefined],
    ['-9223372036854775808', -9223372036854775808n],
    ['1.0', undefined],
    ['1_000', undefined],
    ['', undefined],
    [' 1', undefined],
    ['1e3', undefined],
  ];
  for (const [s, want] of ints) assert.equal(goParseInt(s), want, s);
  assert.equal(goParseUint('18446744073709551615'), 18446744073709551615n);
  assert.equal(goParseUint('18446744073709551616'), undefined);
  assert.equal(goParseUint('-1'), undefined);
  assert.equal(goParseUint('+1'), undefined);
});

test('int64 helpers', () => {
  assert.equal(goFloat64ToInt64(-1.9), -1n);
  assert.equal(goFloat64ToInt64(9.3e18), -(2n ** 63n));
  assert.equal(goFloat64ToInt64(-9223372036854775808), -(2n ** 63n));
  assert.equal(wrapInt64(2n ** 63n), -(2n ** 63n));
  assert.ok(fitsInt64(2n ** 63n - 1n));
  assert.ok(!fitsInt64(2n ** 63n));
});

test('goQuote matches strconv.Quote', () => {
  assert.equal(goQuote('abc'), '"abc"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('\n\t\x00\x7f'), '"\\n\\t\\x00\\x7f"');
  assert.equal(goQuote('é'), '"é"');
  assert.equal(goQuote('\u00a0'), '"\\u00a0"');
});

test('goStringCompare orders by code point like Go', () => {
  assert.ok(goStringCompare('a', 'b') < 0);
  assert.ok(goStringCompare('B', 'a') < 0);
  assert.ok(goStringCompare('ab', 'a') > 0);
  assert.equal(goStringCompare('x', 'x'), 0);
  // U+FFFD sorts before U+1F600 in UTF-8 byte order (JS code units would say the opposite)
  assert.ok(goStringCompare('\uFFFD', '\u{1F600}') < 0);
});

test('goTrimSpace and utf8Length', () => {
  assert.equal(goTrimSpace(' \t a b \n\u00a0'), 'a b');
  assert.equal(goTrimSpace('\uFEFFx'), '\uFEFFx');
  assert.equal(utf8Length('aé€\u{1F600}'), 1 + 2 + 3 + 4);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromGoBytes, sanitizeGoString, toGoBytes, truncateGoBytes } from './go-bytes.ts';

// UTF-8 byte strings (one char per byte), as Go's []byte(s).
const encodings: Array<[string, number[]]> = [
  ['abc', [0x61, 0x62, 0x63]],
  ['é', [0xc3, 0xa9]],
  ['€', [0xe2, 0x82, 0xac]],
  ['😀', [0xf0, 0x9f, 0x98, 0x80]],
  ['\udce9', [0xe9]], // an escaped invalid byte gives the byte back
];
for (const [s, bytes] of encodings) {
  test(`toGoBytes ${JSON.stringify(s)}`, () => {
    assert.deepEqual([...toGoBytes(s)].map((c) => c.charCodeAt(0)), bytes);
    assert.equal(fromGoBytes(String.fromCharCode(...bytes)), s);
  });
}

test('fromGoBytes escapes invalid sequences byte by byte (Go utf8.DecodeRune rules)', () => {
  const b = (...xs: number[]): string => String.fromCharCode(...xs);
  assert.equal(fromGoBytes(b(0xe2, 0x82)), '\udce2\udc82'); // truncated sequence
  assert.equal(fromGoBytes(b(0xc0, 0xaf)), '\udcc0\udcaf'); // overlong
  assert.equal(fromGoBytes(b(0xed, 0xa0, 0x80)), '\udced\udca0\udc80'); // surrogate
  assert.equal(fromGoBytes(b(0xf4, 0x90, 0x80, 0x80)), '\udcf4\udc90\udc80\udc80'); // > U+10FFFF
});

test('sanitizeGoString: U+FFFD per invalid byte, valid pairs kept', () => {
  assert.equal(sanitizeGoString('a\udce2\udc82b'), 'a\ufffd\ufffdb');
  assert.equal(sanitizeGoString('😀'), '😀');
  assert.equal(sanitizeGoString('\ud800x'), '\ufffdx');
});

test('truncateGoBytes cuts bytes', () => {
  assert.equal(truncateGoBytes('abc', 5), 'abc');
  assert.equal(truncateGoBytes('aé', 2), 'a\udcc3');
  assert.equal(truncateGoBytes('a€', 3), 'a\udce2\udc82');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AutogenReferenceShiftError, findAndShiftReferences } from './shift-references.ts';
import { sanitizeGoString } from './go-bytes.ts';

const POD = 'spec/template';
const CRON = 'spec/jobTemplate/spec/template';

// Expected values: Kyverno's FindAndShiftReferences run in Go; `cron` is a second pass over the first
// result with the CronJob shift, as autogen does for `autogen-cronjob-*` rules. Outputs are shown as
// encoding/json writes them (invalid bytes -> U+FFFD).
const cases: Array<{ name: string; value: string; pivot: string; pod: string; cron: string }> = [
  {
    name: 'pattern reference',
    value: 'bad $(./../pattern/spec/x)',
    pivot: 'pattern',
    pod: 'bad $(./../pattern/spec/template/spec/x)',
    cron: 'bad $(./../pattern/spec/jobTemplate/spec/template/spec/template/spec/x)',
  },
  {
    name: 'reference at the start',
    value: '$(./../pattern/spec/x) at start',
    pivot: 'pattern',
    pod: '$(./../pattern/spec/template/spec/x) at start',
    cron: '$(./../pattern/spec/jobTemplate/spec/template/spec/template/spec/x) at start',
  },
  {
    name: 'two references',
    value: 'two $(./pattern/a) and $(./pattern/b)',
    pivot: 'pattern',
    pod: 'two $(./pattern/spec/template/a) and $(./pattern/spec/template/b)',
    cron: 'two $(./pattern/spec/jobTemplate/spec/template/spec/template/a) and $(./pattern/spec/jobTemplate/spec/template/spec/template/b)',
  },
  {
    name: 'same reference twice',
    value: 'same $(./pattern/a) and $(./pattern/a)',
    pivot: 'pattern',
    pod: 'same $(./pattern/spec/template/a) and $(./pattern/spec/template/a)',
    cron: 'same $(./pattern/spec/jobTemplate/spec/template/spec/template/a) and $(./pattern/spec/jobTemplate/spec/template/spec/template/a)',
  },
  { name: 'escaped reference', value: 'escaped \\$(./pattern/a) kept', pivot: 'pattern', pod: 'escaped \\$(./pattern/a) kept', cron: 'escaped \\$(./pattern/a) kept' },
  { name: 'no pivot', value: 'no pivot $(./other/a)', pivot: 'pattern', pod: 'no pivot $(./other/a)', cron: 'no pivot $(./other/a)' },
  {
    name: 'anyPattern index read from the first reference only',
    value: 'any $(./../anyPattern/1/spec/x) and $(./../anyPattern/0/spec/y)',
    pivot: 'anyPattern',
    pod: 'any $(./../anyPattern/1/spec/template/spec/x) and $(./../anyPattern/0/spec/y)',
    cron: 'any $(./../anyPattern/1/spec/jobTemplate/spec/template/spec/template/spec/x) and $(./../anyPattern/0/spec/y)',
  },
  {
    name: 'anyPattern',
    value: 'any $(./../anyPattern/0/spec/x)',
    pivot: 'anyPattern',
    pod: 'any $(./../anyPattern/0/spec/template/spec/x)',
    cron: 'any $(./../anyPattern/0/spec/jobTemplate/spec/template/spec/template/spec/x)',
  },
  { name: 'anyPattern without pivot, long enough', value: 'longer $(abcdefghij/x)', pivot: 'anyPattern', pod: 'longer $(abcdefghij/x)', cron: 'longer $(abcdefghij/x)' },
  {
    name: 'deny',
    value: 'deny $(./deny/conditions/0)',
    pivot: 'deny',
    pod: 'deny $(./deny/spec/template/conditions/0)',
    cron: 'deny $(./deny/spec/jobTemplate/spec/template/spec/template/conditions/0)',
  },
  {
    name: 'podSecurity',
    value: 'pod $(./podSecurity/level)',
    pivot: 'podSecurity',
    pod: 'pod $(./podSecurity/spec/template/level)',
    cron: 'pod $(./podSecurity/spec/jobTemplate/spec/template/spec/template/level)',
  },
  {
    name: 'two-byte character before $( (byte-wise rewrite)',
    value: 'é$(./pattern/a)',
    pivot: 'pattern',
    pod: 'Ã\ufffd$(./pattern/spec/template/a)',
    cron: 'Ã©$(./pattern/spec/jobTemplate/spec/template/spec/template/a)',
  },
  {
    name: 'three-byte character before $(',
    value: '€$(./pattern/a)',
    pivot: 'pattern',
    pod: 'â\ufffd\ufffd$(./pattern/spec/template/a)',
    cron: 'â\ufffd¬$(./pattern/spec/jobTemplate/spec/template/spec/template/a)',
  },
  {
    name: 'reference ends at the last ) before a space',
    value: 'x$(./pattern/a)b)c d',
    pivot: 'pattern',
    pod: 'x$(./pattern/spec/template/a)b)c d',
    cron: 'x$(./pattern/spec/jobTemplate/spec/template/spec/template/a)b)c d',
  },
  {
    name: 'pivot text before the reference',
    value: 'pattern$(./pattern/pattern/a)',
    pivot: 'pattern',
    pod: 'pattern$(./pattern/spec/template/pattern/spec/template/a)',
    cron: 'pattern$(./pattern/spec/jobTemplate/spec/template/spec/template/pattern/spec/jobTemplate/spec/template/spec/template/a)',
  },
  {
    name: 'newline before $(',
    value: 'a\n$(./pattern/a)',
    pivot: 'pattern',
    pod: 'a\n$(./pattern/spec/template/a)',
    cron: 'a\n$(./pattern/spec/jobTemplate/spec/template/spec/template/a)',
  },
  { name: 'newline right after $( is no reference', value: 'a $(\n./pattern/a)', pivot: 'pattern', pod: 'a $(\n./pattern/a)', cron: 'a $(\n./pattern/a)' },
  {
    name: 'carriage return right after $( is a reference',
    value: 'a $(\r./pattern/a)',
    pivot: 'pattern',
    pod: 'a $(\r./pattern/spec/template/a)',
    cron: 'a $(\r./pattern/spec/jobTemplate/spec/template/spec/template/a)',
  },
  { name: 'empty reference', value: 'a$()', pivot: 'pattern', pod: 'a$()', cron: 'a$()' },
  {
    name: 'adjacent references form one match',
    value: '$(./pattern/x)$(./pattern/y)',
    pivot: 'pattern',
    pod: '$(./pattern/spec/template/x)$(./pattern/spec/template/y)',
    cron: '$(./pattern/spec/jobTemplate/spec/template/spec/template/x)$(./pattern/spec/jobTemplate/spec/template/spec/template/y)',
  },
  { name: 'no reference', value: 'plain message', pivot: 'pattern', pod: 'plain message', cron: 'plain message' },
];

for (const c of cases) {
  test(`findAndShiftReferences: ${c.name}`, () => {
    const pod = findAndShiftReferences(c.value, POD, c.pivot);
    assert.equal(sanitizeGoString(pod), c.pod);
    assert.equal(sanitizeGoString(findAndShiftReferences(pod, CRON, c.pivot)), c.cron);
  });
}

test('findAndShiftReferences: anyPattern with a short reference panics in Kyverno -> typed error', () => {
  assert.throws(
    () => findAndShiftReferences('short $(a)', POD, 'anyPattern'),
    (e: unknown) => e instanceof AutogenReferenceShiftError && e.code === 'AUTOGEN_REFERENCE_SHIFT_OUT_OF_RANGE',
  );
});

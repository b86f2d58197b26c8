import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BadValue, CheckResult } from './check.ts';
import { fieldErrorString, formatBadValue, formatChecksPrint, formatFieldError } from './message.ts';

// Go's fmt `%+v` of each bad value type, and field.Error.Error(), as printed by a Go program.
const values: Array<[BadValue, string]> = [
  ['x', 'x'],
  ['', ''],
  [true, 'true'],
  [0, '0'],
  [8080, '8080'],
  [['A', 'B'], '[A B]'],
  [[], '[]'],
  [[''], '[]'],
  [null, '<nil>'],
];
for (const [v, want] of values) {
  test(`formatBadValue(${JSON.stringify(v)})`, () => assert.equal(formatBadValue(v), want));
}

test('field.Error.Error() for Forbidden and Required without detail', () => {
  assert.equal(fieldErrorString({ type: 'Forbidden', field: 'spec.volumes[0].hostPath', badValue: '' }), 'spec.volumes[0].hostPath: Forbidden');
  assert.equal(
    fieldErrorString({ type: 'Required', field: 'spec.containers[1].securityContext.runAsNonRoot', badValue: '' }),
    'spec.containers[1].securityContext.runAsNonRoot: Required value',
  );
});

test('formatFieldError: Forbidden with a value lists it; an empty string counts as no value', () => {
  assert.equal(
    formatFieldError({ type: 'Forbidden', field: 'spec.hostPID', badValue: true }),
    'spec.hostPID is forbidden, forbidden values found: true',
  );
  assert.equal(
    formatFieldError({ type: 'Forbidden', field: 'spec.containers[0].securityContext.appArmorProfile.type', badValue: '' }),
    'spec.containers[0].securityContext.appArmorProfile.type: Forbidden',
  );
  assert.equal(
    formatFieldError({ type: 'Forbidden', field: 'spec.containers[0].securityContext.capabilities.drop', badValue: [] }),
    'spec.containers[0].securityContext.capabilities.drop is forbidden, forbidden values found: []',
  );
  assert.equal(
    formatFieldError({ type: 'Required', field: 'spec.containers[0].securityContext.capabilities.drop', badValue: '' }),
    'spec.containers[0].securityContext.capabilities.drop: Required value',
  );
});

test('formatChecksPrint: checks concatenated, errors joined by ", ", nil error list prints []', () => {
  const deny = (reason: string, errList: CheckResult['errList']): { result: CheckResult } => ({
    result: { allowed: false, forbiddenReason: reason, forbiddenDetail: '', errList },
  });
  assert.equal(
    formatChecksPrint([
      deny('host namespaces', [
        { type: 'Forbidden', field: 'spec.hostNetwork', badValue: true },
        { type: 'Forbidden', field: 'spec.hostPID', badValue: true },
      ]),
      deny('probe or lifecycle host', null),
      deny('restricted volume types', [{ type: 'Forbidden', field: 'spec.volumes[0].nfs', badValue: '' }]),
    ]),
    '(Forbidden reason: host namespaces, field error list: [spec.hostNetwork is forbidden, forbidden values found: true, ' +
      'spec.hostPID is forbidden, forbidden values found: true])' +
      '(Forbidden reason: probe or lifecycle host, field error list: [])' +
      '(Forbidden reason: restricted volume types, field error list: [spec.volumes[0].nfs: Forbidden])',
  );
  assert.equal(formatChecksPrint([]), '');
});

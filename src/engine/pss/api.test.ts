import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LATEST,
  majorMinor,
  parseKyvernoVersion,
  parseLevel,
  parsePsaVersion,
  PssVersionError,
  versionOlder,
  versionString,
} from './api.ts';

// Expected values: k8s.io/pod-security-admission api.ParseVersion (Kyverno's fork), run on each input.
const psaVersions: Array<[string, string | null]> = [
  ['v1.0', 'v1.0'],
  ['v1.29', 'v1.29'],
  ['v1.99', 'v1.99'],
  ['latest', 'latest'],
  ['v1.01', null],
  ['1.29', null],
  ['v2.0', null],
  ['', null],
  [' v1.2', null],
  ['v1.2 ', null],
  ['V1.2', null],
  ['v1.-1', null],
  ['Latest', null],
  ['v1.', null],
  ['v1.9223372036854775808', null],
];

for (const [input, want] of psaVersions) {
  test(`parsePsaVersion(${JSON.stringify(input)})`, () => {
    const v = parsePsaVersion(input);
    if (want === null) {
      assert.ok(v instanceof PssVersionError);
      assert.equal(v.message, 'must be "latest" or "v1.x"');
      assert.equal(v.code, 'PSS_BAD_VERSION');
    } else {
      assert.ok(!(v instanceof PssVersionError));
      assert.equal(versionString(v), want);
    }
  });
}

test('parseKyvernoVersion: empty and omitted mean latest (pkg/pss.ParseVersion)', () => {
  assert.equal(parseKyvernoVersion(''), LATEST);
  assert.equal(parseKyvernoVersion(undefined), LATEST);
  assert.equal(parseKyvernoVersion('latest'), LATEST);
  const v = parseKyvernoVersion('v1.24');
  assert.ok(!(v instanceof PssVersionError));
  assert.deepEqual(v, majorMinor(1, 24));
  assert.ok(parseKyvernoVersion('v1.024') instanceof PssVersionError);
});

test('versionOlder: latest is newer than every numbered version', () => {
  assert.equal(versionOlder(majorMinor(1, 9), majorMinor(1, 10)), true);
  assert.equal(versionOlder(majorMinor(1, 10), majorMinor(1, 9)), false);
  assert.equal(versionOlder(majorMinor(1, 10), majorMinor(1, 10)), false);
  assert.equal(versionOlder(majorMinor(1, 10000), LATEST), true);
  assert.equal(versionOlder(LATEST, majorMinor(1, 10000)), false);
  assert.equal(versionOlder(LATEST, LATEST), false);
});

test('parseLevel', () => {
  assert.equal(parseLevel('baseline'), 'baseline');
  assert.equal(parseLevel('restricted'), 'restricted');
  assert.equal(parseLevel('privileged'), 'privileged');
  const bad = parseLevel('Baseline');
  assert.ok(bad instanceof PssVersionError);
  assert.equal(bad.message, 'must be one of privileged, baseline, restricted');
});

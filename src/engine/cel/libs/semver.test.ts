/**
 * Kubernetes semver library (version 1, with normalization).
 * Expected values are cel-go's (0.30, with the Kubernetes and Kyverno libraries, as Kyverno 1.19
 * builds its environment), obtained by evaluating each expression there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { obj, deviation, expected, runCase, type CelCase } from '../test-kit.ts';

const env = createCelEnvironment();

const cases: CelCase[] = [
  { expr: 'semver("1.2.3")', want: obj("kubernetes.Semver", "1.2.3"), cost: 1 },
  { expr: 'semver("1.2.3-alpha.1+build.5")', want: obj("kubernetes.Semver", "1.2.3-alpha.1+build.5"), cost: 3 },
  { expr: 'semver("1.2.3").major()', want: 1n, cost: 2 },
  { expr: 'semver("1.2.3").minor()', want: 2n, cost: 2 },
  { expr: 'semver("1.2.3").patch()', want: 3n, cost: 2 },
  { expr: 'semver("1.2.3") == semver("1.2.3")', want: true, cost: 3 },
  { expr: 'semver("1.2.3") == semver("1.2.3+build")', want: true, cost: 4 },
  { expr: 'semver("1.2.3").isGreaterThan(semver("1.2.2"))', want: true, cost: 3 },
  { expr: 'semver("1.2.3").isLessThan(semver("1.10.0"))', want: true, cost: 3 },
  { expr: 'semver("1.2.3-alpha").isLessThan(semver("1.2.3"))', want: true, cost: 4 },
  { expr: 'semver("1.2.3-alpha.1").isLessThan(semver("1.2.3-alpha.beta"))', want: true, cost: 5 },
  { expr: 'semver("1.2.3-alpha.2").isGreaterThan(semver("1.2.3-alpha.10"))', want: false, cost: 5 },
  { expr: 'semver("1.2.3-1").isLessThan(semver("1.2.3-a"))', want: true, cost: 3 },
  { expr: 'semver("1.2.3-alpha").compareTo(semver("1.2.3-alpha.1"))', want: -1n, cost: 5 },
  { expr: 'semver("2.0.0").compareTo(semver("1.99.99"))', want: 1n, cost: 3 },
  { expr: 'semver("1.2.3").compareTo(semver("1.2.3"))', want: 0n, cost: 3 },
  { expr: 'isSemver("1.2.3")', want: true, cost: 1 },
  { expr: 'isSemver("v1.2.3")', want: false, cost: 1 },
  { expr: 'isSemver("1.2")', want: false, cost: 1 },
  { expr: 'isSemver("01.2.3")', want: false, cost: 1 },
  { expr: 'isSemver("1.2.3-01")', want: false, cost: 1 },
  { expr: 'isSemver("1.2.3-")', want: false, cost: 1 },
  { expr: 'isSemver("1.2.3+")', want: false, cost: 1 },
  { expr: 'isSemver("1.2.3-a_b")', want: false, cost: 1 },
  { expr: 'isSemver("v1.2.3", true)', want: true, cost: 1 },
  { expr: 'isSemver("1.2", true)', want: true, cost: 1 },
  { expr: 'isSemver("1", true)', want: true, cost: 1 },
  { expr: 'isSemver("01.02.03", true)', want: true, cost: 1 },
  { expr: 'isSemver("1.2-beta", true)', want: false, cost: 1 },
  { expr: 'semver("v1.2", true)', want: obj("kubernetes.Semver", "1.2.0"), cost: 1 },
  { expr: 'semver("1", true).minor()', want: 0n, cost: 2 },
  { expr: 'semver("01.02.03", true)', want: obj("kubernetes.Semver", "1.2.3"), cost: 1 },
  { expr: 'semver("v1.0.0-rc.1", true)', want: obj("kubernetes.Semver", "1.0.0-rc.1"), cost: 2 },
  { expr: 'semver("1.2")', err: "No Major.Minor.Patch elements found" },
  { expr: 'semver("01.2.3")', err: "Major number must not contain leading zeroes \"01\"" },
  { expr: 'semver("1.2.x")', err: "Invalid character(s) found in patch number \"x\"" },
  { expr: 'semver("1.2.3-")', err: "Prerelease is empty" },
  { expr: 'semver("1.2.3+a..b")', err: "Build meta data is empty" },
  { expr: 'semver("")', err: "Version string empty" },
  { expr: 'semver("1.2-beta", true)', err: "short version cannot contain PreRelease/Build meta data" },
];

for (const c of cases) {
  test(`semver: ${c.expr}`, { skip: deviation(c.expr) ?? false }, async () => assert.deepStrictEqual(await runCase(env, c), expected(c)));
}

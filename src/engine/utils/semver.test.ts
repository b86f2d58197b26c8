import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareSemver,
  parseSemver,
  parseSemverRange,
  parseSemverResult,
  SEMVER_ZERO,
  semverCompareRange,
  SemverRangeError,
} from './semver.ts';

// Expected values: a Go program using github.com/blang/semver/v4 v4.0.0 (Parse, Compare, ParseRange).
const PARSE: [string, string | undefined][] = [
  ["1.2.3", undefined],
  ["v1.2.3", "Invalid character(s) found in major number \"v1\""],
  ["1.2", "No Major.Minor.Patch elements found"],
  ["1.2.3.4", "Invalid character(s) found in patch number \"3.4\""],
  ["01.2.3", "Major number must not contain leading zeroes \"01\""],
  ["1.02.3", "Minor number must not contain leading zeroes \"02\""],
  ["1.2.03", "Patch number must not contain leading zeroes \"03\""],
  ["1.2.3-rc.1", undefined],
  ["1.2.3-rc.01", "Numeric PreRelease version must not contain leading zeroes \"01\""],
  ["1.2.3-01", "Numeric PreRelease version must not contain leading zeroes \"01\""],
  ["1.2.3+build.1", undefined],
  ["1.2.3-rc+b-c", undefined],
  ["1.2.3-", "Prerelease is empty"],
  ["1.2.3+", "Build meta data is empty"],
  ["1.2.3-a..b", "Prerelease is empty"],
  ["1.2.3+a..b", "Build meta data is empty"],
  ["1.2.3-ä", "Invalid character(s) found in prerelease \"ä\""],
  ["1.2.3+ä", "Invalid character(s) found in build meta data \"ä\""],
  ["", "Version string empty"],
  ["a.b.c", "Invalid character(s) found in major number \"a\""],
  ["18446744073709551616.0.0", "strconv.ParseUint: parsing \"18446744073709551616\": value out of range"],
  ["18446744073709551615.0.0", undefined],
  ["1.2.3-99999999999999999999", "strconv.ParseUint: parsing \"99999999999999999999\": value out of range"],
  ["0.0.0", undefined],
  ["1.2.x", "Invalid character(s) found in patch number \"x\""],
  [".2.3", "strconv.ParseUint: parsing \"\": invalid syntax"],
  ["1..3", "strconv.ParseUint: parsing \"\": invalid syntax"],
  ["1.2.", "strconv.ParseUint: parsing \"\": invalid syntax"],
  ["1.2.3-alpha", undefined],
  ["1.2.3-alpha.1", undefined],
  ["1.2.3-alpha.beta", undefined],
  ["1.2.3-beta", undefined],
  ["1.2.3-beta.2", undefined],
  ["1.2.3-beta.11", undefined],
  ["1.2.3-rc.1", undefined],
  ["2.0.0", undefined],
  ["1.10.0", undefined],
  ["1.9.0", undefined],
];

test('parseSemver matches blang semver.Parse (strict) with its errors', () => {
  for (const [s, err] of PARSE) {
    const r = parseSemverResult(s);
    if (err === undefined) assert.ok(r.ok, s);
    else assert.deepEqual(r, { ok: false, error: err }, s);
  }
});

// [a, b, Compare(a, b)] where a version that does not parse is 0.0.0
const COMPARE: [string, string, number][] = [
  ["1.10.0", "1.10.0", 0],
  ["1.2", "1.2.3-beta.2", -1],
  ["01.2.3", "1.2.3-alpha.1", -1],
  ["1.2.3-alpha.beta", "2.0.0", -1],
  ["1.2.", "1.2.3-beta", -1],
  ["18446744073709551616.0.0", "2.0.0", -1],
  ["v1.2.3", "1.2.3-rc.1", -1],
  ["1.2.3-", "1.2.3-alpha.1", -1],
  ["1.9.0", "1.9.0", 0],
  ["1.2.3-alpha.beta", "1.2.3-beta.2", -1],
  ["1.2.3+ä", "1.2.3-rc.1", -1],
  ["1.2.3-", "1.10.0", -1],
  ["0.0.0", "1.2.3-beta", -1],
  ["1.2.3-beta.11", "1.2.3-beta", 1],
  ["18446744073709551615.0.0", "1.2.3-beta.11", 1],
  ["1.2.3-rc.1", "1.2.3-beta.2", 1],
  ["1.2", "1.10.0", -1],
  ["1.2.3-beta.2", "1.2.3-rc.1", -1],
  [".2.3", "1.2.3-alpha.beta", -1],
  ["1.2.3+ä", "1.2.3-alpha.1", -1],
  ["1.2.3+build.1", "1.2.3-rc.1", 1],
  ["1.2.03", "1.2.3-rc.1", -1],
  ["1.9.0", "1.2.3-beta.2", 1],
  ["1.2.3-alpha", "1.10.0", -1],
  ["1.2.03", "2.0.0", -1],
  ["1.2.3-beta.2", "1.2.3-alpha.beta", 1],
  ["18446744073709551615.0.0", "1.2.3-alpha.1", 1],
  ["1.02.3", "1.2.3-beta.2", -1],
  ["1.2.3-rc.01", "1.2.3-rc.1", -1],
  ["1.2.3-99999999999999999999", "1.2.3-alpha.beta", -1],
  ["a.b.c", "1.2.3-alpha", -1],
  ["1.2.3-rc.1", "1.2.3-rc.1", 0],
  ["1.2.3.4", "1.2.3-alpha", -1],
  ["1.2.3+a..b", "1.2.3-alpha", -1],
  ["1.2.3-rc.1", "1.2.3-alpha.beta", 1],
  ["0.0.0", "1.2.3-alpha.beta", -1],
  ["1.2.3-beta", "2.0.0", -1],
  ["1..3", "2.0.0", -1],
  ["1.2.x", "1.9.0", -1],
  ["2.0.0", "1.2.3-alpha.beta", 1],
  ["1.9.0", "1.2.3-beta", 1],
  ["1.2.3-ä", "1.2.3-alpha.beta", -1],
  ["1.2.x", "1.2.3-beta.11", -1],
  ["1.2.3-a..b", "1.2.3-alpha", -1],
  ["1.2.3-a..b", "1.9.0", -1],
  ["1.2.x", "1.2.3-alpha", -1],
  ["18446744073709551616.0.0", "1.2.3-rc.1", -1],
  ["1.2.3-rc.1", "1.2.3-beta.11", 1],
  ["1.02.3", "2.0.0", -1],
  ["a.b.c", "1.2.3-beta", -1],
  ["1.2.", "1.2.3-alpha.beta", -1],
  ["1.2.3-01", "1.2.3-alpha.1", -1],
  ["1.2.3-beta.2", "1.2.3-alpha.1", 1],
  [".2.3", "1.2.3-beta.11", -1],
  ["1.2.3+ä", "1.2.3-beta", -1],
  ["1.2.3-01", "1.2.3-alpha.beta", -1],
  ["01.2.3", "1.2.3-beta.11", -1],
  [".2.3", "1.2.3-alpha.1", -1],
  ["1.2.3+", "1.9.0", -1],
  ["1..3", "1.2.3-beta", -1],
];

test('compareSemver matches Version.Compare', () => {
  for (const [a, b, want] of COMPARE) {
    assert.equal(compareSemver(parseSemver(a) ?? SEMVER_ZERO, parseSemver(b) ?? SEMVER_ZERO), want, `${a} vs ${b}`);
  }
});

type RangeRow = { range: string; match: string[]; noMatch: string[] } | { range: string; err: string };
const RANGES: RangeRow[] = [
  { range: ">=1.0.0 <2.0.0", match: ["1.0.0", "1.5.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "notaversion", "0.0.0"] },
  { range: ">1.0.0", match: ["1.5.0", "2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["1.0.0", "0.9.0", "notaversion", "0.0.0"] },
  { range: "<1.0.0 || >=3.0.0", match: ["0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "notaversion", "0.0.0"], noMatch: ["1.0.0", "1.5.0", "2.0.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "!4.x.x", match: [], noMatch: ["1.0.0", "1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "4.x", match: ["4.0.0", "4.0.1", "4.1.0"], noMatch: ["1.0.0", "1.5.0", "2.0.0", "0.9.0", "3.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "4.x.x", match: ["4.0.0", "4.0.1"], noMatch: ["1.0.0", "1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "1.x", match: ["1.0.0", "1.5.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "notaversion", "0.0.0"] },
  { range: "1.2.x", match: ["1.2.5", "1.2.3-rc.2", "1.2.3"], noMatch: ["1.0.0", "1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.10.0", "notaversion", "0.0.0"] },
  { range: ">1.x", match: ["2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0"], noMatch: ["1.0.0", "1.5.0", "0.9.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "<=1.x", match: ["1.0.0", "1.5.0", "0.9.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0"] },
  { range: ">=1.x", match: ["1.0.0", "1.5.0", "2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["0.9.0", "notaversion", "0.0.0"] },
  { range: "<1.x", match: ["0.9.0", "notaversion", "0.0.0"], noMatch: ["1.0.0", "1.5.0", "2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "!=1.x", match: [], noMatch: ["1.0.0", "1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "!1.2.x", match: [], noMatch: ["1.0.0", "1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "x", err: "Last element in range is '||'" },
  { range: "", err: "Last element in range is '||'" },
  { range: "||", err: "First element in range is '||'" },
  { range: "|| 1.0.0", err: "First element in range is '||'" },
  { range: "1.0.0 ||", err: "Last element in range is '||'" },
  { range: "1.0.0 || 2.0.0", match: ["1.0.0", "2.0.0"], noMatch: ["1.5.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: ">= 1.0.0", match: ["1.0.0", "1.5.0", "2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["0.9.0", "notaversion", "0.0.0"] },
  { range: ">=  1.0.0 < 2.0.0", match: ["1.0.0", "1.5.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "notaversion", "0.0.0"] },
  { range: "~1.0.0", err: "Could not parse Range \"~1.0.0\": Could not parse comparator \"~\" in \"~1.0.0\"" },
  { range: "^1.0.0", err: "Could not parse Range \"^1.0.0\": Could not parse comparator \"^\" in \"^1.0.0\"" },
  { range: "1.0.0", match: ["1.0.0"], noMatch: ["1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "=1.0.0", match: ["1.0.0"], noMatch: ["1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "==1.0.0", match: ["1.0.0"], noMatch: ["1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: "!=1.0.0", match: ["1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["1.0.0"] },
  { range: "!1.0.0", match: ["1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["1.0.0"] },
  { range: "> 1.0.0 < 2", err: "Could not parse Range \"<2\": Could not parse version \"2\" in \"<2\": No Major.Minor.Patch elements found" },
  { range: "1", err: "Last element in range is '||'" },
  { range: "1 || 2", err: "First element in range is '||'" },
  { range: "abc", err: "Could not get version from string: \"abc\"" },
  { range: ">=1.2.3-rc.1", match: ["1.5.0", "2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["1.0.0", "0.9.0", "notaversion", "0.0.0"] },
  { range: "1.0.0 2.0.0", match: [], noMatch: ["1.0.0", "1.5.0", "2.0.0", "0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "notaversion", "0.0.0", "1.2.3-rc.2", "1.2.3"] },
  { range: ">=a.b.c", err: "Could not get version from string: \">=a.b.c\"" },
  { range: "=>1.0.0", err: "Could not parse Range \"=>1.0.0\": Could not parse comparator \"=>\" in \"=>1.0.0\"" },
  { range: "1.2.3x", err: "Could not parse Range \">=1.2.3x\": Could not parse version \"1.2.3x\" in \">=1.2.3x\": Invalid character(s) found in patch number \"3x\"" },
  { range: ">=1.0.0 <1.10.0 || 2.x", match: ["1.0.0", "1.5.0", "2.0.0", "1.2.5", "1.2.3-rc.2", "1.2.3"], noMatch: ["0.9.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.10.0", "notaversion", "0.0.0"] },
  { range: "a.x", err: "Could not get version from string: \"a.x\"" },
  { range: ">=1.0.0-xyz", match: ["1.0.0", "1.5.0", "2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["0.9.0", "notaversion", "0.0.0"] },
  { range: "1.0.0 é", err: "Could not get version from string: \"é\"" },
  { range: "1.0.0 éé", err: "Could not get version from string: \"éé\"" },
  { range: ">=1.0.0", match: ["1.0.0", "1.5.0", "2.0.0", "3.1.0", "4.0.0", "4.0.1", "4.1.0", "5.0.0", "1.2.5", "1.10.0", "1.2.3-rc.2", "1.2.3"], noMatch: ["0.9.0", "notaversion", "0.0.0"] },
  { range: ">=٣.0.0", err: "Could not parse Range \">=٣.0.0\": Could not parse version \"٣.0.0\" in \">=٣.0.0\": Invalid character(s) found in major number \"٣\"" },
];

test('parseSemverRange matches semver.ParseRange (matching, quirks and errors)', () => {
  for (const row of RANGES) {
    if ('err' in row) {
      assert.throws(
        () => parseSemverRange(row.range),
        (e: unknown) => e instanceof SemverRangeError && e.code === 'SEMVER_RANGE' && e.message === row.err,
        row.range,
      );
      continue;
    }
    const r = parseSemverRange(row.range);
    for (const v of row.match) assert.ok(r(parseSemver(v) ?? SEMVER_ZERO), `${v} in ${row.range}`);
    for (const v of row.noMatch) assert.ok(!r(parseSemver(v) ?? SEMVER_ZERO), `${v} not in ${row.range}`);
  }
});

test('semverCompareRange (Kyverno semver_compare): bad version = 0.0.0, bad range throws', () => {
  assert.equal(semverCompareRange('1.10.0', '>=1.0.0 <2.0.0'), true);
  assert.equal(semverCompareRange('v1.10.0', '<1.0.0'), true);
  assert.equal(semverCompareRange('4.1.0', '!4.x.x'), false);
  assert.throws(() => semverCompareRange('1.0.0', 'abc'), SemverRangeError);
});

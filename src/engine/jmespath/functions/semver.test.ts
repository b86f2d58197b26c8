/**
 * Kyverno's semver functions: expected results and error texts are those of Kyverno's Go implementation
 * (pkg/engine/jmespath) for the same expressions; rows from Kyverno's own unit tests are included.
 */
import { runRows, type Row } from '../rows.test.ts';

const semver: Row[] = [
  { expr: "semver_compare('4.1.3','>=4.1.x')", data: {}, want: true },
  { expr: "semver_compare('4.1.3','!4.x.x')", data: {}, want: false },
  { expr: "semver_compare('1.8.6','>1.0.0 <2.0.0')", data: {}, want: true },
  { expr: "semver_compare('2.1.5','<2.0.0 || >=3.0.0')", data: {}, want: false },
  { expr: "semver_compare('bad','>=0.0.0')", data: {}, want: true },
  { expr: "semver_compare('1.0.0','bad range')", data: {}, error: "Could not get version from string: \"bad\"" },
  { expr: "semver_compare('1.0.0-alpha','<1.0.0')", data: {}, want: true },
  { expr: "semver_compare('v1.0.0','>=1.0.0')", data: {}, want: false },
  { expr: "semver_compare('1.0.0', '=1.0.0')", data: {}, want: true },
  { expr: "semver_compare('1.0.0', '1.0.0')", data: {}, want: true },
  { expr: "semver_compare('1.2.3', '~1.2.0')", data: {}, error: "Could not parse Range \"~1.2.0\": Could not parse comparator \"~\" in \"~1.2.0\"" },
  { expr: "semver_compare('1.2.3', '>= 1.2.3')", data: {}, want: true },
];

runRows("semver", semver);

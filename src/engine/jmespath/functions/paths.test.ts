/**
 * Kyverno's paths functions: expected results and error texts are those of Kyverno's Go implementation
 * (pkg/engine/jmespath) for the same expressions; rows from Kyverno's own unit tests are included.
 */
import { runRows, type Row } from '../rows.test.ts';

const paths: Row[] = [
  { expr: "path_canonicalize('///')", data: {}, want: "/" },
  { expr: "path_canonicalize('/var/run///containerd/containerd.sock')", data: {}, want: "/var/run/containerd/containerd.sock" },
  { expr: "path_canonicalize('/run/../etc')", data: {}, want: "/etc" },
  { expr: "path_canonicalize('/../../')", data: {}, want: "/" },
  { expr: "path_canonicalize('')", data: {}, want: "" },
  { expr: "path_canonicalize('a/../..')", data: {}, want: ".." },
  { expr: "path_canonicalize('./a/./b/')", data: {}, want: "a/b" },
  { expr: "path_canonicalize('C:\\\\Windows\\\\\\\\..')", data: {}, want: "C:\\\\Windows\\\\\\\\.." },
];

runRows("paths", paths);

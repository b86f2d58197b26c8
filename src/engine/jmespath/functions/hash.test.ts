/**
 * Kyverno's hash functions: expected results and error texts are those of Kyverno's Go implementation
 * (pkg/engine/jmespath) for the same expressions; rows from Kyverno's own unit tests are included.
 */
import { runRows, type Row } from '../rows.test.ts';

const hash: Row[] = [
  { expr: "sha256('alertmanager-kube-prometheus-stack-alertmanager')", data: {}, want: "75c07bb807f2d80a85d34880b8af0c5f29f7c27577076ed5d0e4b427dee7dbcc" },
  { expr: "sha256('')", data: {}, want: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
  { expr: "sha256('é😀')", data: {}, want: "1184d1f608158eea09d297565575892231550c403aaa913008d867a97cfd5c76" },
  { expr: "sha1('Alice & Bob')", data: {}, want: "e3ec484930685a61b0f824cd684a68699d2b98c1" },
  { expr: "md5('Alice & Bob')", data: {}, want: "def42e1abd2462df1f9f0a4b3d488221" },
  { expr: "md5('')", data: {}, want: "d41d8cd98f00b204e9800998ecf8427e" },
  { expr: "sha256('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')", data: {}, want: "6675ba780648c8506cb002c86621f9d33f8093e12541c690a8d3261c47c92bcc" },
  { expr: "md5('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')", data: {}, want: "ef1772b6dff9a122358552954ad0df65" },
  { expr: "sha1('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')", data: {}, want: "5ee0f8895f4e1aae6a6661de5c432e34188a5a2d" },
];

runRows("hash", hash);

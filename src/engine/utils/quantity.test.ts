import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseQuantity,
  parseQuantityOrThrow,
  parseQuantityResult,
  Quantity,
  QuantityParseError,
  QUANTITY_ERR_FORMAT,
  QUANTITY_ERR_NUMERIC,
  QUANTITY_ERR_SUFFIX,
} from './quantity.ts';
import { goSprintFloat } from './gofmt.ts';
import { goFloat64ToInt64 } from './goconv.ts';

// Expected values: a Go program (k8s.io/apimachinery v0.36.3) printing ParseQuantity(s).String(), .Format,
// AsApproximateFloat64() and AsDec() (unscaled, scale) for each input.
type ParseRow =
  | { in: string; str: string; format: string; float: number; unscaled: string; scale: number }
  | { in: string; err: 'FORMAT' | 'NUMERIC' | 'SUFFIX' };
const PARSE: ParseRow[] = [
  { in: "1Ki", str: "1Ki", format: 'BinarySI', float: 1024, unscaled: '1024', scale: 0 },
  { in: "+1Ki", str: "+1Ki", format: 'BinarySI', float: 1024, unscaled: '1024', scale: 0 },
  { in: "01Ki", str: "01Ki", format: 'BinarySI', float: 1024, unscaled: '1024', scale: 0 },
  { in: "1.500", str: "1.500", format: 'DecimalSI', float: 1.5, unscaled: '1500', scale: 3 },
  { in: "1.5", str: "1500m", format: 'DecimalSI', float: 1.5, unscaled: '15', scale: 1 },
  { in: "1e3", str: "1e3", format: 'DecimalExponent', float: 1000, unscaled: '1', scale: -3 },
  { in: "1E3", str: "1E3", format: 'DecimalExponent', float: 1000, unscaled: '1', scale: -3 },
  { in: ".", str: "0", format: 'DecimalSI', float: 0, unscaled: '0', scale: 0 },
  { in: "+", str: "0", format: 'DecimalSI', float: 0, unscaled: '0', scale: 0 },
  { in: "-", str: "0", format: 'DecimalSI', float: 0, unscaled: '0', scale: 0 },
  { in: "", err: 'FORMAT' },
  { in: "0", str: "0", format: 'DecimalSI', float: 0, unscaled: '0', scale: 0 },
  { in: "-0", str: "0", format: 'DecimalSI', float: 0, unscaled: '0', scale: 0 },
  { in: "00", str: "0", format: 'DecimalSI', float: 0, unscaled: '0', scale: 0 },
  { in: "1.", str: "1.", format: 'DecimalSI', float: 1, unscaled: '1', scale: 0 },
  { in: ".5", str: "500m", format: 'DecimalSI', float: 0.5, unscaled: '5', scale: 1 },
  { in: "1.5Gi", str: "1536Mi", format: 'BinarySI', float: 1610612736, unscaled: '1610612736000000000', scale: 9 },
  { in: "1.5Ei", str: "1536Pi", format: 'BinarySI', float: 1729382256910270500, unscaled: '1729382256910270464000000000', scale: 9 },
  { in: "+Ei", err: 'NUMERIC' },
  { in: "+Ki", str: "0", format: 'BinarySI', float: 0, unscaled: '0', scale: 0 },
  { in: "1e", err: 'SUFFIX' },
  { in: "1e+", err: 'SUFFIX' },
  { in: "1ki", err: 'SUFFIX' },
  { in: "1 Ki", err: 'FORMAT' },
  { in: "100m", str: "100m", format: 'DecimalSI', float: 0.1, unscaled: '100', scale: 3 },
  { in: "0.1m", str: "100u", format: 'DecimalSI', float: 0.0001, unscaled: '1', scale: 4 },
  { in: "1n", str: "1n", format: 'DecimalSI', float: 1e-09, unscaled: '1', scale: 9 },
  { in: "1.5n", str: "2n", format: 'DecimalSI', float: 2e-09, unscaled: '2', scale: 9 },
  { in: "1e-10", str: "1e-9", format: 'DecimalExponent', float: 1e-09, unscaled: '1', scale: 9 },
  { in: "8Ki", str: "8Ki", format: 'BinarySI', float: 8192, unscaled: '8192', scale: 0 },
  { in: "1024Ki", str: "1Mi", format: 'BinarySI', float: 1048576, unscaled: '1048576', scale: 0 },
  { in: "1025Ki", str: "1025Ki", format: 'BinarySI', float: 1049600, unscaled: '1049600', scale: 0 },
  { in: "0.5Ki", str: "512", format: 'BinarySI', float: 512, unscaled: '512000000000', scale: 9 },
  { in: "1023.5Ki", str: "1048064", format: 'BinarySI', float: 1048064.0000000001, unscaled: '1048064000000000', scale: 9 },
  { in: "12e6", str: "12e6", format: 'DecimalExponent', float: 12000000, unscaled: '12', scale: -6 },
  { in: "1.0", str: "1", format: 'DecimalSI', float: 1, unscaled: '10', scale: 1 },
  { in: "1000", str: "1k", format: 'DecimalSI', float: 1000, unscaled: '1000', scale: 0 },
  { in: "1000m", str: "1", format: 'DecimalSI', float: 1, unscaled: '1000', scale: 3 },
  { in: "9223372036854775807", str: "9223372036854775807", format: 'DecimalSI', float: 9223372036854776000, unscaled: '9223372036854775807000000000', scale: 9 },
  { in: "9223372036854775808", str: "9223372036854775808", format: 'DecimalSI', float: 9223372036854776000, unscaled: '9223372036854775808000000000', scale: 9 },
  { in: "10Ei", str: "9223372036854775807", format: 'BinarySI', float: 9223372036854776000, unscaled: '9223372036854775807', scale: 0 },
  { in: "1000000000000000000000", str: "1", format: 'DecimalSI', float: 1.0000000000000001e+21, unscaled: '1000000000000000000000000000000', scale: 9 },
  { in: "1u", str: "1u", format: 'DecimalSI', float: 1e-06, unscaled: '1', scale: 6 },
  { in: "-1.5Gi", str: "-1536Mi", format: 'BinarySI', float: -1610612736, unscaled: '-1610612736000000000', scale: 9 },
  { in: "1Mi", str: "1Mi", format: 'BinarySI', float: 1048576, unscaled: '1048576', scale: 0 },
  { in: "0.000000001", str: "1n", format: 'DecimalSI', float: 1e-09, unscaled: '1', scale: 9 },
  { in: "1e3Ki", err: 'FORMAT' },
  { in: "5.Mi", str: "5.Mi", format: 'BinarySI', float: 5242880, unscaled: '5242880', scale: 0 },
  { in: "1Gi", str: "1Gi", format: 'BinarySI', float: 1073741824, unscaled: '1073741824', scale: 0 },
  { in: "1024Mi", str: "1Gi", format: 'BinarySI', float: 1073741824, unscaled: '1073741824', scale: 0 },
  { in: "3.14", str: "3140m", format: 'DecimalSI', float: 3.14, unscaled: '314', scale: 2 },
  { in: "2e3", str: "2e3", format: 'DecimalExponent', float: 2000, unscaled: '2', scale: -3 },
  { in: "0x10", err: 'FORMAT' },
  { in: "1_000", err: 'FORMAT' },
  { in: " 1", err: 'FORMAT' },
  { in: "1 ", err: 'FORMAT' },
  { in: "1e-9", str: "1e-9", format: 'DecimalExponent', float: 1e-09, unscaled: '1', scale: 9 },
  { in: "123456789012345678", str: "123456789012345678", format: 'DecimalSI', float: 123456789012345680, unscaled: '123456789012345678', scale: 0 },
  { in: "1234567890123456789", str: "1234567890123456789", format: 'DecimalSI', float: 1234567890123457000, unscaled: '1234567890123456789000000000', scale: 9 },
  { in: "-1Ki", str: "-1Ki", format: 'BinarySI', float: -1024, unscaled: '-1024', scale: 0 },
  { in: "-1025Ki", str: "-1025Ki", format: 'BinarySI', float: -1049600, unscaled: '-1049600', scale: 0 },
  { in: "1.1Ki", str: "1126400m", format: 'BinarySI', float: 1126.4, unscaled: '1126400000000', scale: 9 },
  { in: "1P", str: "1P", format: 'DecimalSI', float: 1000000000000000, unscaled: '1', scale: -15 },
  { in: "1E", str: "1E", format: 'DecimalSI', float: 1000000000000000000, unscaled: '1', scale: -18 },
  { in: "1e18", str: "1e18", format: 'DecimalExponent', float: 1000000000000000000, unscaled: '1', scale: -18 },
  { in: "1e19", str: "10e18", format: 'DecimalExponent', float: 10000000000000000000, unscaled: '1', scale: -19 },
  { in: "1e100", str: "10e99", format: 'DecimalExponent', float: 1e+100, unscaled: '1', scale: -100 },
  { in: "1.23e2", str: "1.23e2", format: 'DecimalExponent', float: 123, unscaled: '123', scale: 0 },
  { in: "1e-100", str: "1e-9", format: 'DecimalExponent', float: 1e-09, unscaled: '1', scale: 9 },
  { in: "-1e-100", str: "-1e-9", format: 'DecimalExponent', float: -1e-09, unscaled: '-1', scale: 9 },
  { in: "1.5m", str: "1500u", format: 'DecimalSI', float: 0.0015, unscaled: '15', scale: 4 },
  { in: "0.5m", str: "500u", format: 'DecimalSI', float: 0.0005, unscaled: '5', scale: 4 },
  { in: "-0.5m", str: "-500u", format: 'DecimalSI', float: -0.0005, unscaled: '-5', scale: 4 },
  { in: "1E-3", str: "1E-3", format: 'DecimalExponent', float: 0.001, unscaled: '1', scale: 3 },
  { in: "1e+3", str: "1e+3", format: 'DecimalExponent', float: 1000, unscaled: '1', scale: -3 },
  { in: "2Ti", str: "2Ti", format: 'BinarySI', float: 2199023255552, unscaled: '2199023255552', scale: 0 },
  { in: "3Pi", str: "3Pi", format: 'BinarySI', float: 3377699720527872, unscaled: '3377699720527872000000000', scale: 9 },
  { in: "7Ei", str: "7Ei", format: 'BinarySI', float: 8070450532247929000, unscaled: '8070450532247928832000000000', scale: 9 },
  { in: "8Ei", str: "9223372036854775807", format: 'BinarySI', float: 9223372036854776000, unscaled: '9223372036854775807', scale: 0 },
  { in: "0.1Ki", str: "102400m", format: 'BinarySI', float: 102.4, unscaled: '102400000000', scale: 9 },
  { in: "-0.1Ki", str: "-102400m", format: 'BinarySI', float: -102.4, unscaled: '-102400000000', scale: 9 },
  { in: "1023Ki", str: "1023Ki", format: 'BinarySI', float: 1047552, unscaled: '1047552', scale: 0 },
  { in: "1048575Ki", str: "1048575Ki", format: 'BinarySI', float: 1073740800, unscaled: '1073740800', scale: 0 },
  { in: "0.001Ki", str: "1024m", format: 'BinarySI', float: 1.024, unscaled: '1024000000', scale: 9 },
  { in: "123.456", str: "123.456", format: 'DecimalSI', float: 123.456, unscaled: '123456', scale: 3 },
  { in: "1.234567890123456789", str: "1234567891n", format: 'DecimalSI', float: 1.234567891, unscaled: '1234567891', scale: 9 },
  { in: "999999999999999999", str: "999999999999999999", format: 'DecimalSI', float: 1000000000000000000, unscaled: '999999999999999999', scale: 0 },
  { in: "0.999999999999999999", str: "1", format: 'DecimalSI', float: 1, unscaled: '1000000000', scale: 9 },
  { in: "1e-2", str: "10e-3", format: 'DecimalExponent', float: 0.01, unscaled: '1', scale: 2 },
  { in: "-1e-2", str: "-10e-3", format: 'DecimalExponent', float: -0.01, unscaled: '-1', scale: 2 },
  { in: "12.34e1", str: "123400e-3", format: 'DecimalExponent', float: 123.4, unscaled: '1234', scale: 1 },
  { in: "1.000000001", str: "1.000000001", format: 'DecimalSI', float: 1.000000001, unscaled: '1000000001', scale: 9 },
  { in: "1.0000000001", str: "1000000001n", format: 'DecimalSI', float: 1.000000001, unscaled: '1000000001', scale: 9 },
  { in: "-1.0000000001", str: "-1000000001n", format: 'DecimalSI', float: -1.000000001, unscaled: '-1000000001', scale: 9 },
  { in: "500M", str: "500M", format: 'DecimalSI', float: 500000000, unscaled: '500', scale: -6 },
  { in: "2G", str: "2G", format: 'DecimalSI', float: 2000000000, unscaled: '2', scale: -9 },
  { in: "100k", str: "100k", format: 'DecimalSI', float: 100000, unscaled: '100', scale: -3 },
  { in: "1K", err: 'SUFFIX' },
  { in: "1mi", err: 'SUFFIX' },
  { in: "Mi", str: "0", format: 'BinarySI', float: 0, unscaled: '0', scale: 0 },
  { in: "e3", str: "0", format: 'DecimalExponent', float: 0, unscaled: '0', scale: -3 },
  { in: "1.2.3", err: 'FORMAT' },
  { in: "1..2", err: 'FORMAT' },
  { in: "1e3e3", err: 'FORMAT' },
  { in: "1-", err: 'SUFFIX' },
  { in: "1+", err: 'SUFFIX' },
  { in: "1m3", err: 'SUFFIX' },
  { in: "1k1", err: 'SUFFIX' },
  { in: "1e1.5", err: 'FORMAT' },
  { in: "100Mi", str: "100Mi", format: 'BinarySI', float: 104857600, unscaled: '104857600', scale: 0 },
  { in: "250m", str: "250m", format: 'DecimalSI', float: 0.25, unscaled: '250', scale: 3 },
  { in: "2500m", str: "2500m", format: 'DecimalSI', float: 2.5, unscaled: '2500', scale: 3 },
  { in: "0.25", str: "250m", format: 'DecimalSI', float: 0.25, unscaled: '25', scale: 2 },
  { in: "64Mi", str: "64Mi", format: 'BinarySI', float: 67108864, unscaled: '67108864', scale: 0 },
  { in: "128974848", str: "128974848", format: 'DecimalSI', float: 128974848, unscaled: '128974848', scale: 0 },
  { in: "129e6", str: "129e6", format: 'DecimalExponent', float: 129000000, unscaled: '129', scale: -6 },
  { in: "129M", str: "129M", format: 'DecimalSI', float: 129000000, unscaled: '129', scale: -6 },
  { in: "123Mi", str: "123Mi", format: 'BinarySI', float: 128974848, unscaled: '128974848', scale: 0 },
  { in: "-6468k", str: "-6468k", format: 'DecimalSI', float: -6468000, unscaled: '-6468', scale: -3 },
  { in: "+374e3", str: "+374e3", format: 'DecimalExponent', float: 374000, unscaled: '374', scale: -3 },
  { in: "1.3e-3", str: "1300e-6", format: 'DecimalExponent', float: 0.0013000000000000002, unscaled: '13', scale: 4 },
  { in: "-9.00645E6", str: "-9006450", format: 'DecimalExponent', float: -9006450, unscaled: '-900645', scale: -1 },
  { in: "457341456066415349.0047G", str: "457341456066415349004700k", format: 'DecimalSI', float: 4.573414560664154e+26, unscaled: '457341456066415349004700000000000000', scale: 9 },
  { in: "-9509677164196.09179T", str: "-9509677164196091790M", format: 'DecimalSI', float: -9.509677164196092e+24, unscaled: '-950967716419609179', scale: -7 },
  { in: "736617078747460457.00008k", str: "736617078747460457000080m", format: 'DecimalSI', float: 736617078747460500000, unscaled: '736617078747460457000080000000', scale: 9 },
  { in: "+9.6578688354n", str: "10n", format: 'DecimalSI', float: 1e-08, unscaled: '10', scale: 9 },
  { in: "+42186721765720.89k", str: "42186721765720890", format: 'DecimalSI', float: 42186721765720890, unscaled: '4218672176572089', scale: -1 },
  { in: "+563925448.95609Mi", str: "591318691564581027840u", format: 'BinarySI', float: 591318691564581, unscaled: '591318691564581027840000', scale: 9 },
  { in: "+15T", str: "+15T", format: 'DecimalSI', float: 15000000000000, unscaled: '15', scale: -12 },
  { in: "694849312n", str: "694849312n", format: 'DecimalSI', float: 0.694849312, unscaled: '694849312', scale: 9 },
  { in: "+6675615.1351929n", str: "6675616n", format: 'DecimalSI', float: 0.0066756160000000005, unscaled: '6675616', scale: 9 },
  { in: "663296843877422.67Ei", str: "9223372036854775807", format: 'BinarySI', float: 9223372036854776000, unscaled: '9223372036854775807', scale: 0 },
  { in: "-431210330628.1719888006k", str: "-431210330628171988800600n", format: 'DecimalSI', float: -431210330628172, unscaled: '-431210330628171988800600', scale: 9 },
  { in: "+46625835u", str: "+46625835u", format: 'DecimalSI', float: 46.625834999999995, unscaled: '46625835', scale: 6 },
  { in: "-67676.48553593e-3", str: "-67676485536e-9", format: 'DecimalExponent', float: -67.676485536, unscaled: '-67676485536', scale: 9 },
  { in: "-70435810638480048805E", str: "-70435810638480048805E", format: 'DecimalSI', float: -7.043581063848005e+37, unscaled: '-70435810638480048805000000000000000000000000000', scale: 9 },
  { in: "-10156033797.481Gi", str: "-9223372036854775807", format: 'BinarySI', float: -9223372036854776000, unscaled: '-9223372036854775807', scale: 0 },
  { in: "+7395180922.12656396781T", str: "7395180922126563967810", format: 'DecimalSI', float: 7.395180922126564e+21, unscaled: '7395180922126563967810000000000', scale: 9 },
  { in: "57908954755017869579P", str: "57908954755017869579P", format: 'DecimalSI', float: 5.790895475501787e+34, unscaled: '57908954755017869579000000000000000000000000', scale: 9 },
  { in: "-484951378155434036e3", str: "-484951378155434036e3", format: 'DecimalExponent', float: -484951378155434000000, unscaled: '-484951378155434036', scale: -3 },
  { in: "-1911500004920875m", str: "-1911500004920875m", format: 'DecimalSI', float: -1911500004920.875, unscaled: '-1911500004920875', scale: 3 },
  { in: "+60712824u", str: "+60712824u", format: 'DecimalSI', float: 60.712824, unscaled: '60712824', scale: 6 },
  { in: "-85.00003Mi", str: "-89128991457280u", format: 'BinarySI', float: -89128991.45728001, unscaled: '-89128991457280000', scale: 9 },
  { in: "9957991506", str: "9957991506", format: 'DecimalSI', float: 9957991506, unscaled: '9957991506', scale: 0 },
  { in: "1757909.648Ki", str: "1800099479552m", format: 'BinarySI', float: 1800099479.552, unscaled: '1800099479552000000', scale: 9 },
  { in: "51680925643004723601.68M", str: "51680925643004723601680k", format: 'DecimalSI', float: 5.168092564300473e+25, unscaled: '51680925643004723601680000000000000', scale: 9 },
  { in: "34327.954Mi", str: "35995468693504m", format: 'BinarySI', float: 35995468693.504005, unscaled: '35995468693504000000', scale: 9 },
  { in: "-7500347.6471166901P", str: "-7500347647116690100k", format: 'DecimalSI', float: -7.50034764711669e+21, unscaled: '-75003476471166901', scale: -5 },
];

const ERRORS = { FORMAT: QUANTITY_ERR_FORMAT, NUMERIC: QUANTITY_ERR_NUMERIC, SUFFIX: QUANTITY_ERR_SUFFIX };

test('parseQuantity: canonical String(), format, approximate float and representation (Go table)', () => {
  for (const row of PARSE) {
    const r = parseQuantityResult(row.in);
    if ('err' in row) {
      assert.deepEqual(r, { ok: false, error: ERRORS[row.err] }, row.in);
      assert.equal(parseQuantity(row.in), undefined);
      continue;
    }
    assert.ok(r.ok, row.in);
    const q = r.quantity;
    assert.equal(q.toString(), row.str, `String() of ${row.in}`);
    assert.equal(q.format, row.format, `format of ${row.in}`);
    assert.equal(q.toNumber(), row.float, `float of ${row.in}`);
    assert.equal(q.unscaled.toString(), row.unscaled, `unscaled of ${row.in}`);
    assert.equal(q.scale, row.scale, `scale of ${row.in}`);
  }
});

test('parseQuantityOrThrow throws a typed error with Go message', () => {
  assert.throws(() => parseQuantityOrThrow('1 Ki'), (e: unknown) => e instanceof QuantityParseError && e.code === 'QUANTITY_PARSE' && e.message === QUANTITY_ERR_FORMAT);
  assert.throws(() => parseQuantityOrThrow('NaN'), QuantityParseError);
  assert.equal(parseQuantityOrThrow('2Gi').toString(), '2Gi');
});

// Expected values: Go (A = Quantity.Add, S = Quantity.Sub, C = Cmp; M/D = Kyverno's multiply/divide of a
// quantity by a float: ParseQuantity(fmt.Sprintf("%v", f)), inf.Dec Mul / QuoRound(RoundDown) at the
// larger scale, NewDecimalQuantity(result, format).String()).
type OpRow = { op: 'A' | 'S' | 'C' | 'M' | 'D'; a: string; b: string; want: string };
const OPS: OpRow[] = [
  { op: 'A', a: "0", b: "7Ei", want: "7Ei" },
  { op: 'A', a: "0.5Ki", b: "10", want: "522" },
  { op: 'C', a: "0.5Ki", b: "13Ki", want: "-1" },
  { op: 'S', a: "1.5", b: "1023.5Ki", want: "-1048062500m" },
  { op: 'A', a: "9223372036854775807", b: "1Ei", want: "10376293541461622783" },
  { op: 'C', a: "1n", b: "12Ki", want: "-1" },
  { op: 'A', a: "0.5Ki", b: "0.1", want: "512100m" },
  { op: 'S', a: "12Ki", b: "1Mi", want: "-1012Ki" },
  { op: 'S', a: "12Ki", b: "1.5Gi", want: "-1572852Ki" },
  { op: 'A', a: "7Ei", b: "1Mi", want: "7696581394433Mi" },
  { op: 'S', a: "0", b: "1024Mi", want: "-1Gi" },
  { op: 'A', a: "0.5Ki", b: "1.5Gi", want: "1610613248" },
  { op: 'C', a: "0", b: "9223372036854775807", want: "-1" },
  { op: 'S', a: "100m", b: "1024Mi", want: "-1073741823900m" },
  { op: 'S', a: "7Ei", b: "1Mi", want: "7696581394431Mi" },
  { op: 'S', a: "0.5Ki", b: "12Ki", want: "-11776" },
  { op: 'S', a: "0.5Ki", b: "1.5", want: "510500m" },
  { op: 'S', a: "1n", b: "13Ki", want: "-13311999999999n" },
  { op: 'S', a: "9223372036854775807", b: "0.5Ki", want: "9223372036854775295" },
  { op: 'S', a: "100m", b: "100m", want: "0" },
  { op: 'A', a: "0", b: "9223372036854775807", want: "9223372036854775807" },
  { op: 'C', a: "100m", b: "100m", want: "0" },
  { op: 'S', a: "1n", b: "1E", want: "-999999999999999999999999999n" },
  { op: 'A', a: "9223372036854775807", b: "10", want: "9223372036854775817" },
  { op: 'A', a: "12Ki", b: "100m", want: "12288100m" },
  { op: 'C', a: "12Ki", b: "1023.5Ki", want: "-1" },
  { op: 'S', a: "100m", b: "1e3", want: "-999900m" },
  { op: 'S', a: "12Ki", b: "0.1", want: "12287900m" },
  { op: 'C', a: "-1Ki", b: "9223372036854775807", want: "-1" },
  { op: 'S', a: "12Ki", b: "9223372036854775807", want: "-9223372036854763519" },
  { op: 'C', a: "0", b: "1Mi", want: "-1" },
  { op: 'S', a: "1n", b: "12Ki", want: "-12287999999999n" },
  { op: 'A', a: "9223372036854775807", b: "1E", want: "10223372036854775807" },
  { op: 'C', a: "7Ei", b: "-1Ki", want: "1" },
  { op: 'C', a: "9223372036854775807", b: "1024Mi", want: "1" },
  { op: 'C', a: "7Ei", b: "500m", want: "1" },
  { op: 'C', a: "1.5", b: "1Mi", want: "-1" },
  { op: 'C', a: "9223372036854775807", b: "1k", want: "1" },
  { op: 'A', a: "1.5", b: "9223372036854775807", want: "9223372036854775808500m" },
  { op: 'A', a: "12Ki", b: "7Ei", want: "7881299347898380Ki" },
  { op: 'S', a: "100m", b: "12Ki", want: "-12287900m" },
  { op: 'C', a: "1n", b: "-1Ki", want: "1" },
  { op: 'A', a: "0", b: "100m", want: "100m" },
  { op: 'A', a: "0", b: "1024Mi", want: "1Gi" },
  { op: 'C', a: "7Ei", b: "9223372036854775807", want: "-1" },
  { op: 'S', a: "0.5Ki", b: "500m", want: "511500m" },
  { op: 'C', a: "7Ei", b: "100m", want: "1" },
  { op: 'A', a: "1n", b: "7Ei", want: "8070450532247928832000000001n" },
  { op: 'C', a: "9223372036854775807", b: "2.5", want: "1" },
  { op: 'C', a: "9223372036854775807", b: "1.5Gi", want: "1" },
  { op: 'A', a: "1n", b: "1023.5Ki", want: "1048064000000001n" },
  { op: 'A', a: "7Ei", b: "13Ki", want: "7881299347898381Ki" },
  { op: 'A', a: "0.5Ki", b: "2.5", want: "514500m" },
  { op: 'C', a: "-1Ki", b: "1Mi", want: "-1" },
  { op: 'C', a: "12Ki", b: "1k", want: "1" },
  { op: 'S', a: "-1Ki", b: "1.5", want: "-1025500m" },
  { op: 'C', a: "100m", b: "1k", want: "-1" },
  { op: 'S', a: "-1Ki", b: "1024Mi", want: "-1048577Ki" },
  { op: 'C', a: "0.5Ki", b: "12Ki", want: "-1" },
  { op: 'S', a: "1.5", b: "7Ei", want: "-8070450532247928830500m" },
  { op: 'A', a: "0", b: "1.5", want: "1500m" },
  { op: 'A', a: "0", b: "1Mi", want: "1Mi" },
  { op: 'A', a: "-1Ki", b: "100m", want: "-1023900m" },
  { op: 'S', a: "1.5", b: "1024Mi", want: "-1073741822500m" },
  { op: 'S', a: "12Ki", b: "1023.5Ki", want: "-1035776" },
  { op: 'S', a: "1n", b: "1.5", want: "-1499999999n" },
  { op: 'A', a: "1n", b: "1.5Gi", want: "1610612736000000001n" },
  { op: 'A', a: "1.5", b: "-1Ki", want: "-1022500m" },
  { op: 'S', a: "9223372036854775807", b: "13", want: "9223372036854775794" },
  { op: 'C', a: "12Ki", b: "1Mi", want: "-1" },
  { op: 'A', a: "7Ei", b: "13", want: "8070450532247928845" },
  { op: 'S', a: "0.5Ki", b: "2.5", want: "509500m" },
  { op: 'C', a: "12Ki", b: "0", want: "1" },
  { op: 'A', a: "-1Ki", b: "1e3", want: "-24" },
  { op: 'C', a: "0.5Ki", b: "1Ei", want: "-1" },
  { op: 'C', a: "7Ei", b: "1.5", want: "1" },
  { op: 'S', a: "1.5", b: "1E", want: "-999999999999999998500m" },
  { op: 'A', a: "12Ki", b: "1n", want: "12288000000001n" },
  { op: 'S', a: "12Ki", b: "1n", want: "12287999999999n" },
  { op: 'C', a: "9223372036854775807", b: "500m", want: "1" },
  { op: 'C', a: "-1Ki", b: "0.5Ki", want: "-1" },
  { op: 'A', a: "-1Ki", b: "1.5", want: "-1022500m" },
  { op: 'S', a: "1n", b: "1Ei", want: "-1152921504606846975999999999n" },
  { op: 'S', a: "0", b: "1Ei", want: "-1Ei" },
  { op: 'C', a: "0.5Ki", b: "1k", want: "-1" },
  { op: 'C', a: "-1Ki", b: "500m", want: "-1" },
  { op: 'S', a: "12Ki", b: "13", want: "12275" },
  { op: 'A', a: "1.5", b: "1.5", want: "3" },
  { op: 'C', a: "1.5", b: "500m", want: "1" },
  { op: 'C', a: "12Ki", b: "9223372036854775807", want: "-1" },
  { op: 'M', a: "1e3", b: "1e-7", want: "100e-6" },
  { op: 'D', a: "1E", b: "1e6", want: "1T" },
  { op: 'M', a: "7Ei", b: "1e-7", want: "807045053224792883200n" },
  { op: 'D', a: "1Ei", b: "0.5", want: "2Ei" },
  { op: 'D', a: "0", b: "0.1", want: "0" },
  { op: 'D', a: "13Ki", b: "1e21", want: "0" },
  { op: 'D', a: "0.1", b: "1e-7", want: "1M" },
  { op: 'D', a: "500m", b: "1e6", want: "0" },
  { op: 'M', a: "1n", b: "1e6", want: "1m" },
  { op: 'D', a: "100m", b: "0.3333333333333333", want: "299999999n" },
  { op: 'M', a: "2.5", b: "2", want: "5" },
  { op: 'D', a: "2.5", b: "2.5", want: "1" },
  { op: 'D', a: "1024Mi", b: "0.1", want: "10Gi" },
  { op: 'M', a: "1Mi", b: "0.5", want: "512Ki" },
  { op: 'D', a: "2.5", b: "1e-7", want: "25M" },
  { op: 'D', a: "1.5Gi", b: "1e6", want: "1610612736u" },
  { op: 'D', a: "1023.5Ki", b: "0.1", want: "10235Ki" },
  { op: 'D', a: "1Ei", b: "-2", want: "-512Pi" },
  { op: 'D', a: "10", b: "1e6", want: "0" },
  { op: 'D', a: "9223372036854775807", b: "2", want: "4611686018427387903500m" },
  { op: 'M', a: "7Ei", b: "0.3333333333333333", want: "2690150182796276632165285888n" },
  { op: 'D', a: "10", b: "0.1", want: "100" },
  { op: 'M', a: "1Ei", b: "2.5", want: "2560Pi" },
  { op: 'D', a: "1Mi", b: "0.5", want: "2Mi" },
  { op: 'M', a: "7Ei", b: "100", want: "700Ei" },
  { op: 'D', a: "12Ki", b: "1e-7", want: "120000000Ki" },
  { op: 'D', a: "1E", b: "7", want: "142857142857142857" },
  { op: 'M', a: "500m", b: "1e-7", want: "50n" },
  { op: 'M', a: "12Ki", b: "0.3333333333333333", want: "4096000008192n" },
  { op: 'M', a: "100m", b: "7", want: "700m" },
  { op: 'D', a: "13", b: "-2", want: "-6" },
  { op: 'M', a: "0.1", b: "0.5", want: "50m" },
  { op: 'D', a: "1024Mi", b: "0.3333333333333333", want: "3221225465557549068n" },
  { op: 'D', a: "1n", b: "2.5", want: "0" },
  { op: 'D', a: "1Ei", b: "0.3333333333333333", want: "3458764506903011914193976171n" },
  { op: 'D', a: "0.5Ki", b: "0.3333333333333333", want: "1535999996928n" },
  { op: 'M', a: "12Ki", b: "100", want: "1200Ki" },
  { op: 'M', a: "13", b: "0.1", want: "1300m" },
  { op: 'D', a: "12Ki", b: "0.3333333333333333", want: "36863999926272n" },
  { op: 'M', a: "1n", b: "1e21", want: "1T" },
  { op: 'D', a: "9223372036854775807", b: "7", want: "1317624576693539401" },
  { op: 'D', a: "1024Mi", b: "1e-7", want: "10000000Gi" },
  { op: 'D', a: "7Ei", b: "7", want: "1Ei" },
  { op: 'D', a: "500m", b: "0.1", want: "5" },
  { op: 'D', a: "-1Ki", b: "-2", want: "512" },
  { op: 'M', a: "1n", b: "-2", want: "-2n" },
  { op: 'D', a: "-1Ki", b: "0.3333333333333333", want: "-3071999993856n" },
  { op: 'M', a: "500m", b: "1e6", want: "500k" },
  { op: 'M', a: "1Ei", b: "3", want: "3Ei" },
  { op: 'D', a: "7Ei", b: "1e21", want: "8070450n" },
  { op: 'D', a: "1.5Gi", b: "1e-7", want: "15000000Gi" },
  { op: 'D', a: "13Ki", b: "2", want: "6656" },
  { op: 'M', a: "100m", b: "0.1", want: "10m" },
  { op: 'D', a: "500m", b: "0.5", want: "1" },
  { op: 'M', a: "1023.5Ki", b: "1e6", want: "1023500000Ki" },
  { op: 'D', a: "1k", b: "1e-7", want: "10G" },
  { op: 'D', a: "1Ei", b: "1e-7", want: "10000000Ei" },
  { op: 'M', a: "9223372036854775807", b: "0.5", want: "4611686018427387903500m" },
  { op: 'D', a: "500m", b: "100", want: "5m" },
  { op: 'D', a: "-1Ki", b: "100", want: "-10" },
];

test('quantity arithmetic and comparison (Go table)', () => {
  for (const row of OPS) {
    const a = parseQuantityOrThrow(row.a);
    let got: string;
    switch (row.op) {
      case 'A':
        got = a.add(parseQuantityOrThrow(row.b)).toString();
        break;
      case 'S':
        got = a.sub(parseQuantityOrThrow(row.b)).toString();
        break;
      case 'C':
        got = String(a.cmp(parseQuantityOrThrow(row.b)));
        break;
      case 'M':
        got = a.mul(parseQuantityOrThrow(goSprintFloat(Number(row.b)))).toString();
        break;
      case 'D':
        got = a.divRoundDown(parseQuantityOrThrow(goSprintFloat(Number(row.b)))).toString();
        break;
    }
    assert.equal(got, row.want, `${row.op}(${row.a}, ${row.b})`);
  }
});

test("Kyverno arithmetic_test.go quantity results", () => {
  const q = parseQuantityOrThrow;
  assert.equal(q('12Ki').add(q('13Ki')).toString(), '25Ki');
  assert.equal(q('12Ki').add(q('13')).toString(), '12301');
  assert.equal(q('12Ki').sub(q('13Ki')).toString(), '-1Ki');
  assert.equal(q('12Ki').sub(q('13')).toString(), '12275');
  assert.equal(q('12Ki').mul(q(goSprintFloat(2))).toString(), '24Ki');
  assert.equal(q('12Ki').mul(q(goSprintFloat(2.5))).toString(), '30Ki');
  assert.equal(q('12').mul(q(goSprintFloat(2.5))).toString(), '30');
  assert.equal(q('12Ki').divRoundDown(q(goSprintFloat(3))).toString(), '4Ki');
  assert.equal(q('128M').toNumber() / q('256M').toNumber(), 0.5);
  assert.equal(q('12Ki').toNumber() / q('2Ki').toNumber(), 6);
  assert.equal(q('12Ki').toNumber() / q('200').toNumber(), 61.44);
  // sum folds add: 12Ki + 13Ki + 1Ki + 4Ki
  assert.equal(q('12Ki').add(q('13Ki')).add(q('1Ki')).add(q('4Ki')).toString(), '30Ki');
  // modulo('12Ki', '5Ki'): int64 of the approximate floats, Go %, NewQuantity in the first format
  const i1 = goFloat64ToInt64(q('12Ki').toNumber());
  const i2 = goFloat64ToInt64(q('5Ki').toNumber());
  assert.equal(Quantity.fromInt64(i1 % i2, q('12Ki').format).toString(), '2Ki');
});

test('cmp/equals/sign/isZero', () => {
  const q = parseQuantityOrThrow;
  assert.equal(q('1Gi').cmp(q('1024Mi')), 0);
  assert.ok(q('1Gi').equals(q('1073741824')));
  assert.equal(q('500m').cmp(q('0.5')), 0);
  assert.equal(q('100Mi').cmp(q('100M')), 1);
  assert.equal(q('-1').cmp(q('1n')), -1);
  assert.equal(q('-2').sign(), -1);
  assert.ok(q('0Ki').isZero());
  assert.equal(q('0').sign(), 0);
});

test('a zero left operand takes the format of the right one (Add/Sub)', () => {
  const q = parseQuantityOrThrow;
  assert.equal(q('0').add(q('2Ki')).toString(), '2Ki');
  assert.equal(q('0').sub(q('2Ki')).toString(), '-2Ki');
  assert.equal(q('1k').add(q('0Ki')).format, 'DecimalSI');
});

test('fromDec renders with the constructed format and Go suffix table gaps', () => {
  // 150e-12 has no DecimalSI suffix: Go emits the mantissa without one.
  assert.equal(Quantity.fromDec(15n, 11, 'DecimalSI').toString(), '150');
  assert.equal(Quantity.fromDec(15n, 11, 'DecimalExponent').toString(), '150e-12');
  assert.equal(Quantity.fromInt64(3n, 'BinarySI').toString(), '3');
  assert.equal(Quantity.fromInt64(2048n, 'BinarySI').toString(), '2Ki');
});

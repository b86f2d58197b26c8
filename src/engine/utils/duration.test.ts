import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  durationFromFloat,
  durationSeconds,
  formatDuration,
  parseDuration,
  parseDurationNs,
  parseDurationResult,
  secondsToDuration,
} from './duration.ts';

// Expected values: a Go program printing time.ParseDuration(s) (nanoseconds or error), d.String() and
// d.Seconds() for each input.
type ParseRow = { in: string; ns: string; str: string; sec: number } | { in: string; err: string };
const PARSE: ParseRow[] = [
  { in: "1h", ns: '3600000000000', str: "1h0m0s", sec: 3600 },
  { in: "1.5h", ns: '5400000000000', str: "1h30m0s", sec: 5400 },
  { in: "0", ns: '0', str: "0s", sec: 0 },
  { in: "-0", ns: '0', str: "0s", sec: 0 },
  { in: "+0", ns: '0', str: "0s", sec: 0 },
  { in: "00", err: "time: missing unit in duration \"00\"" },
  { in: "", err: "time: invalid duration \"\"" },
  { in: "1", err: "time: missing unit in duration \"1\"" },
  { in: "1s1", err: "time: missing unit in duration \"1s1\"" },
  { in: ".s", err: "time: invalid duration \".s\"" },
  { in: "1.s", ns: '1000000000', str: "1s", sec: 1 },
  { in: ".5s", ns: '500000000', str: "500ms", sec: 0.5 },
  { in: "1µs", ns: '1000', str: "1µs", sec: 1e-06 },
  { in: "1μs", ns: '1000', str: "1µs", sec: 1e-06 },
  { in: "1us", ns: '1000', str: "1µs", sec: 1e-06 },
  { in: "2h45m", ns: '9900000000000', str: "2h45m0s", sec: 9900 },
  { in: "9223372036854775807ns", ns: '9223372036854775807', str: "2562047h47m16.854775807s", sec: 9223372036.854776 },
  { in: "9223372036854775808ns", err: "time: invalid duration \"9223372036854775808ns\"" },
  { in: "-9223372036854775808ns", ns: '-9223372036854775808', str: "-2562047h47m16.854775808s", sec: -9223372036.854776 },
  { in: "-9223372036854775809ns", err: "time: invalid duration \"-9223372036854775809ns\"" },
  { in: "2562047h47m16.854775807s", ns: '9223372036854775807', str: "2562047h47m16.854775807s", sec: 9223372036.854776 },
  { in: "2562047h47m16.854775808s", err: "time: invalid duration \"2562047h47m16.854775808s\"" },
  { in: "1.0000000000000000000001h", ns: '3600000000000', str: "1h0m0s", sec: 3600 },
  { in: "1x", err: "time: unknown unit \"x\" in duration \"1x\"" },
  { in: "1é", err: "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"" },
  { in: "3m\\n", err: "time: unknown unit \"m\\\\n\" in duration \"3m\\\\n\"" },
  { in: "1.5e3s", err: "time: unknown unit \"e\" in duration \"1.5e3s\"" },
  { in: "-1.5s", ns: '-1500000000', str: "-1.5s", sec: -1.5 },
  { in: "0.1ns", ns: '0', str: "0s", sec: 0 },
  { in: "1.9ns", ns: '1', str: "1ns", sec: 1e-09 },
  { in: "300ms", ns: '300000000', str: "300ms", sec: 0.3 },
  { in: "10s", ns: '10000000000', str: "10s", sec: 10 },
  { in: "1m30s", ns: '90000000000', str: "1m30s", sec: 90 },
  { in: "-1m-30s", err: "time: unknown unit \"m-\" in duration \"-1m-30s\"" },
  { in: "1h-30m", err: "time: unknown unit \"h-\" in duration \"1h-30m\"" },
  { in: "+5m", ns: '300000000000', str: "5m0s", sec: 300 },
  { in: "--5m", err: "time: invalid duration \"--5m\"" },
  { in: "5", err: "time: missing unit in duration \"5\"" },
  { in: "30m", ns: '1800000000000', str: "30m0s", sec: 1800 },
  { in: "1.h", ns: '3600000000000', str: "1h0m0s", sec: 3600 },
  { in: "h", err: "time: invalid duration \"h\"" },
  { in: "0s", ns: '0', str: "0s", sec: 0 },
  { in: "0.0s", ns: '0', str: "0s", sec: 0 },
  { in: "1.123456789123s", ns: '1123456789', str: "1.123456789s", sec: 1.123456789 },
  { in: "0.333333333333333333333h", ns: '1200000000000', str: "20m0s", sec: 1200 },
  { in: "99999999999999999999ns", err: "time: invalid duration \"99999999999999999999ns\"" },
  { in: "2562048h", err: "time: invalid duration \"2562048h\"" },
  { in: "2562047h48m", err: "time: invalid duration \"2562047h48m\"" },
  { in: "1d", err: "time: unknown unit \"d\" in duration \"1d\"" },
  { in: "1 s", err: "time: unknown unit \" s\" in duration \"1 s\"" },
  { in: " 1s", err: "time: invalid duration \" 1s\"" },
  { in: "1s ", err: "time: unknown unit \"s \" in duration \"1s \"" },
  { in: "5M", err: "time: unknown unit \"M\" in duration \"5M\"" },
  { in: "1.5µs", ns: '1500', str: "1.5µs", sec: 1.5e-06 },
  { in: ".0000001h", ns: '360000', str: "360µs", sec: 0.00036 },
  { in: "1.000000000001ms", ns: '1000000', str: "1ms", sec: 0.001 },
  { in: "9.9999999999h", ns: '35999999999640', str: "9h59m59.99999964s", sec: 35999.99999964 },
  { in: "3.6e12ns", err: "time: unknown unit \"e\" in duration \"3.6e12ns\"" },
  { in: "85.1474ms7ns", ns: '85147407', str: "85.147407ms", sec: 0.085147407 },
  { in: "63365.909378ms", ns: '63365909378', str: "1m3.365909378s", sec: 63.365909378 },
  { in: "-17.4061329631us138us", ns: '-155406', str: "-155.406µs", sec: -0.000155406 },
  { in: "+78442244s0µs144061155ns", ns: '78442244144061155', str: "21789h30m44.144061155s", sec: 78442244.14406115 },
  { in: "+351752h2ms", ns: '1266307200002000000', str: "351752h0m0.002s", sec: 1266307200.002 },
  { in: "46419ns", ns: '46419', str: "46.419µs", sec: 4.6419e-05 },
  { in: "-66286829m485843847.4h44547824µs", err: "time: invalid duration \"-66286829m485843847.4h44547824\\xc2\\xb5s\"" },
  { in: "4711651877ns11142947s", ns: '11142951711651877', str: "3095h15m51.711651877s", sec: 11142951.711651877 },
  { in: "476002.82442438012us", ns: '476002824', str: "476.002824ms", sec: 0.476002824 },
  { in: "-66344h82169µs4574.2552070277µs", ns: '-238838400086743255', str: "-66344h0m0.086743255s", sec: -238838400.08674327 },
  { in: "96297h5s", ns: '346669205000000000', str: "96297h0m5s", sec: 346669205 },
  { in: "40350.7743us302m", ns: '18120040350774', str: "5h2m0.040350774s", sec: 18120.040350774 },
  { in: "41.592µs", ns: '41592', str: "41.592µs", sec: 4.1592e-05 },
  { in: "+7.65212343µs1.67378318681µs797649354.79797592105s", ns: '797649354797985246', str: "221569h15m54.797985246s", sec: 797649354.7979852 },
  { in: "583h", ns: '2098800000000000', str: "583h0m0s", sec: 2098800 },
  { in: "+1ns", ns: '1', str: "1ns", sec: 1e-09 },
  { in: "-2402154336us", ns: '-2402154336000', str: "-40m2.154336s", sec: -2402.154336 },
  { in: "+28677808us", ns: '28677808000', str: "28.677808s", sec: 28.677808 },
  { in: "6.932141718937m500019871ns", ns: '416428523007', str: "6m56.428523007s", sec: 416.428523007 },
  { in: "40005948ns0.565h", ns: '2034040005948', str: "33m54.040005948s", sec: 2034.040005948 },
  { in: "19150226352h", err: "time: invalid duration \"19150226352h\"" },
  { in: "+58627570us", ns: '58627570000', str: "58.62757s", sec: 58.62757 },
  { in: "-5014217ns4.88µs5502076.3584µs", ns: '-5507095455', str: "-5.507095455s", sec: -5.507095455 },
  { in: "-828ms", ns: '-828000000', str: "-828ms", sec: -0.828 },
  { in: "+6096842742s37us", ns: '6096842742000037000', str: "1693567h25m42.000037s", sec: 6096842742.000037 },
  { in: "+6us14m164158.1ns", ns: '840000170158', str: "14m0.000170158s", sec: 840.000170158 },
  { in: "82030063ms7058239.341870085317µs", ns: '82037121239341', str: "22h47m17.121239341s", sec: 82037.121239341 },
  { in: "-52594m9634us754056h", ns: '-2717757240009634000', str: "-754932h34m0.009634s", sec: -2717757240.009634 },
  { in: "-495921190849s189ms799609893us", err: "time: invalid duration \"-495921190849s189ms799609893us\"" },
  { in: "32300933µs", ns: '32300933000', str: "32.300933s", sec: 32.300933 },
  { in: "+83325406811h", err: "time: invalid duration \"+83325406811h\"" },
  { in: "-834803.54963052193s75us7µs", ns: '-834803549712521', str: "-231h53m23.549712521s", sec: -834803.549712521 },
  { in: "7748063s", ns: '7748063000000000', str: "2152h14m23s", sec: 7748063 },
  { in: "+516721248721m2092094981ms", err: "time: invalid duration \"+516721248721m2092094981ms\"" },
  { in: "-8249µs", ns: '-8249000', str: "-8.249ms", sec: -0.008249 },
  { in: "+67909976.437225us7844011031.8695271554464us5178.71µs", ns: '7911926187016', str: "2h11m51.926187016s", sec: 7911.926187016 },
  { in: "-505078144325.43922332925492us60ns", ns: '-505078144325499', str: "-140h17m58.144325499s", sec: -505078.144325499 },
  { in: "-611569842944µs204.337µs", ns: '-611569843148337', str: "-169h52m49.843148337s", sec: -611569.843148337 },
  { in: "765789708.2103ns35379s7ns", ns: '35379765789715', str: "9h49m39.765789715s", sec: 35379.765789715 },
  { in: "-0m955313us661715674.59672680557240s", ns: '-661715675552039805', str: "-183809h54m35.552039805s", sec: -661715675.5520399 },
];

test('parseDuration matches time.ParseDuration (values and error messages)', () => {
  for (const row of PARSE) {
    const r = parseDurationResult(row.in);
    if ('err' in row) {
      assert.deepEqual(r, { ok: false, error: row.err }, row.in);
      assert.equal(parseDuration(row.in), undefined);
      assert.equal(parseDurationNs(row.in), undefined);
      continue;
    }
    assert.ok(r.ok, row.in);
    assert.equal(r.ns.toString(), row.ns, row.in);
    assert.equal(parseDuration(row.in), Number(row.ns));
    assert.equal(formatDuration(r.ns), row.str, `String() of ${row.in}`);
    assert.equal(durationSeconds(r.ns), row.sec, `Seconds() of ${row.in}`);
  }
});

// Expected values: Go time.Duration(n).String() and .Seconds().
const FORMAT: { ns: string; str: string; sec: number }[] = [
  { ns: '0', str: "0s", sec: 0 },
  { ns: '1', str: "1ns", sec: 1e-09 },
  { ns: '999', str: "999ns", sec: 9.99e-07 },
  { ns: '1000', str: "1µs", sec: 1e-06 },
  { ns: '1500', str: "1.5µs", sec: 1.5e-06 },
  { ns: '1000000', str: "1ms", sec: 0.001 },
  { ns: '1500000000', str: "1.5s", sec: 1.5 },
  { ns: '3600000000000', str: "1h0m0s", sec: 3600 },
  { ns: '-123000000000', str: "-2m3s", sec: -123 },
  { ns: '-9223372036854775808', str: "-2562047h47m16.854775808s", sec: -9223372036.854776 },
  { ns: '9223372036854775807', str: "2562047h47m16.854775807s", sec: 9223372036.854776 },
  { ns: '61000000000', str: "1m1s", sec: 61 },
  { ns: '3661001000000', str: "1h1m1.001s", sec: 3661.001 },
  { ns: '59999999999', str: "59.999999999s", sec: 59.999999999 },
  { ns: '-1', str: "-1ns", sec: -1e-09 },
  { ns: '-999999', str: "-999.999µs", sec: -0.000999999 },
  { ns: '86400000000000', str: "24h0m0s", sec: 86400 },
  { ns: '123456789', str: "123.456789ms", sec: 0.123456789 },
  { ns: '100000001', str: "100.000001ms", sec: 0.100000001 },
  { ns: '-836985557388970093', str: "-232495h59m17.388970093s", sec: -836985557.3889701 },
  { ns: '4250556549859644932', str: "1180710h9m9.859644932s", sec: 4250556549.859645 },
  { ns: '8639333659383957855', str: "2399814h54m19.383957855s", sec: 8639333659.383957 },
  { ns: '-8606234315180027407', str: "-2390620h38m35.180027407s", sec: -8606234315.180027 },
  { ns: '-4346121206077258933', str: "-1207255h53m26.077258933s", sec: -4346121206.077259 },
  { ns: '251814665016722814', str: "69948h31m5.016722814s", sec: 251814665.01672283 },
  { ns: '2940748889641437425', str: "816874h41m29.641437425s", sec: 2940748889.6414375 },
  { ns: '3113610384869526444', str: "864891h46m24.869526444s", sec: 3113610384.8695264 },
  { ns: '-8894144537365561487', str: "-2470595h42m17.365561487s", sec: -8894144537.365562 },
  { ns: '6187743173594354094', str: "1718817h32m53.594354094s", sec: 6187743173.594354 },
  { ns: '2697979128133277566', str: "749438h38m48.133277566s", sec: 2697979128.1332774 },
  { ns: '1141629770662281681', str: "317119h22m50.662281681s", sec: 1141629770.6622818 },
  { ns: '-4707634875953908433', str: "-1307676h21m15.953908433s", sec: -4707634875.953908 },
  { ns: '-1443039016222249209', str: "-400844h10m16.222249209s", sec: -1443039016.2222493 },
  { ns: '-6444131015148396166', str: "-1790036h23m35.148396166s", sec: -6444131015.1483965 },
  { ns: '3230305481973162911', str: "897307h4m41.973162911s", sec: 3230305481.973163 },
  { ns: '-5829431448812708810', str: "-1619286h30m48.81270881s", sec: -5829431448.812709 },
  { ns: '-4960437401106519075', str: "-1377899h16m41.106519075s", sec: -4960437401.106519 },
  { ns: '8688423498676909256', str: "2413450h58m18.676909256s", sec: 8688423498.676908 },
  { ns: '2887112303065079415', str: "801975h38m23.065079415s", sec: 2887112303.065079 },
  { ns: '-7203134998066833906', str: "-2000870h49m58.066833906s", sec: -7203134998.0668335 },
  { ns: '8030357052636570904', str: "2230654h44m12.636570904s", sec: 8030357052.636571 },
  { ns: '-3507954857772446986', str: "-974431h54m17.772446986s", sec: -3507954857.772447 },
  { ns: '2207981730988208900', str: "613328h15m30.9882089s", sec: 2207981730.988209 },
  { ns: '-314725779567619876', str: "-87423h49m39.567619876s", sec: -314725779.56761986 },
];

test('formatDuration and durationSeconds match Duration.String/Seconds', () => {
  for (const row of FORMAT) {
    assert.equal(formatDuration(BigInt(row.ns)), row.str, row.ns);
    assert.equal(durationSeconds(BigInt(row.ns)), row.sec, row.ns);
  }
  // number inputs are accepted (truncated to whole nanoseconds)
  assert.equal(formatDuration(1500000000), '1.5s');
  assert.equal(formatDuration(-123e9), '-2m3s');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(1000), '1\u00b5s');
});

test('float conversions as Go does them', () => {
  // time.Duration(x) * time.Second in Kyverno's condition operators truncates x first
  assert.equal(secondsToDuration(1.9), 1000000000n);
  assert.equal(secondsToDuration(-1.9), -1000000000n);
  // int64 wrap-around of the multiplication (Go: 1e10 * 1e9 overflows)
  assert.equal(secondsToDuration(1e10), BigInt.asIntN(64, 10000000000n * 1000000000n));
  // time.Duration(float64) conversion: truncation, amd64 out-of-range value is the minimum int64
  assert.equal(durationFromFloat(1.5e9), 1500000000n);
  assert.equal(durationFromFloat(-2.7), -2n);
  assert.equal(durationFromFloat(1e300), -(2n ** 63n));
  assert.equal(durationFromFloat(NaN), -(2n ** 63n));
});

/**
 * Kyverno's x509_decode(pem): the first PEM block (Go encoding/pem) must be a CERTIFICATE or a
 * CERTIFICATE REQUEST with an RSA key; the result is Go's `x509.Certificate` /
 * `x509.CertificateRequest` as encoding/json writes it (Go field names, byte slices in base64,
 * times in RFC 3339, the serial number as a JSON number), with `PublicKey: {N: "<decimal>", E: <int>}`.
 *
 * The DER parsing follows crypto/x509's parser (cryptobyte, DER strictness, extension handling) and
 * its error texts for the common failures (`x509: malformed certificate`, ...).
 */
import type { JsonObject, JsonValue } from '../../api/json.ts';
import { goError } from '../errors.ts';
import { utf8Bytes } from '../../utils/goconv.ts';
import { goBase64Decode, goUtf8Decode } from './encoding.ts';
import { formatRFC3339Nano, parseTime, type GoTime } from './go-time.ts';
import { UrlError, goUrlParse, urlErrorText } from './network.ts';
import { arg, type FunctionFamily } from './types.ts';

class X509Error extends Error {}

const fail = (msg: string): never => {
  throw new X509Error(msg);
};

// ASN.1 tags (class and constructed bits included, as cryptobyte uses them)
const T = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  NumericString: 0x12,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  BMPString: 0x1e,
  ctx: (n: number, constructed = false): number => 0x80 | (constructed ? 0x20 : 0) | n,
} as const;

/** A DER element: tag, whole encoding and contents. */
interface Element {
  tag: number;
  full: Uint8Array;
  body: Uint8Array;
}

/** A cryptobyte.String-like reader over DER bytes. */
class Der {
  private pos = 0;
  constructor(private readonly b: Uint8Array) {}

  empty(): boolean {
    return this.pos >= this.b.length;
  }

  peekTag(tag: number): boolean {
    return !this.empty() && this.b[this.pos] === tag;
  }

  /** Any element (cryptobyte ReadAnyASN1Element), or undefined when malformed. */
  readAny(): Element | undefined {
    const b = this.b;
    const start = this.pos;
    if (b.length - start < 2) return undefined;
    const tag = b[start] as number;
    if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers are not supported
    const lenByte = b[start + 1] as number;
    let headerLen: number;
    let length: number;
    if ((lenByte & 0x80) === 0) {
      length = lenByte;
      headerLen = 2;
    } else {
      const n = lenByte & 0x7f;
      if (n === 0 || n > 4 || b.length - start < 2 + n) return undefined;
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + (b[start + 2 + i] as number);
      // DER: minimal length encoding
      if (length < 128 || (n > 1 && b[start + 2] === 0)) return undefined;
      headerLen = 2 + n;
    }
    const end = start + headerLen + length;
    if (end > b.length) return undefined;
    this.pos = end;
    return { tag, full: b.subarray(start, end), body: b.subarray(start + headerLen, end) };
  }

  /** An element with the given tag. */
  read(tag: number): Element | undefined {
    if (!this.peekTag(tag)) return undefined;
    return this.readAny();
  }

  /** An optional element: undefined when absent, null when present but malformed. */
  readOptional(tag: number): Element | undefined | null {
    if (!this.peekTag(tag)) return undefined;
    return this.readAny() ?? null;
  }
}

function validInteger(body: Uint8Array): boolean {
  if (body.length === 0) return false;
  if (body.length === 1) return true;
  const a = body[0] as number;
  const b = body[1] as number;
  return !((a === 0 && (b & 0x80) === 0) || (a === 0xff && (b & 0x80) === 0x80));
}

function bigIntOf(body: Uint8Array): bigint {
  let v = 0n;
  for (const x of body) v = (v << 8n) | BigInt(x);
  if (body.length > 0 && ((body[0] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * body.length);
  return v;
}

function readInteger(d: Der): bigint | undefined {
  const e = d.read(T.INTEGER);
  if (!e || !validInteger(e.body)) return undefined;
  return bigIntOf(e.body);
}

function readOid(d: Der): number[] | undefined {
  const e = d.read(T.OID);
  return e && parseOid(e.body);
}

function parseOid(body: Uint8Array): number[] | undefined {
  if (body.length === 0) return undefined;
  const out: number[] = [];
  let v = 0;
  let started = false;
  for (let i = 0; i < body.length; i++) {
    const x = body[i] as number;
    if (!started && x === 0x80) return undefined; // non-minimal
    started = true;
    if (v >= 1 << 24) return undefined; // components must fit in 31 bits
    v = v * 128 + (x & 0x7f);
    if ((x & 0x80) === 0) {
      if (out.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        out.push(first, v - 40 * first);
      } else out.push(v);
      v = 0;
      started = false;
    } else if (i === body.length - 1) return undefined;
  }
  return out;
}

function oidEq(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function readBoolean(e: Element): boolean | undefined {
  if (e.body.length !== 1) return undefined;
  if (e.body[0] === 0) return false;
  if (e.body[0] === 0xff) return true;
  return undefined;
}

/** BIT STRING contents right-aligned (asn1.BitString.RightAlign) and the bit length. */
function readBitString(d: Der): { bytes: Uint8Array; bitLength: number } | undefined {
  const e = d.read(T.BIT_STRING);
  if (!e || e.body.length === 0) return undefined;
  const pad = e.body[0] as number;
  const data = e.body.subarray(1);
  if (pad > 7 || (data.length === 0 && pad !== 0)) return undefined;
  if (data.length > 0 && (((data[data.length - 1] as number) & ((1 << pad) - 1)) !== 0)) return undefined;
  const bitLength = data.length * 8 - pad;
  if (pad === 0) return { bytes: data, bitLength };
  const out = new Uint8Array(data.length);
  out[0] = (data[0] as number) >> pad;
  for (let i = 1; i < data.length; i++) {
    out[i] = (((data[i - 1] as number) << (8 - pad)) | ((data[i] as number) >> pad)) & 0xff;
  }
  return { bytes: out, bitLength };
}

function bytesToBase64(b: Uint8Array): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const v = ((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number);
    out += A[(v >> 18) & 63]! + A[(v >> 12) & 63]! + A[(v >> 6) & 63]! + A[v & 63]!;
  }
  if (i < b.length) {
    const rest = b.length - i;
    const v = ((b[i] as number) << 16) | (rest > 1 ? (b[i + 1] as number) << 8 : 0);
    out += A[(v >> 18) & 63]! + A[(v >> 12) & 63]! + (rest > 1 ? A[(v >> 6) & 63]! + '=' : '==');
  }
  return out;
}

function isPrintable(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x27 && b <= 0x29) ||
    (b >= 0x2b && b <= 0x2f) ||
    b === 0x20 ||
    b === 0x3a ||
    b === 0x3d ||
    b === 0x3f ||
    b === 0x2a ||
    b === 0x26
  );
}

/** Go's utf8.Valid. */
function validUtf8(b: Uint8Array): boolean {
  const back = utf8Bytes(goUtf8Decode(b));
  return back.length === b.length && back.every((x, i) => x === b[i]);
}

/** crypto/x509's parseASN1String. */
function parseAsn1String(tag: number, value: Uint8Array): string {
  switch (tag) {
    case T.T61String:
      return String.fromCharCode(...value);
    case T.PrintableString:
      for (const b of value) if (!isPrintable(b)) fail('invalid PrintableString');
      return String.fromCharCode(...value);
    case T.UTF8String:
      if (!validUtf8(value)) fail('invalid UTF-8 string');
      return goUtf8Decode(value);
    case T.BMPString: {
      if (value.length % 2 !== 0) fail('invalid BMPString');
      let v = value;
      if (v.length >= 2 && v[v.length - 1] === 0 && v[v.length - 2] === 0) v = v.subarray(0, v.length - 2);
      let out = '';
      for (let i = 0; i < v.length; i += 2) {
        const p = ((v[i] as number) << 8) | (v[i + 1] as number);
        if (p === 0xfffe || p === 0xffff || (p >= 0xfdd0 && p <= 0xfdef) || (p >= 0xd800 && p <= 0xdfff)) fail('invalid BMPString');
        out += String.fromCharCode(p);
      }
      return out;
    }
    case T.IA5String:
      for (const b of value) if (b >= 0x80) fail('invalid IA5String');
      return String.fromCharCode(...value);
    case T.NumericString:
      for (const b of value) if (!((b >= 0x30 && b <= 0x39) || b === 0x20)) fail('invalid NumericString');
      return String.fromCharCode(...value);
    default:
      return fail(`unsupported string type: ${tag}`);
  }
}

interface Atv {
  Type: number[];
  Value: JsonValue;
}

/** crypto/x509's parseName. */
function parseName(raw: Uint8Array): Atv[][] {
  const outer = new Der(raw);
  const seq = outer.read(T.SEQUENCE) ?? fail('x509: invalid RDNSequence');
  const d = new Der(seq.body);
  const rdns: Atv[][] = [];
  while (!d.empty()) {
    const set = d.read(T.SET) ?? fail('x509: invalid RDNSequence');
    const sd = new Der(set.body);
    const rdn: Atv[] = [];
    while (!sd.empty()) {
      const atv = sd.read(T.SEQUENCE) ?? fail('x509: invalid RDNSequence: invalid attribute');
      const ad = new Der(atv.body);
      const type = readOid(ad) ?? fail('x509: invalid RDNSequence: invalid attribute type');
      const value = ad.readAny() ?? fail('x509: invalid RDNSequence: invalid attribute value');
      let str: string;
      try {
        str = parseAsn1String(value.tag, value.body);
      } catch (err) {
        throw new X509Error(`x509: invalid RDNSequence: invalid attribute value: ${(err as Error).message}`);
      }
      rdn.push({ Type: type, Value: str });
    }
    rdns.push(rdn);
  }
  return rdns;
}

/** pkix.Name.FillFromRDNSequence, as JSON. */
function nameJson(rdns: Atv[][]): JsonObject {
  const n = {
    Country: null as string[] | null,
    Organization: null as string[] | null,
    OrganizationalUnit: null as string[] | null,
    Locality: null as string[] | null,
    Province: null as string[] | null,
    StreetAddress: null as string[] | null,
    PostalCode: null as string[] | null,
    SerialNumber: '',
    CommonName: '',
    Names: null as JsonValue[] | null,
    ExtraNames: null,
  };
  const add = (k: 'Country' | 'Organization' | 'OrganizationalUnit' | 'Locality' | 'Province' | 'StreetAddress' | 'PostalCode', v: string) => {
    (n[k] ??= []).push(v);
  };
  for (const rdn of rdns) {
    for (const atv of rdn) {
      (n.Names ??= []).push({ Type: atv.Type, Value: atv.Value });
      if (typeof atv.Value !== 'string') continue;
      const t = atv.Type;
      if (t.length === 4 && t[0] === 2 && t[1] === 5 && t[2] === 4) {
        switch (t[3]) {
          case 3:
            n.CommonName = atv.Value;
            break;
          case 5:
            n.SerialNumber = atv.Value;
            break;
          case 6:
            add('Country', atv.Value);
            break;
          case 7:
            add('Locality', atv.Value);
            break;
          case 8:
            add('Province', atv.Value);
            break;
          case 9:
            add('StreetAddress', atv.Value);
            break;
          case 10:
            add('Organization', atv.Value);
            break;
          case 11:
            add('OrganizationalUnit', atv.Value);
            break;
          case 17:
            add('PostalCode', atv.Value);
            break;
          default:
            break;
        }
      }
    }
  }
  return n as unknown as JsonObject;
}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);

/** cryptobyte's ReadASN1UTCTime / ReadASN1GeneralizedTime. */
function readTime(d: Der): GoTime {
  if (d.peekTag(T.UTCTime)) {
    const e = d.readAny() ?? fail('x509: malformed UTCTime');
    const s = latin1(e.body);
    let t: GoTime | undefined;
    for (const [layout, re] of [
      ['060102150405Z0700', /^[0-9]{12}(Z|[+-][0-9]{4})$/],
      ['0601021504Z0700', /^[0-9]{10}(Z|[+-][0-9]{4})$/],
    ] as const) {
      if (!re.test(s)) continue;
      try {
        t = parseTime(layout, s);
        break;
      } catch {
        t = undefined;
      }
    }
    if (t === undefined) return fail('x509: malformed UTCTime');
    const yy = Number(s.slice(0, 2));
    // Go's "06" reads 69-99 as 19xx and 00-68 as 20xx; UTCTime then maps 2050-2068 to 1950-1968
    if (yy >= 50 && yy < 69) t = { ...t, sec: shiftYears(t, -100) };
    return t;
  }
  if (d.peekTag(T.GeneralizedTime)) {
    const e = d.readAny() ?? fail('x509: malformed GeneralizedTime');
    const s = latin1(e.body);
    if (!/^[0-9]{14}(\.[0-9]*[1-9])?(Z|[+-][0-9]{4})$/.test(s)) return fail('x509: malformed GeneralizedTime');
    try {
      return parseTime('20060102150405.999999999Z0700', s);
    } catch {
      return fail('x509: malformed GeneralizedTime');
    }
  }
  return fail('x509: unsupported time format');
}

/** Seconds of the same wall time `years` later (AddDate(years, 0, 0), Feb 29 normalizes like Go). */
function shiftYears(t: GoTime, years: number): number {
  const ms = (t.sec + t.offset) * 1000;
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return Math.floor(d.getTime() / 1000) - t.offset;
}

interface Extension {
  Id: number[];
  Critical: boolean;
  Value: Uint8Array;
}

function parseExtension(body: Uint8Array): Extension {
  const d = new Der(body);
  const id = readOid(d) ?? fail('x509: malformed extension OID field');
  let critical = false;
  if (d.peekTag(T.BOOLEAN)) {
    const e = d.readAny();
    const v = e && readBoolean(e);
    if (v === undefined) fail('x509: malformed extension critical field');
    critical = v as boolean;
  }
  const val = d.read(T.OCTET_STRING) ?? fail('x509: malformed extension value field');
  return { Id: id, Critical: critical, Value: val.body };
}

function extensionJson(e: Extension): JsonObject {
  return { Id: e.Id, Critical: e.Critical, Value: bytesToBase64(e.Value) };
}

/** net.IP.String() for 4- and 16-byte addresses. */
function ipString(b: Uint8Array): string {
  const mapped = b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (b.length === 4 || mapped) {
    const v = b.length === 4 ? b : b.subarray(12);
    return Array.from(v).join('.');
  }
  if (b.length !== 16) return `?${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i] as number) << 8) | (b[i + 1] as number));
  // longest run of zero words (length >= 2) is compressed
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

const NAME_EMAIL = 1;
const NAME_DNS = 2;
const NAME_URI = 6;
const NAME_IP = 7;

interface Sans {
  dns: string[] | null;
  emails: string[] | null;
  ips: string[] | null;
  uris: JsonValue[] | null;
}

function isIA5(b: Uint8Array): boolean {
  for (const x of b) if (x >= 0x80) return false;
  return true;
}

/** crypto/x509's parseSANExtension. */
function parseSans(value: Uint8Array): Sans {
  const out: Sans = { dns: null, emails: null, ips: null, uris: null };
  const outer = new Der(value);
  const seq = outer.read(T.SEQUENCE) ?? fail('x509: invalid subject alternative names');
  const d = new Der(seq.body);
  while (!d.empty()) {
    const e = d.readAny() ?? fail('x509: invalid subject alternative name');
    const data = e.body;
    switch (e.tag ^ 0x80) {
      case NAME_EMAIL:
        if (!isIA5(data)) fail('x509: SAN rfc822Name is malformed');
        (out.emails ??= []).push(latin1(data));
        break;
      case NAME_DNS:
        if (!isIA5(data)) fail('x509: SAN dNSName is malformed');
        (out.dns ??= []).push(latin1(data));
        break;
      case NAME_URI: {
        if (!isIA5(data)) fail('x509: SAN uniformResourceIdentifier is malformed');
        const s = latin1(data);
        let u;
        try {
          u = goUrlParse(s);
        } catch (err) {
          if (err instanceof UrlError) throw new X509Error(`x509: cannot parse URI ${JSON.stringify(s)}: ${urlErrorText(s, err)}`);
          throw err;
        }
        (out.uris ??= []).push(u as unknown as JsonObject);
        break;
      }
      case NAME_IP:
        if (data.length !== 4 && data.length !== 16) fail(`x509: cannot parse IP address of length ${data.length}`);
        (out.ips ??= []).push(ipString(data));
        break;
      default:
        break;
    }
  }
  return out;
}

const EXT_KEY_USAGES: ReadonlyArray<[number[], number]> = [
  [[2, 5, 29, 37, 0], 0],
  [[1, 3, 6, 1, 5, 5, 7, 3, 1], 1],
  [[1, 3, 6, 1, 5, 5, 7, 3, 2], 2],
  [[1, 3, 6, 1, 5, 5, 7, 3, 3], 3],
  [[1, 3, 6, 1, 5, 5, 7, 3, 4], 4],
  [[1, 3, 6, 1, 5, 5, 7, 3, 5], 5],
  [[1, 3, 6, 1, 5, 5, 7, 3, 6], 6],
  [[1, 3, 6, 1, 5, 5, 7, 3, 7], 7],
  [[1, 3, 6, 1, 5, 5, 7, 3, 8], 8],
  [[1, 3, 6, 1, 5, 5, 7, 3, 9], 9],
  [[1, 3, 6, 1, 4, 1, 311, 10, 3, 3], 10],
  [[2, 16, 840, 1, 113730, 4, 1], 11],
  [[1, 3, 6, 1, 4, 1, 311, 2, 1, 22], 12],
  [[1, 3, 6, 1, 4, 1, 311, 61, 1, 1], 13],
];

function isValidIPMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const b of mask) {
    if (seenZero) {
      if (b !== 0) return false;
      continue;
    }
    if ([0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe].includes(b)) seenZero = true;
    else if (b !== 0xff) return false;
  }
  return true;
}

/** The certificate fields filled by processExtensions. */
function processExtensions(exts: Extension[], out: JsonObject): void {
  for (const e of exts) {
    let unhandled = false;
    const id = e.Id;
    if (id.length === 4 && id[0] === 2 && id[1] === 5 && id[2] === 29) {
      switch (id[3]) {
        case 15: {
          let usage = 0;
          // asn1.BitString.At reads the bits as stored (left-aligned)
          const raw = rawBitStringBytes(e.Value);
          for (let i = 0; i < 9; i++) {
            if (i < raw.bitLength && (((raw.bytes[i >> 3] as number) >> (7 - (i & 7))) & 1) !== 0) usage |= 1 << i;
          }
          out['KeyUsage'] = usage;
          break;
        }
        case 19: {
          const outer = new Der(e.Value);
          const seq = outer.read(T.SEQUENCE) ?? fail('x509: invalid basic constraints');
          const d = new Der(seq.body);
          let isCA = false;
          if (d.peekTag(T.BOOLEAN)) {
            const b = d.readAny();
            const v = b && readBoolean(b);
            if (v === undefined) fail('x509: invalid basic constraints');
            isCA = v as boolean;
          }
          let maxPathLen = -1;
          if (d.peekTag(T.INTEGER)) {
            const v = readInteger(d);
            if (v === undefined || v < 0n || v > 2n ** 63n - 1n) fail('x509: invalid basic constraints');
            maxPathLen = Number(v);
          }
          out['IsCA'] = isCA;
          out['MaxPathLen'] = maxPathLen;
          out['BasicConstraintsValid'] = true;
          out['MaxPathLenZero'] = maxPathLen === 0;
          break;
        }
        case 17: {
          const s = parseSans(e.Value);
          out['DNSNames'] = s.dns;
          out['EmailAddresses'] = s.emails;
          out['IPAddresses'] = s.ips;
          out['URIs'] = s.uris;
          if (!s.dns && !s.emails && !s.ips && !s.uris) unhandled = true;
          break;
        }
        case 30:
          unhandled = parseNameConstraints(e, out);
          break;
        case 31: {
          const outer = new Der(e.Value);
          const seq = outer.read(T.SEQUENCE) ?? fail('x509: invalid CRL distribution points');
          const d = new Der(seq.body);
          while (!d.empty()) {
            const dp = d.read(T.SEQUENCE) ?? fail('x509: invalid CRL distribution point');
            const dpd = new Der(dp.body);
            const name = dpd.readOptional(T.ctx(0, true));
            if (name === undefined) continue;
            if (name === null) return fail('x509: invalid CRL distribution point');
            const inner = new Der(name.body).read(T.ctx(0, true)) ?? fail('x509: invalid CRL distribution point');
            const nd = new Der(inner.body);
            while (!nd.empty()) {
              if (!nd.peekTag(T.ctx(6))) break;
              const uri = nd.readAny() ?? fail('x509: invalid CRL distribution point');
              ((out['CRLDistributionPoints'] ??= []) as JsonValue[]).push(latin1(uri.body));
            }
          }
          break;
        }
        case 35: {
          if (e.Critical) fail('x509: authority key identifier incorrectly marked critical');
          const akid = new Der(e.Value).read(T.SEQUENCE) ?? fail('x509: invalid authority key identifier');
          const d = new Der(akid.body);
          if (d.peekTag(T.ctx(0))) {
            const k = d.readAny() ?? fail('x509: invalid authority key identifier');
            out['AuthorityKeyId'] = bytesToBase64(k.body);
          } else out['AuthorityKeyId'] = null;
          break;
        }
        case 36: {
          const seq = new Der(e.Value).read(T.SEQUENCE) ?? fail('x509: invalid policy constraints extension');
          const d = new Der(seq.body);
          for (const [tag, field] of [
            [T.ctx(0), 'RequireExplicitPolicy'],
            [T.ctx(1), 'InhibitPolicyMapping'],
          ] as const) {
            if (!d.peekTag(tag)) continue;
            const el = d.readAny();
            if (!el || !validInteger(el.body)) fail('x509: invalid policy constraints extension');
            const v = Number(bigIntOf((el as Element).body));
            out[field] = v;
            out[`${field}Zero`] = v === 0;
          }
          break;
        }
        case 37: {
          const seq = new Der(e.Value).read(T.SEQUENCE) ?? fail('x509: invalid extended key usages');
          const d = new Der(seq.body);
          const known: number[] = [];
          const unknown: number[][] = [];
          while (!d.empty()) {
            const oid = readOid(d) ?? fail('x509: invalid extended key usages');
            const k = EXT_KEY_USAGES.find(([o]) => oidEq(o, oid));
            if (k) known.push(k[1]);
            else unknown.push(oid);
          }
          out['ExtKeyUsage'] = known.length > 0 ? known : null;
          out['UnknownExtKeyUsage'] = unknown.length > 0 ? unknown : null;
          break;
        }
        case 14: {
          if (e.Critical) fail('x509: subject key identifier incorrectly marked critical');
          const skid = new Der(e.Value).read(T.OCTET_STRING) ?? fail('x509: invalid subject key identifier');
          out['SubjectKeyId'] = bytesToBase64(skid.body);
          break;
        }
        case 32: {
          const seq = new Der(e.Value).read(T.SEQUENCE) ?? fail('x509: invalid certificate policies');
          const d = new Der(seq.body);
          const seen = new Set<string>();
          const policies: string[] = [];
          const ids: number[][] = [];
          while (!d.empty()) {
            const cp = d.read(T.SEQUENCE) ?? fail('x509: invalid certificate policies');
            const oidEl = new Der(cp.body).read(T.OID) ?? fail('x509: invalid certificate policies');
            const key = latin1(oidEl.body);
            if (seen.has(key)) fail('x509: invalid certificate policies');
            seen.add(key);
            const oid = parseOid(oidEl.body) ?? fail('x509: invalid certificate policies');
            policies.push(oid.join('.'));
            ids.push(oid);
          }
          out['Policies'] = policies.length > 0 ? policies : null;
          out['PolicyIdentifiers'] = ids;
          break;
        }
        case 33: {
          const seq = new Der(e.Value).read(T.SEQUENCE) ?? fail('x509: invalid policy mappings extension');
          const d = new Der(seq.body);
          const maps: JsonValue[] = [];
          while (!d.empty()) {
            const m = d.read(T.SEQUENCE) ?? fail('x509: invalid policy mappings extension');
            const md = new Der(m.body);
            const a = md.read(T.OID);
            const b = md.read(T.OID);
            const ao = a && parseOid(a.body);
            const bo = b && parseOid(b.body);
            if (!ao || !bo) fail('x509: invalid policy mappings extension');
            maps.push({ IssuerDomainPolicy: (ao as number[]).join('.'), SubjectDomainPolicy: (bo as number[]).join('.') });
          }
          out['PolicyMappings'] = maps.length > 0 ? maps : null;
          break;
        }
        case 54: {
          const v = readInteger(new Der(e.Value));
          if (v === undefined) fail('x509: invalid inhibit any policy extension');
          out['InhibitAnyPolicy'] = Number(v);
          out['InhibitAnyPolicyZero'] = v === 0n;
          break;
        }
        default:
          unhandled = true;
      }
    } else if (oidEq(id, [1, 3, 6, 1, 5, 5, 7, 1, 1])) {
      if (e.Critical) fail('x509: authority info access incorrectly marked critical');
      const seq = new Der(e.Value).read(T.SEQUENCE) ?? fail('x509: invalid authority info access');
      const d = new Der(seq.body);
      while (!d.empty()) {
        const aia = d.read(T.SEQUENCE) ?? fail('x509: invalid authority info access');
        const ad = new Der(aia.body);
        const method = readOid(ad) ?? fail('x509: invalid authority info access');
        if (!ad.peekTag(T.ctx(6))) continue;
        const loc = ad.readAny() ?? fail('x509: invalid authority info access');
        if (oidEq(method, [1, 3, 6, 1, 5, 5, 7, 48, 1])) ((out['OCSPServer'] ??= []) as JsonValue[]).push(latin1(loc.body));
        else if (oidEq(method, [1, 3, 6, 1, 5, 5, 7, 48, 2])) ((out['IssuingCertificateURL'] ??= []) as JsonValue[]).push(latin1(loc.body));
      }
    } else {
      unhandled = true;
    }
    if (e.Critical && unhandled) ((out['UnhandledCriticalExtensions'] ??= []) as JsonValue[]).push(e.Id);
  }
}

/** BIT STRING bytes as stored (not right-aligned), for asn1.BitString.At. */
function rawBitStringBytes(value: Uint8Array): { bytes: Uint8Array; bitLength: number } {
  const e = new Der(value).read(T.BIT_STRING) ?? fail('x509: invalid key usage');
  if (e.body.length === 0) fail('x509: invalid key usage');
  const pad = e.body[0] as number;
  const data = e.body.subarray(1);
  if (pad > 7 || (data.length === 0 && pad !== 0)) fail('x509: invalid key usage');
  return { bytes: data, bitLength: data.length * 8 - pad };
}

function parseNameConstraints(e: Extension, out: JsonObject): boolean {
  const outer = new Der(e.Value);
  const top = outer.read(T.SEQUENCE);
  if (!top || !outer.empty()) fail('x509: invalid NameConstraints extension');
  const d = new Der((top as Element).body);
  const permitted = d.readOptional(T.ctx(0, true));
  const excluded = d.readOptional(T.ctx(1, true));
  if (permitted === null || excluded === null || !d.empty()) fail('x509: invalid NameConstraints extension');
  if ((!permitted && !excluded) || ((permitted?.body.length ?? 0) === 0 && (excluded?.body.length ?? 0) === 0)) {
    fail('x509: empty name constraints extension');
  }
  let unhandled = false;
  const values = (subtrees: Element | undefined | null) => {
    const r = { dns: null as string[] | null, ips: null as JsonValue[] | null, emails: null as string[] | null, uris: null as string[] | null };
    if (!subtrees) return r;
    const sd = new Der(subtrees.body);
    while (!sd.empty()) {
      const seq = sd.read(T.SEQUENCE) ?? fail('x509: invalid NameConstraints extension');
      const v = new Der(seq.body).readAny() ?? fail('x509: invalid NameConstraints extension');
      const s = latin1(v.body);
      switch (v.tag) {
        case T.ctx(2):
          if (!isIA5(v.body)) fail('x509: invalid constraint value: asn1: invalid IA5String');
          (r.dns ??= []).push(s);
          break;
        case T.ctx(7): {
          const l = v.body.length;
          if (l !== 8 && l !== 32) fail(`x509: IP constraint contained value of length ${l}`);
          const ip = v.body.subarray(0, l / 2);
          const mask = v.body.subarray(l / 2);
          if (!isValidIPMask(mask)) fail(`x509: IP constraint contained invalid mask ${Array.from(mask, (x) => x.toString(16).padStart(2, '0')).join('')}`);
          (r.ips ??= []).push({ IP: ipString(ip), Mask: bytesToBase64(mask) });
          break;
        }
        case T.ctx(1):
          if (!isIA5(v.body)) fail('x509: invalid constraint value: asn1: invalid IA5String');
          (r.emails ??= []).push(s);
          break;
        case T.ctx(6):
          if (!isIA5(v.body)) fail('x509: invalid constraint value: asn1: invalid IA5String');
          (r.uris ??= []).push(s);
          break;
        default:
          unhandled = true;
      }
    }
    return r;
  };
  const p = values(permitted);
  const x = values(excluded);
  out['PermittedDNSDomains'] = p.dns;
  out['PermittedIPRanges'] = p.ips;
  out['PermittedEmailAddresses'] = p.emails;
  out['PermittedURIDomains'] = p.uris;
  out['ExcludedDNSDomains'] = x.dns;
  out['ExcludedIPRanges'] = x.ips;
  out['ExcludedEmailAddresses'] = x.emails;
  out['ExcludedURIDomains'] = x.uris;
  out['PermittedDNSDomainsCritical'] = e.Critical;
  return unhandled;
}

interface AlgorithmIdentifier {
  oid: number[];
  params: Uint8Array | undefined;
}

function parseAI(body: Uint8Array): AlgorithmIdentifier {
  const d = new Der(body);
  const oid = readOid(d) ?? fail('x509: malformed OID');
  if (d.empty()) return { oid, params: undefined };
  const p = d.readAny() ?? fail('x509: malformed parameters');
  return { oid, params: p.full };
}

const SIGNATURE_ALGORITHMS: ReadonlyArray<[number[], number]> = [
  [[1, 2, 840, 113549, 1, 1, 2], 1],
  [[1, 2, 840, 113549, 1, 1, 4], 2],
  [[1, 2, 840, 113549, 1, 1, 5], 3],
  [[1, 3, 14, 3, 2, 29], 3],
  [[1, 2, 840, 113549, 1, 1, 11], 4],
  [[1, 2, 840, 113549, 1, 1, 12], 5],
  [[1, 2, 840, 113549, 1, 1, 13], 6],
  [[1, 2, 840, 10040, 4, 3], 7],
  [[2, 16, 840, 1, 101, 3, 4, 3, 2], 8],
  [[1, 2, 840, 10045, 4, 1], 9],
  [[1, 2, 840, 10045, 4, 3, 2], 10],
  [[1, 2, 840, 10045, 4, 3, 3], 11],
  [[1, 2, 840, 10045, 4, 3, 4], 12],
  [[1, 3, 101, 112], 16],
];
const OID_RSA_PSS = [1, 2, 840, 113549, 1, 1, 10];
const NULL_BYTES = [0x05, 0x00];

function isNullOrAbsent(p: Uint8Array | undefined): boolean {
  return p === undefined || (p.length === 2 && p[0] === NULL_BYTES[0] && p[1] === NULL_BYTES[1]);
}

/** getSignatureAlgorithmFromAI. */
function signatureAlgorithm(ai: AlgorithmIdentifier): number {
  if (oidEq(ai.oid, [1, 3, 101, 112]) && ai.params !== undefined) return 0;
  if (!oidEq(ai.oid, OID_RSA_PSS)) return SIGNATURE_ALGORITHMS.find(([o]) => oidEq(o, ai.oid))?.[1] ?? 0;
  // RSASSA-PSS-params ::= SEQUENCE { [0] hash, [1] maskGen, [2] saltLength, [3] trailerField }
  try {
    if (ai.params === undefined) return 0;
    const seq = new Der(ai.params).read(T.SEQUENCE);
    if (!seq) return 0;
    const d = new Der(seq.body);
    const hashEl = d.readOptional(T.ctx(0, true));
    const mgfEl = d.readOptional(T.ctx(1, true));
    const saltEl = d.readOptional(T.ctx(2, true));
    const trailerEl = d.readOptional(T.ctx(3, true));
    if (hashEl === null || mgfEl === null || saltEl === null || trailerEl === null || !hashEl || !mgfEl) return 0;
    const hash = parseAI((new Der(hashEl.body).read(T.SEQUENCE) ?? fail('')).body);
    const mgf = parseAI((new Der(mgfEl.body).read(T.SEQUENCE) ?? fail('')).body);
    const mgfHash = parseAI((new Der(mgf.params ?? new Uint8Array()).read(T.SEQUENCE) ?? fail('')).body);
    const salt = saltEl ? Number(readInteger(new Der(saltEl.body)) ?? -1) : 20;
    const trailer = trailerEl ? Number(readInteger(new Der(trailerEl.body)) ?? -1) : 1;
    if (!isNullOrAbsent(hash.params) || !oidEq(mgf.oid, [1, 2, 840, 113549, 1, 1, 8]) || !oidEq(mgfHash.oid, hash.oid)) return 0;
    if (!isNullOrAbsent(mgfHash.params) || trailer !== 1) return 0;
    if (oidEq(hash.oid, [2, 16, 840, 1, 101, 3, 4, 2, 1]) && salt === 32) return 13;
    if (oidEq(hash.oid, [2, 16, 840, 1, 101, 3, 4, 2, 2]) && salt === 48) return 14;
    if (oidEq(hash.oid, [2, 16, 840, 1, 101, 3, 4, 2, 3]) && salt === 64) return 15;
    return 0;
  } catch (err) {
    if (err instanceof X509Error) return 0;
    throw err;
  }
}

/** getPublicKeyAlgorithmFromOID: RSA 1, DSA 2, ECDSA 3, Ed25519 4, else 0. */
function publicKeyAlgorithm(oid: number[]): number {
  if (oidEq(oid, [1, 2, 840, 113549, 1, 1, 1])) return 1;
  if (oidEq(oid, [1, 2, 840, 10040, 4, 1])) return 2;
  if (oidEq(oid, [1, 2, 840, 10045, 2, 1])) return 3;
  if (oidEq(oid, [1, 3, 101, 112])) return 4;
  return 0;
}

/** Parses the SubjectPublicKeyInfo; returns the algorithm and, for RSA, {N, E}. */
function parseSpki(spki: Element): { algorithm: number; rsa: JsonObject | undefined } {
  const d = new Der(spki.body);
  const aiSeq = d.read(T.SEQUENCE) ?? fail('x509: malformed public key algorithm identifier');
  const ai = parseAI(aiSeq.body);
  const algorithm = publicKeyAlgorithm(ai.oid);
  const key = readBitString(d) ?? fail('x509: malformed subjectPublicKey');
  if (algorithm !== 1) return { algorithm, rsa: undefined };
  if (!isNullOrAbsent(ai.params) || ai.params === undefined) fail('x509: RSA key missing NULL parameters');
  const kd = new Der(key.bytes);
  const seq = kd.read(T.SEQUENCE) ?? fail('x509: invalid RSA public key');
  const sd = new Der(seq.body);
  const n = readInteger(sd) ?? fail('x509: invalid RSA modulus');
  const e = readInteger(sd) ?? fail('x509: invalid RSA public exponent');
  if (n <= 0n) fail('x509: RSA modulus is not a positive number');
  if (e <= 0n) fail('x509: RSA public exponent is not a positive number');
  if (e > 2n ** 31n - 1n) fail('failed to parse subject public key info');
  return { algorithm, rsa: { N: n.toString(), E: Number(e) } };
}

function parseCertificate(der: Uint8Array): JsonObject {
  const input = new Der(der);
  const certEl = input.read(T.SEQUENCE) ?? fail('x509: malformed certificate');
  if (certEl.full.length !== der.length) fail('x509: trailing data');
  const cd = new Der(certEl.body);
  const tbsEl = cd.read(T.SEQUENCE) ?? fail('x509: malformed tbs certificate');
  const tbs = new Der(tbsEl.body);
  let version = 0n;
  const vEl = tbs.readOptional(T.ctx(0, true));
  if (vEl === null) fail('x509: malformed version');
  if (vEl) version = readInteger(new Der(vEl.body)) ?? fail('x509: malformed version');
  if (version < 0n) fail('x509: malformed version');
  const ver = Number(version) + 1;
  if (ver > 3) fail('x509: invalid version');
  const serial = readInteger(tbs) ?? fail('x509: malformed serial number');
  if (serial < 0n) fail('x509: negative serial number');
  const sigAI = tbs.read(T.SEQUENCE) ?? fail('x509: malformed signature algorithm identifier');
  const outerAI = cd.read(T.SEQUENCE) ?? fail('x509: malformed algorithm identifier');
  if (latin1(outerAI.body) !== latin1(sigAI.body)) fail("x509: inner and outer signature algorithm identifiers don't match");
  const sigAlg = signatureAlgorithm(parseAI(sigAI.body));
  const issuer = tbs.read(T.SEQUENCE) ?? fail('x509: malformed issuer');
  const issuerName = nameJson(parseName(issuer.full));
  const validity = tbs.read(T.SEQUENCE) ?? fail('x509: malformed validity');
  const vd = new Der(validity.body);
  const notBefore = readTime(vd);
  const notAfter = readTime(vd);
  const subject = tbs.read(T.SEQUENCE) ?? fail('x509: malformed issuer');
  const subjectName = nameJson(parseName(subject.full));
  const spki = tbs.read(T.SEQUENCE) ?? fail('x509: malformed spki');
  const pk = parseSpki(spki);

  const out: JsonObject = {
    Raw: bytesToBase64(certEl.full),
    RawTBSCertificate: bytesToBase64(tbsEl.full),
    RawSubjectPublicKeyInfo: bytesToBase64(spki.full),
    RawSubject: bytesToBase64(subject.full),
    RawIssuer: bytesToBase64(issuer.full),
    Signature: '',
    SignatureAlgorithm: sigAlg,
    PublicKeyAlgorithm: pk.algorithm,
    PublicKey: pk.rsa ?? null,
    Version: ver,
    SerialNumber: Number(serial),
    Issuer: issuerName,
    Subject: subjectName,
    NotBefore: formatRFC3339Nano(notBefore),
    NotAfter: formatRFC3339Nano(notAfter),
    KeyUsage: 0,
    Extensions: null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: null,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
    Policies: null,
    InhibitAnyPolicy: 0,
    InhibitAnyPolicyZero: false,
    InhibitPolicyMapping: 0,
    InhibitPolicyMappingZero: false,
    RequireExplicitPolicy: 0,
    RequireExplicitPolicyZero: false,
    PolicyMappings: null,
  };

  if (ver > 1) {
    if (tbs.readOptional(T.ctx(1)) === null) fail('x509: malformed issuerUniqueID');
    if (tbs.readOptional(T.ctx(2)) === null) fail('x509: malformed subjectUniqueID');
    if (ver === 3) {
      const extsEl = tbs.readOptional(T.ctx(3, true));
      if (extsEl === null) fail('x509: malformed extensions');
      if (extsEl) {
        const seq = new Der(extsEl.body).read(T.SEQUENCE) ?? fail('x509: malformed extensions');
        const ed = new Der(seq.body);
        const exts: Extension[] = [];
        const seen = new Set<string>();
        while (!ed.empty()) {
          const x = ed.read(T.SEQUENCE) ?? fail('x509: malformed extension');
          const ext = parseExtension(x.body);
          const key = ext.Id.join('.');
          if (seen.has(key)) fail(`x509: certificate contains duplicate extension with OID ${JSON.stringify(key)}`);
          seen.add(key);
          exts.push(ext);
        }
        out['Extensions'] = exts.map(extensionJson);
        processExtensions(exts, out);
      }
    }
  }
  const sig = readBitString(cd) ?? fail('x509: malformed signature');
  out['Signature'] = bytesToBase64(sig.bytes);
  if (pk.algorithm !== 1) fail('certificate should use rsa algorithm');
  return out;
}

/** An `interface{}` decoded by encoding/asn1 (CSR attribute values). */
function asn1Any(e: Element | undefined): JsonValue {
  if (!e) return null;
  switch (e.tag) {
    case T.BOOLEAN:
      return readBoolean(e) ?? null;
    case T.INTEGER:
      return validInteger(e.body) ? Number(bigIntOf(e.body)) : null;
    case T.OCTET_STRING:
      return bytesToBase64(e.body);
    case T.OID:
      return parseOid(e.body) ?? null;
    case T.PrintableString:
    case T.IA5String:
    case T.UTF8String:
    case T.NumericString:
    case T.T61String:
    case T.BMPString:
      try {
        return parseAsn1String(e.tag, e.body);
      } catch {
        return null;
      }
    default:
      return null;
  }
}

function parseCertificateRequest(der: Uint8Array): JsonObject {
  const structure = (): never => fail('asn1: structure error: tags don\'t match');
  const input = new Der(der);
  const csrEl = input.read(T.SEQUENCE) ?? structure();
  if (!input.empty()) fail('asn1: syntax error: trailing data');
  const cd = new Der(csrEl.body);
  const tbsEl = cd.read(T.SEQUENCE) ?? structure();
  const tbs = new Der(tbsEl.body);
  const version = readInteger(tbs) ?? structure();
  const subject = tbs.readAny() ?? structure();
  const spki = tbs.read(T.SEQUENCE) ?? structure();
  const attrsEl = tbs.readOptional(T.ctx(0, true));
  const sigAI = cd.read(T.SEQUENCE) ?? structure();
  const sig = readBitString(cd) ?? structure();
  const pk = parseSpki(spki);

  const attributes: JsonValue[] = [];
  const extensions: Extension[] = [];
  const seenExt = new Set<string>();
  if (attrsEl) {
    const ad = new Der(attrsEl.body);
    while (!ad.empty()) {
      const raw = ad.readAny();
      if (!raw || raw.tag !== T.SEQUENCE) continue;
      const a = new Der(raw.body);
      const type = readOid(a);
      const set = a.read(T.SET);
      if (!type || !set || !a.empty()) continue;
      // pkix.AttributeTypeAndValueSET: a SET of SEQUENCEs of (OID, value) pairs
      const values: JsonValue[] = [];
      const sd = new Der(set.body);
      let ok = true;
      while (!sd.empty()) {
        const seq = sd.read(T.SEQUENCE);
        if (!seq) {
          ok = false;
          break;
        }
        const inner: JsonValue[] = [];
        const qd = new Der(seq.body);
        while (!qd.empty()) {
          const atv = qd.read(T.SEQUENCE);
          if (!atv) {
            ok = false;
            break;
          }
          const vd = new Der(atv.body);
          const t = readOid(vd);
          if (!t) {
            ok = false;
            break;
          }
          inner.push({ Type: t, Value: asn1Any(vd.readAny()) });
        }
        values.push(inner);
      }
      if (ok) attributes.push({ Type: type, Value: values });
      // extension requests
      if (oidEq(type, [1, 2, 840, 113549, 1, 9, 14])) {
        const first = new Der(set.body).read(T.SEQUENCE);
        if (!first) continue;
        const ed = new Der(first.body);
        while (!ed.empty()) {
          const x = ed.read(T.SEQUENCE) ?? structure();
          const ext = parseExtension(x.body);
          const key = ext.Id.join('.');
          if (seenExt.has(key)) fail('x509: certificate request contains duplicate requested extensions');
          seenExt.add(key);
          extensions.push(ext);
        }
      }
    }
  }

  const out: JsonObject = {
    Raw: bytesToBase64(csrEl.full),
    RawTBSCertificateRequest: bytesToBase64(tbsEl.full),
    RawSubjectPublicKeyInfo: bytesToBase64(spki.full),
    RawSubject: bytesToBase64(subject.full),
    Version: Number(version),
    Signature: bytesToBase64(sig.bytes),
    SignatureAlgorithm: signatureAlgorithm(parseAI(sigAI.body)),
    PublicKeyAlgorithm: pk.algorithm,
    PublicKey: pk.rsa ?? null,
    Subject: nameJson(parseName(subject.full)),
    Attributes: attributes.length > 0 ? attributes : null,
    Extensions: extensions.length > 0 ? extensions.map(extensionJson) : null,
    ExtraExtensions: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
  };
  for (const ext of extensions) {
    if (oidEq(ext.Id, [2, 5, 29, 17])) {
      const s = parseSans(ext.Value);
      out['DNSNames'] = s.dns;
      out['EmailAddresses'] = s.emails;
      out['IPAddresses'] = s.ips;
      out['URIs'] = s.uris;
    }
  }
  if (pk.algorithm !== 1) fail('certificate should use rsa algorithm');
  return out;
}

/** Go's encoding/pem.Decode: the first block's type and bytes, or undefined. */
export function pemDecode(data: string): { type: string; bytes: Uint8Array } | undefined {
  const getLine = (s: string): [string, string] => {
    let i = s.indexOf('\n');
    let j: number;
    if (i < 0) {
      i = s.length;
      j = i;
    } else {
      j = i + 1;
      if (i > 0 && s[i - 1] === '\r') i--;
    }
    return [s.slice(0, i).replace(/[ \t]+$/, ''), s.slice(j)];
  };
  let rest = data;
  for (;;) {
    if (rest.startsWith('-----BEGIN ')) rest = rest.slice('-----BEGIN '.length);
    else {
      const at = rest.indexOf('\n-----BEGIN ');
      if (at < 0) return undefined;
      rest = rest.slice(at + '\n-----BEGIN '.length);
    }
    let typeLine: string;
    [typeLine, rest] = getLine(rest);
    if (!typeLine.endsWith('-----')) continue;
    typeLine = typeLine.slice(0, -5);
    let headers = 0;
    let truncated = false;
    for (;;) {
      if (rest.length === 0) {
        truncated = true;
        break;
      }
      const [line, next] = getLine(rest);
      if (!line.includes(':')) break;
      headers++;
      rest = next;
    }
    if (truncated) return undefined;
    let endIndex: number;
    let endTrailerIndex: number;
    if (headers === 0 && rest.startsWith('-----END ')) {
      endIndex = 0;
      endTrailerIndex = '-----END '.length;
    } else {
      endIndex = rest.indexOf('\n-----END ');
      endTrailerIndex = endIndex + '\n-----END '.length;
    }
    if (endIndex < 0) continue;
    let endTrailer = rest.slice(endTrailerIndex);
    const trailerLen = typeLine.length + 5;
    if (endTrailer.length < trailerLen) continue;
    const restOfEndLine = endTrailer.slice(trailerLen);
    endTrailer = endTrailer.slice(0, trailerLen);
    if (!endTrailer.startsWith(typeLine) || !endTrailer.endsWith('-----')) continue;
    if (getLine(restOfEndLine)[0].length !== 0) continue;
    const base64 = rest.slice(0, endIndex).replace(/[ \t]/g, '');
    let bytes: number[];
    try {
      bytes = goBase64Decode(base64);
    } catch {
      continue;
    }
    return { type: typeLine, bytes: Uint8Array.from(bytes) };
  }
}

function decode(input: string): JsonObject {
  const block = pemDecode(input);
  if (block === undefined) throw goError('failed to decode PEM block');
  try {
    if (block.type === 'CERTIFICATE') return parseCertificate(block.bytes);
    if (block.type === 'CERTIFICATE REQUEST') return parseCertificateRequest(block.bytes);
  } catch (err) {
    if (err instanceof X509Error) throw goError(err.message);
    throw err;
  }
  throw goError('PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST');
}

export const x509Functions: FunctionFamily = () => [
  {
    name: 'x509_decode',
    args: [arg.string],
    returnType: ['object'],
    note: 'decodes an x.509 certificate to an object. you may also use this in conjunction with `base64_decode` jmespath function to decode a base64-encoded certificate',
    kyverno: true,
    handler: ([s]) => decode(s as string),
  },
];

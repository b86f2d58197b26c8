/**
 * Kyverno's x509 library: `x509.decode(pem)` decodes a PEM `CERTIFICATE` or `CERTIFICATE REQUEST`
 * (RSA keys only) into the map Kyverno builds by JSON-encoding Go's parsed structure
 * (kyverno/sdk extensions/cel/libs/x509: `CertificateOutput`, or `x509.CertificateRequest`): field
 * names as in Go (`DNSNames`, `NotAfter`, `Issuer.CommonName`, `PublicKey.N`...), bytes base64,
 * every number a double (the JSON round trip), absent lists `null`.
 */
import type { JsonObject, JsonValue } from '../../api/json.ts';
import { fail } from '../errors.ts';
import { defineNamespace, type CelLibrary } from '../library.ts';
import { jsonToCelDoubles } from '../values.ts';
import {
  bitAt,
  bitString,
  boolean,
  children,
  directoryString,
  integer,
  oid,
  oidString,
  parseDer,
  time,
  BOOLEAN,
  INTEGER,
  OCTET_STRING,
  SEQUENCE,
  type Der,
} from './asn1.ts';
import { base64Decode, base64Encode, utf8DecodeLossy } from './bytes-util.ts';
import { parseUrl } from './go-url.ts';
import { NetAddr } from './netip.ts';

/** Go `pem.Decode`: the first block (type and bytes), or undefined. */
export function pemDecode(text: string): { type: string; bytes: Uint8Array } | undefined {
  const re = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/;
  const m = re.exec(text);
  if (!m) return undefined;
  const lines = m[2]!.split(/\r?\n/);
  // skip RFC 1421 headers ("Key: value" lines followed by a blank line)
  let start = 0;
  if (lines.some((l) => l.includes(':'))) {
    const blank = lines.findIndex((l) => l.trim() === '');
    if (blank >= 0) start = blank + 1;
  }
  const bytes = base64Decode(lines.slice(start).join('').replace(/\s+/g, ''));
  if (!bytes) return undefined;
  return { type: m[1]!, bytes };
}

const b64 = (b: Uint8Array): string => base64Encode(b);

const NAME_FIELDS: Readonly<Record<string, string>> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

/** Go `pkix.Name` (filled from an RDNSequence) as JSON. */
function pkixName(el: Der): JsonObject {
  const name: Record<string, JsonValue> = {
    Country: null,
    Organization: null,
    OrganizationalUnit: null,
    Locality: null,
    Province: null,
    StreetAddress: null,
    PostalCode: null,
    SerialNumber: '',
    CommonName: '',
    Names: null,
    ExtraNames: null,
  };
  const names: JsonObject[] = [];
  for (const rdn of children(el)) {
    for (const atv of children(rdn)) {
      const [t, v] = children(atv);
      if (!t || !v) continue;
      const type = oid(t);
      const value = directoryString(v);
      names.push({ Type: type, Value: value ?? b64(v.value) });
      if (value === undefined) continue;
      const key = oidString(type);
      if (key === '2.5.4.3') name.CommonName = value;
      else if (key === '2.5.4.5') name.SerialNumber = value;
      else if (NAME_FIELDS[key]) {
        const field = NAME_FIELDS[key]!;
        const list = (name[field] as string[] | null) ?? [];
        list.push(value);
        name[field] = list;
      }
    }
  }
  name.Names = names.length > 0 ? names : null;
  return name;
}

/** Go `net.IP` text: dotted for IPv4 (and IPv4-mapped), RFC 5952 for IPv6. */
function ipText(b: Uint8Array): string {
  const a = new NetAddr(b.slice());
  return a.is4In6() ? a.unmap().toString() : a.toString();
}

const EXT_KEY_USAGE: Readonly<Record<string, number>> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

const SIGNATURE_ALGORITHMS: Readonly<Record<string, number>> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.3.101.112': 16,
};

const PUBLIC_KEY_ALGORITHMS: Readonly<Record<string, number>> = {
  '1.2.840.113549.1.1.1': 1,
  '1.2.840.10040.4.1': 2,
  '1.2.840.10045.2.1': 3,
  '1.3.101.112': 4,
};

/** The RSA key of a SubjectPublicKeyInfo (`{N: decimal string, E}`), or undefined for other keys. */
function rsaPublicKey(spki: Der): { algorithm: number; key?: JsonObject } {
  const [alg, key] = children(spki);
  if (!alg || !key) return fail('x509: malformed certificate');
  const algorithm = PUBLIC_KEY_ALGORITHMS[oidString(oid(children(alg)[0]!))] ?? 0;
  if (algorithm !== 1) return { algorithm };
  const rsa = parseDer(bitString(key).bytes);
  const [n, e] = children(rsa);
  if (!n || !e) return fail('failed to parse subject public key info');
  return { algorithm, key: { N: integer(n).toString(), E: Number(integer(e)) } };
}

/** GeneralName values by kind. */
interface GeneralNames {
  dns: string[];
  email: string[];
  uri: string[];
  ip: Uint8Array[];
}

function generalNames(seq: Der): GeneralNames {
  const out: GeneralNames = { dns: [], email: [], uri: [], ip: [] };
  for (const g of children(seq)) {
    switch (g.tag & 0x1f) {
      case 1:
        out.email.push(utf8DecodeLossy(g.value));
        break;
      case 2:
        out.dns.push(utf8DecodeLossy(g.value));
        break;
      case 6:
        out.uri.push(utf8DecodeLossy(g.value));
        break;
      case 7:
        out.ip.push(g.value);
        break;
      default:
        break;
    }
  }
  return out;
}

const orNull = <T extends JsonValue>(l: T[]): T[] | null => (l.length > 0 ? l : null);

/** Go's JSON form of a `*url.URL`. */
function urlJson(s: string): JsonObject {
  let u;
  try {
    u = parseUrl(s);
  } catch {
    return { Scheme: '', Opaque: '', User: null, Host: '', Path: s, RawPath: '', OmitHost: false, ForceQuery: false, RawQuery: '', Fragment: '', RawFragment: '' };
  }
  return {
    Scheme: u.scheme,
    Opaque: u.opaque,
    User: u.user ? {} : null,
    Host: u.host,
    Path: u.path,
    RawPath: u.rawPath,
    OmitHost: false,
    ForceQuery: false,
    RawQuery: u.rawQuery,
    Fragment: u.fragment,
    RawFragment: '',
  };
}

/** Extension-derived certificate fields (Go `parseCertificate` / `processExtensions`). */
function certificateExtensions(exts: Der[], out: Record<string, JsonValue>): void {
  const list: JsonObject[] = [];
  for (const ext of exts) {
    const parts = children(ext);
    const id = oid(parts[0]!);
    const critical = parts.length === 3 && parts[1]!.tag === BOOLEAN ? boolean(parts[1]!) : false;
    const value = parts[parts.length - 1]!;
    if (value.tag !== OCTET_STRING) fail('x509: malformed extension');
    list.push({ Id: id, Critical: critical, Value: b64(value.value) });
    const inner = value.value.length > 0 ? parseDer(value.value) : undefined;
    if (!inner) continue;
    switch (oidString(id)) {
      case '2.5.29.15': {
        const bs = bitString(inner);
        let usage = 0;
        for (let i = 0; i < 9; i++) if (bitAt(bs, i)) usage |= 1 << i;
        out.KeyUsage = usage;
        break;
      }
      case '2.5.29.19': {
        const c = children(inner);
        let isCA = false;
        let maxPathLen = -1;
        for (const x of c) {
          if (x.tag === BOOLEAN) isCA = boolean(x);
          else if (x.tag === INTEGER) maxPathLen = Number(integer(x));
        }
        out.BasicConstraintsValid = true;
        out.IsCA = isCA;
        out.MaxPathLen = maxPathLen;
        out.MaxPathLenZero = maxPathLen === 0;
        break;
      }
      case '2.5.29.17': {
        const g = generalNames(inner);
        out.DNSNames = orNull(g.dns);
        out.EmailAddresses = orNull(g.email);
        out.IPAddresses = orNull(g.ip.map(ipText));
        break;
      }
      case '2.5.29.30': {
        out.PermittedDNSDomainsCritical = critical;
        for (const sub of children(inner)) {
          const which = (sub.tag & 0x1f) === 0 ? 'Permitted' : 'Excluded';
          const dns: string[] = [];
          const emails: string[] = [];
          const uris: string[] = [];
          const ips: JsonObject[] = [];
          for (const subtree of children(sub)) {
            const base = children(subtree)[0];
            if (!base) continue;
            const kind = base.tag & 0x1f;
            if (kind === 2) dns.push(utf8DecodeLossy(base.value));
            else if (kind === 1) emails.push(utf8DecodeLossy(base.value));
            else if (kind === 6) uris.push(utf8DecodeLossy(base.value));
            else if (kind === 7) {
              const half = base.value.length / 2;
              ips.push({ IP: ipText(base.value.slice(0, half)), Mask: b64(base.value.slice(half)) });
            }
          }
          out[`${which}DNSDomains`] = orNull(dns);
          out[`${which}EmailAddresses`] = orNull(emails);
          out[`${which}URIDomains`] = orNull(uris);
          out[`${which}IPRanges`] = orNull(ips);
        }
        break;
      }
      case '2.5.29.31': {
        const urls: string[] = [];
        for (const dp of children(inner)) {
          for (const f of children(dp)) {
            if ((f.tag & 0x1f) !== 0) continue;
            for (const full of children(f)) {
              if ((full.tag & 0x1f) === 0) urls.push(...generalNames({ ...full, tag: SEQUENCE }).uri);
            }
          }
        }
        out.CRLDistributionPoints = orNull(urls);
        break;
      }
      case '2.5.29.35': {
        for (const x of children(inner)) if ((x.tag & 0x1f) === 0 && (x.tag & 0xc0) === 0x80) out.AuthorityKeyId = b64(x.value);
        break;
      }
      case '2.5.29.37': {
        const usages: number[] = [];
        for (const x of children(inner)) {
          const u = EXT_KEY_USAGE[oidString(oid(x))];
          if (u !== undefined) usages.push(u);
        }
        out.ExtKeyUsage = orNull(usages);
        break;
      }
      case '2.5.29.32':
        out.PolicyIdentifiers = orNull(children(inner).map((p) => oid(children(p)[0]!)));
        break;
      case '1.3.6.1.5.5.7.1.1': {
        const ocsp: string[] = [];
        const issuers: string[] = [];
        for (const ad of children(inner)) {
          const [method, location] = children(ad);
          if (!method || !location || (location.tag & 0x1f) !== 6) continue;
          const m = oidString(oid(method));
          if (m === '1.3.6.1.5.5.7.48.1') ocsp.push(utf8DecodeLossy(location.value));
          else if (m === '1.3.6.1.5.5.7.48.2') issuers.push(utf8DecodeLossy(location.value));
        }
        out.OCSPServer = orNull(ocsp);
        out.IssuingCertificateURL = orNull(issuers);
        break;
      }
      default:
        break;
    }
  }
  out.Extensions = orNull(list);
}

/** Kyverno's `CertificateOutput` for a DER certificate. */
export function decodeCertificate(der: Uint8Array): JsonObject {
  const cert = parseDer(der);
  const [tbs, , sig] = children(cert);
  if (!tbs || !sig) return fail('x509: malformed certificate');
  const t = children(tbs);
  let i = 0;
  if ((t[0]!.tag & 0xe0) === 0xa0 && (t[0]!.tag & 0x1f) === 0) i++; // [0] version
  const serial = integer(t[i++]!);
  i++; // signature algorithm
  const issuer = t[i++]!;
  const validity = children(t[i++]!);
  const subject = t[i++]!;
  const spki = t[i++]!;
  const pk = rsaPublicKey(spki);
  if (pk.algorithm !== 1) return fail('certificate should use rsa algorithm');
  const out: Record<string, JsonValue> = {
    Raw: b64(cert.full),
    RawTBSCertificate: b64(tbs.full),
    RawSubjectPublicKeyInfo: b64(spki.full),
    RawSubject: b64(subject.full),
    RawIssuer: b64(issuer.full),
    Signature: b64(bitString(sig).bytes),
    PublicKeyAlgorithm: pk.algorithm,
    PublicKey: pk.key!,
    SerialNumber: Number(BigInt.asIntN(64, serial)),
    Issuer: pkixName(issuer),
    NotBefore: time(validity[0]!).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    NotAfter: time(validity[1]!).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    KeyUsage: 0,
    Extensions: null,
    ExtraExtensions: null,
    ExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
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
  };
  for (; i < t.length; i++) {
    const el = t[i]!;
    if ((el.tag & 0x1f) === 3 && (el.tag & 0xc0) === 0x80) certificateExtensions(children(children(el)[0]!), out);
  }
  return out;
}

/** Go's asn1 `any` decoding of an attribute value (bytes, bools, ints, strings). */
function anyValue(el: Der): JsonValue {
  if (el.tag === OCTET_STRING) return b64(el.value);
  if (el.tag === BOOLEAN) return boolean(el);
  if (el.tag === INTEGER) return Number(integer(el));
  const s = directoryString(el);
  return s !== undefined ? s : b64(el.full);
}

/** `x509.CertificateRequest` as Go encodes it to JSON. */
export function decodeCertificateRequest(der: Uint8Array): JsonObject {
  const csr = parseDer(der);
  const [info, sigAlg, sig] = children(csr);
  if (!info || !sigAlg || !sig) return fail('x509: malformed certificate request');
  const [version, subject, spki, attrs] = children(info);
  if (!version || !subject || !spki) return fail('x509: malformed certificate request');
  const pk = rsaPublicKey(spki);
  if (pk.algorithm !== 1) return fail('certificate should use rsa algorithm');
  const attributes: JsonObject[] = [];
  let extensions: JsonObject[] | null = null;
  const names: GeneralNames = { dns: [], email: [], uri: [], ip: [] };
  for (const attr of attrs ? children(attrs) : []) {
    const [type, values] = children(attr);
    if (!type || !values) continue;
    const typeOid = oid(type);
    try {
      const sets = children(values).map((seq) =>
        children(seq).map((atv) => {
          const [t, v] = children(atv);
          return { Type: oid(t!), Value: anyValue(v!) };
        }),
      );
      attributes.push({ Type: typeOid, Value: sets });
    } catch {
      // attributes that are not sets of type/value pairs are left out, as in Go
    }
    if (oidString(typeOid) === '1.2.840.113549.1.9.14') {
      extensions = [];
      for (const ext of children(children(values)[0]!)) {
        const parts = children(ext);
        const id = oid(parts[0]!);
        const critical = parts.length === 3 && parts[1]!.tag === BOOLEAN ? boolean(parts[1]!) : false;
        const value = parts[parts.length - 1]!;
        extensions.push({ Id: id, Critical: critical, Value: b64(value.value) });
        if (oidString(id) === '2.5.29.17') {
          const g = generalNames(parseDer(value.value));
          names.dns.push(...g.dns);
          names.email.push(...g.email);
          names.uri.push(...g.uri);
          names.ip.push(...g.ip);
        }
      }
    }
  }
  return {
    Raw: b64(csr.full),
    RawTBSCertificateRequest: b64(info.full),
    RawSubjectPublicKeyInfo: b64(spki.full),
    RawSubject: b64(subject.full),
    Version: Number(integer(version)),
    Signature: b64(bitString(sig).bytes),
    SignatureAlgorithm: SIGNATURE_ALGORITHMS[oidString(oid(children(sigAlg)[0]!))] ?? 0,
    PublicKeyAlgorithm: pk.algorithm,
    PublicKey: pk.key!,
    Subject: pkixName(subject),
    Attributes: orNull(attributes),
    Extensions: extensions,
    ExtraExtensions: null,
    DNSNames: orNull(names.dns),
    EmailAddresses: orNull(names.email),
    IPAddresses: orNull(names.ip.map(ipText)),
    URIs: orNull(names.uri.map(urlJson)),
  };
}

/** `x509.decode(pem)`. */
export function x509Decode(pem: string): unknown {
  const block = pemDecode(pem);
  if (!block) return fail('failed to decode PEM block');
  switch (block.type) {
    case 'CERTIFICATE':
      return jsonToCelDoubles(decodeCertificate(block.bytes));
    case 'CERTIFICATE REQUEST':
      return jsonToCelDoubles(decodeCertificateRequest(block.bytes));
    default:
      return fail('PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST');
  }
}

export const kyvernoX509Library: CelLibrary = {
  name: 'kyverno.x509',
  namespaces: ['x509'],
  register(env) {
    const ns = defineNamespace(env, 'x509');
    env.registerFunction(`${ns}.decode(string): dyn`, (_n: unknown, s: string) => x509Decode(s));
  },
};

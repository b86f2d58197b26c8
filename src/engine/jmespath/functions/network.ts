/**
 * Kyverno's is_external_url: Go `net/url.Parse`, then the host: an IP literal is external unless
 * loopback or private (RFC 1918 / RFC 4193, IPv4-mapped included); a name is resolved through the
 * `lookupHost` port and is external unless one of its addresses is loopback or private. Lookup
 * failures (or no port) are errors, like Go's resolver errors.
 */
import { goQuote, utf8Bytes } from '../../utils/goconv.ts';
import { goUtf8Decode } from './encoding.ts';
import { goError } from '../errors.ts';
import { arg, type FunctionEnv, type FunctionFamily } from './types.ts';

/** Go's netip.ParseAddr as 16 bytes (IPv4 as ::ffff:a.b.c.d); undefined when invalid or zoned. */
export function parseIP(s: string): { bytes: number[]; is4: boolean; zone: string } | undefined {
  if (s.includes('.') && !s.includes(':')) {
    const b = parseIPv4(s);
    return b && { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...b], is4: true, zone: '' };
  }
  if (!s.includes(':')) return undefined;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    if (zone === '') return undefined;
    s = s.slice(0, pct);
  }
  const b = parseIPv6(s);
  return b && { bytes: b, is4: false, zone };
}

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out.push(v);
  }
  return out;
}

function parseIPv6(s: string): number[] | undefined {
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as string;
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        out.push((v4[0] as number) * 256 + (v4[1] as number), (v4[2] as number) * 256 + (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let words: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  const bytes: number[] = [];
  for (const w of words) bytes.push(w >> 8, w & 0xff);
  return bytes;
}

function isV4Mapped(b: readonly number[]): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** net.IP.IsLoopback || net.IP.IsPrivate on 16 bytes. */
export function isLoopbackOrPrivate(b: readonly number[]): boolean {
  if (isV4Mapped(b)) {
    const a0 = b[12] as number;
    const a1 = b[13] as number;
    return a0 === 127 || a0 === 10 || (a0 === 172 && (a1 & 0xf0) === 16) || (a0 === 192 && a1 === 168);
  }
  let loop = true;
  for (let i = 0; i < 15; i++) if (b[i] !== 0) loop = false;
  if (loop && b[15] === 1) return true;
  return ((b[0] as number) & 0xfe) === 0xfc;
}

export class UrlError extends Error {
  /** true when Go reports the whole URL (fragment errors), else the URL without its fragment */
  whole = false;
}

const HOST_OK = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/** Go url's unescape: validates escapes (and host characters) and decodes %XX (bytes, then UTF-8). */
function unescape(s: string, mode: 'host' | 'zone' | 'path' | 'fragment'): string {
  if (!s.includes('%') && mode !== 'host' && mode !== 'zone') return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i] as string;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && v < 0x80 && s.slice(i, i + 3) !== '%25') throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      if (mode === 'zone' && s.slice(i, i + 3) !== '%25' && v !== 0x20 && v < 0x80 && !HOST_OK.test(String.fromCharCode(v))) {
        throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      bytes.push(v);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && !HOST_OK.test(c)) {
      throw new UrlError(`invalid character ${goQuote(c)} in host name`);
    }
    const cp = s.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    bytes.push(...utf8Bytes(ch));
    i += ch.length;
  }
  return goUtf8Decode(bytes);
}

/** Go url's shouldEscape for the path and fragment modes. */
function shouldEscape(b: number, mode: 'path' | 'fragment'): boolean {
  if ((b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39)) return false;
  const c = String.fromCharCode(b);
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) return mode === 'path' ? c === '?' : false;
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

/** Go url's escape for the path and fragment modes. */
function escape(s: string, mode: 'path' | 'fragment'): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    out += shouldEscape(b, mode) ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new UrlError('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
    const hostname = host.slice(1, close);
    const zoneIdx = hostname.indexOf('%25');
    const unescaped =
      zoneIdx >= 0 ? unescape(hostname.slice(0, zoneIdx), 'host') + unescape(hostname.slice(zoneIdx), 'zone') : unescape(hostname, 'host');
    const ip = parseIP(unescaped);
    if (!ip) throw new UrlError(`invalid host: ParseAddr(${goQuote(unescaped)}): unable to parse IP`);
    if (ip.is4) throw new UrlError('invalid IP-literal');
    return `[${unescaped}]${colonPort}`;
  }
  let i = host.indexOf(':');
  if (i >= 0) {
    const last = host.lastIndexOf(':');
    if (last !== i && scheme !== 'http' && scheme !== 'https') i = last;
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

/** The fields of a Go `url.URL` (as encoding/json writes it; `User` is `{}` when present). */
export interface GoUrl {
  Scheme: string;
  Opaque: string;
  User: Record<string, never> | null;
  Host: string;
  Path: string;
  RawPath: string;
  OmitHost: boolean;
  ForceQuery: boolean;
  RawQuery: string;
  Fragment: string;
  RawFragment: string;
}

/** Go's net/url.Parse; throws UrlError with Go's inner message. */
export function goUrlParse(raw: string): GoUrl {
  const hashAt = raw.indexOf('#');
  const u = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
  const url: GoUrl = {
    Scheme: '',
    Opaque: '',
    User: null,
    Host: '',
    Path: '',
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: '',
    Fragment: '',
    RawFragment: '',
  };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(u)) throw new UrlError('net/url: invalid control character in URL');
  if (u === '*') {
    url.Path = '*';
  } else {
    let rest = u;
    for (let i = 0; i < u.length; i++) {
      const c = u[i] as string;
      if (/[A-Za-z]/.test(c)) continue;
      if (/[0-9+\-.]/.test(c)) {
        if (i === 0) break;
        continue;
      }
      if (c === ':') {
        if (i === 0) throw new UrlError('missing protocol scheme');
        url.Scheme = u.slice(0, i).toLowerCase();
        rest = u.slice(i + 1);
      }
      break;
    }
    if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
      url.ForceQuery = true;
      rest = rest.slice(0, -1);
    } else {
      const q = rest.indexOf('?');
      if (q >= 0) {
        url.RawQuery = rest.slice(q + 1);
        rest = rest.slice(0, q);
      }
    }
    let opaque = false;
    if (!rest.startsWith('/')) {
      if (url.Scheme !== '') {
        url.Opaque = rest;
        opaque = true;
      } else {
        const seg = rest.split('/')[0] as string;
        if (seg.includes(':')) throw new UrlError('first path segment in URL cannot contain colon');
      }
    }
    if (!opaque) {
      if ((url.Scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
        let authority = rest.slice(2);
        rest = '';
        const slash = authority.indexOf('/');
        if (slash >= 0) {
          rest = authority.slice(slash);
          authority = authority.slice(0, slash);
        }
        const at = authority.lastIndexOf('@');
        url.Host = parseHost(url.Scheme, at < 0 ? authority : authority.slice(at + 1));
        if (at >= 0) {
          const userinfo = authority.slice(0, at);
          if (!validUserinfo(userinfo)) throw new UrlError('net/url: invalid userinfo');
          const colon = userinfo.indexOf(':');
          if (colon < 0) unescape(userinfo, 'path');
          else {
            unescape(userinfo.slice(0, colon), 'path');
            unescape(userinfo.slice(colon + 1), 'path');
          }
          url.User = {};
        }
      } else if (url.Scheme !== '' && rest.startsWith('/')) {
        url.OmitHost = true;
      }
      const path = unescape(rest, 'path');
      url.Path = path;
      url.RawPath = escape(path, 'path') === rest ? '' : rest;
    }
  }
  if (hashAt >= 0) {
    const f = raw.slice(hashAt + 1);
    try {
      const frag = unescape(f, 'fragment');
      url.Fragment = frag;
      url.RawFragment = escape(frag, 'fragment') === f ? '' : f;
    } catch (err) {
      if (err instanceof UrlError) err.whole = true;
      throw err;
    }
  }
  return url;
}

/** `url.Parse` error as Go prints it: `parse "<url>": <reason>`. */
export function urlErrorText(raw: string, err: UrlError): string {
  const hash = raw.indexOf('#');
  const shown = err.whole || hash < 0 ? raw : raw.slice(0, hash);
  return `parse ${goQuote(shown)}: ${err.message}`;
}

/** Go's url.Parse(raw).Hostname(). */
function urlHostname(raw: string): string {
  let h = goUrlParse(raw).Host;
  const colon = h.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(h.slice(colon))) h = h.slice(0, colon);
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h;
}

function isExternalUrl(env: FunctionEnv, raw: string): boolean {
  let hostname: string;
  try {
    hostname = urlHostname(raw);
  } catch (err) {
    if (err instanceof UrlError) throw goError(urlErrorText(raw, err));
    throw err;
  }
  // net.ParseIP rejects zoned addresses, but the resolver then returns the literal itself
  const ip = parseIP(hostname);
  if (ip !== undefined) return !isLoopbackOrPrivate(ip.bytes);
  if (hostname === '') throw goError('lookup : no such host');
  if (env.lookupHost === undefined) throw goError(`lookup ${hostname}: no DNS resolver available`);
  let addrs: string[];
  try {
    addrs = env.lookupHost(hostname);
  } catch (err) {
    throw goError((err as Error).message);
  }
  for (const a of addrs) {
    const p = parseIP(a);
    if (p !== undefined && isLoopbackOrPrivate(p.bytes)) return false;
  }
  return true;
}

export const networkFunctions: FunctionFamily = (env) => [
  {
    name: 'is_external_url',
    args: [arg.string],
    returnType: ['bool'],
    note: 'determine if a URL points to an external network address',
    kyverno: true,
    handler: ([s]) => isExternalUrl(env, s as string),
  },
];

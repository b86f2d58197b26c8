/**
 * Go `net/url` (Go 1.26) as the Kubernetes url CEL library uses it: `url.Parse`, `url.ParseRequestURI`,
 * `Hostname()`, `Port()`, `EscapedPath()`, `Query()`; errors worded like Go
 * (`parse "foo": invalid URI for request`). Strings are handled as UTF-8 bytes, like Go.
 */
import { goQuote } from '../../utils/goconv.ts';
import { utf8DecodeLossy, utf8Encode } from './bytes-util.ts';
import { parseAddr } from './netip.ts';

const enum Mode {
  Path = 1,
  PathSegment = 2,
  Host = 4,
  Zone = 8,
  UserPassword = 16,
  QueryComponent = 32,
  Fragment = 64,
}

function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** Go `shouldEscape(c, mode)`. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === Mode.Host || mode === Mode.Zone) && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case Mode.Path:
        return ch === '?';
      case Mode.PathSegment:
        return ch === '/' || ch === ';' || ch === ',' || ch === '?';
      case Mode.UserPassword:
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case Mode.QueryComponent:
        return true;
      case Mode.Fragment:
        return false;
      default:
        break;
    }
  }
  if (mode === Mode.Fragment && '!()*'.includes(ch)) return false;
  return true;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return c - 0x41 + 10;
}

/** A net/url failure (message without the `parse "..."` wrapper). */
export class GoUrlError extends Error {}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);

/** Go `unescape(s, mode)` over UTF-8 bytes. */
function unescape(s: string, mode: Mode): string {
  const b = utf8Encode(s);
  let n = 0;
  let hasPlus = false;
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c === 0x25) {
      n++;
      if (i + 2 >= b.length || !isHex(b[i + 1]!) || !isHex(b[i + 2]!)) {
        const rest = b.slice(i, i + 3);
        throw new GoUrlError(`invalid URL escape ${goQuote(utf8DecodeLossy(rest))}`);
      }
      const esc = latin1(b.slice(i, i + 3));
      if (mode === Mode.Host && unhex(b[i + 1]!) < 8 && esc !== '%25') throw new GoUrlError(`invalid URL escape ${goQuote(esc)}`);
      if (mode === Mode.Zone) {
        const v = (unhex(b[i + 1]!) << 4) | unhex(b[i + 2]!);
        if (esc !== '%25' && v !== 0x20 && shouldEscape(v, Mode.Host)) throw new GoUrlError(`invalid URL escape ${goQuote(esc)}`);
      }
      i += 3;
    } else if (c === 0x2b) {
      hasPlus = mode === Mode.QueryComponent;
      i++;
    } else {
      if ((mode === Mode.Host || mode === Mode.Zone) && c < 0x80 && shouldEscape(c, mode)) {
        throw new GoUrlError(`invalid character ${goQuote(String.fromCharCode(c))} in host name`);
      }
      i++;
    }
  }
  if (n === 0 && !hasPlus) return s;
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x25) {
      out.push((unhex(b[i + 1]!) << 4) | unhex(b[i + 2]!));
      i += 2;
    } else if (c === 0x2b) out.push(mode === Mode.QueryComponent ? 0x20 : 0x2b);
    else out.push(c);
  }
  return utf8DecodeLossy(Uint8Array.from(out));
}

const UPPER_HEX = '0123456789ABCDEF';

/** Go `escape(s, mode)`. */
function escape(s: string, mode: Mode): string {
  const b = utf8Encode(s);
  let out = '';
  let changed = false;
  for (const c of b) {
    if (c === 0x20 && mode === Mode.QueryComponent) {
      out += '+';
      changed = true;
    } else if (shouldEscape(c, mode)) {
      out += `%${UPPER_HEX[c >> 4]}${UPPER_HEX[c & 15]}`;
      changed = true;
    } else out += String.fromCharCode(c);
  }
  return changed ? out : s;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (const ch of port.slice(1)) if (ch < '0' || ch > '9') return false;
  return true;
}

function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new GoUrlError('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new GoUrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new GoUrlError(`invalid port ${goQuote(colonPort)} after host`);
    const unescapedPort = unescape(colonPort, Mode.Host);
    const hostname = host.slice(1, close);
    const zi = hostname.indexOf('%25');
    const unescapedHost =
      zi >= 0 ? unescape(hostname.slice(0, zi), Mode.Host) + unescape(hostname.slice(zi), Mode.Zone) : unescape(hostname, Mode.Host);
    let addr;
    try {
      addr = parseAddr(unescapedHost);
    } catch (e) {
      throw new GoUrlError(`invalid host: ${(e as Error).message}`);
    }
    if (addr.is4()) throw new GoUrlError('invalid IP-literal');
    return `[${unescapedHost}]${unescapedPort}`;
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    const last = host.lastIndexOf(':');
    if (last !== i && !(scheme === 'http' || scheme === 'https')) i = last;
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) throw new GoUrlError(`invalid port ${goQuote(colonPort)} after host`);
  }
  return unescape(host, Mode.Host);
}

function validUserinfo(s: string): boolean {
  for (const ch of s) {
    if (/[A-Za-z0-9]/.test(ch)) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

/** A parsed URL (the fields the CEL library reads). */
export interface GoUrl {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

function getScheme(raw: string): { scheme: string; rest: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c === '+' || c === '-' || c === '.') {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new GoUrlError('missing protocol scheme');
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function parse(raw: string, viaRequest: boolean): GoUrl {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new GoUrlError('net/url: invalid control character in URL');
  }
  if (raw === '' && viaRequest) throw new GoUrlError('empty url');
  const u: GoUrl = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', fragment: '' };
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  const sr = getScheme(raw);
  u.scheme = sr.scheme.toLowerCase();
  let rest = sr.rest;
  if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    if (viaRequest) throw new GoUrlError('invalid URI for request');
    const slash = rest.indexOf('/');
    const segment = slash >= 0 ? rest.slice(0, slash) : rest;
    if (segment.includes(':')) throw new GoUrlError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    const at = authority.lastIndexOf('@');
    u.host = parseHost(u.scheme, at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!validUserinfo(userinfo)) throw new GoUrlError('net/url: invalid userinfo');
      const colon = userinfo.indexOf(':');
      if (colon < 0) u.user = { username: unescape(userinfo, Mode.UserPassword) };
      else {
        u.user = {
          username: unescape(userinfo.slice(0, colon), Mode.UserPassword),
          password: unescape(userinfo.slice(colon + 1), Mode.UserPassword),
        };
      }
    }
  }
  u.path = unescape(rest, Mode.Path);
  u.rawPath = escape(u.path, Mode.Path) === rest ? '' : rest;
  return u;
}

/** Go `url.ParseRequestURI`; throws `GoUrlError` with Go's full message. */
export function parseRequestURI(raw: string): GoUrl {
  try {
    return parse(raw, true);
  } catch (e) {
    throw new GoUrlError(`parse ${goQuote(raw)}: ${(e as Error).message}`);
  }
}

/** Go `url.Parse`; throws `GoUrlError` with Go's full message. */
export function parseUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const u = hash >= 0 ? raw.slice(0, hash) : raw;
  const frag = hash >= 0 ? raw.slice(hash + 1) : '';
  let url: GoUrl;
  try {
    url = parse(u, false);
  } catch (e) {
    throw new GoUrlError(`parse ${goQuote(u)}: ${(e as Error).message}`);
  }
  if (frag !== '') {
    try {
      url.fragment = unescape(frag, Mode.Fragment);
    } catch (e) {
      throw new GoUrlError(`parse ${goQuote(raw)}: ${(e as Error).message}`);
    }
  }
  return url;
}

function splitHostPort(hostPort: string): { host: string; port: string } {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

export function urlHostname(u: GoUrl): string {
  return splitHostPort(u.host).host;
}

export function urlPort(u: GoUrl): string {
  return splitHostPort(u.host).port;
}

function validEncoded(s: string, mode: Mode): boolean {
  const b = utf8Encode(s);
  for (const c of b) {
    if ("!$&'()*+,;=:@[]%".includes(String.fromCharCode(c))) continue;
    if (shouldEscape(c, mode)) return false;
  }
  return true;
}

export function urlEscapedPath(u: GoUrl): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath, Mode.Path)) {
    try {
      if (unescape(u.rawPath, Mode.Path) === u.path) return u.rawPath;
    } catch {
      // fall through
    }
  }
  if (u.path === '*') return '*';
  return escape(u.path, Mode.Path);
}

/** Go `u.Query()` (pairs with bad escapes or `;` are dropped). */
export function urlQuery(u: GoUrl): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let query = u.rawQuery;
  while (query !== '') {
    const amp = query.indexOf('&');
    let key = amp >= 0 ? query.slice(0, amp) : query;
    query = amp >= 0 ? query.slice(amp + 1) : '';
    if (key.includes(';') || key === '') continue;
    const eq = key.indexOf('=');
    let value = eq >= 0 ? key.slice(eq + 1) : '';
    key = eq >= 0 ? key.slice(0, eq) : key;
    try {
      key = unescape(key, Mode.QueryComponent);
      value = unescape(value, Mode.QueryComponent);
    } catch {
      continue;
    }
    const list = m.get(key);
    if (list) list.push(value);
    else m.set(key, [value]);
  }
  return m;
}

/** Go `u.String()` (used for the URL's JSON form). */
export function urlString(u: GoUrl): string {
  let out = '';
  if (u.scheme !== '') out += `${u.scheme}:`;
  if (u.opaque !== '') out += u.opaque;
  else {
    if (u.scheme !== '' || u.host !== '' || u.user) {
      if (u.host !== '' || u.path !== '' || u.user) out += '//';
      if (u.user) {
        out += escape(u.user.username, Mode.UserPassword);
        if (u.user.password !== undefined) out += `:${escape(u.user.password, Mode.UserPassword)}`;
        out += '@';
      }
      if (u.host !== '') out += escape(u.host, Mode.Host);
    }
    const p = urlEscapedPath(u);
    if (p !== '' && p[0] !== '/' && u.host !== '') out += '/';
    out += p;
  }
  if (u.rawQuery !== '') out += `?${u.rawQuery}`;
  if (u.fragment !== '') out += `#${escape(u.fragment, Mode.Fragment)}`;
  return out;
}

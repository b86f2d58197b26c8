/**
 * Self-signed CA and serving certificate generation (pkg/tls/keypair.go): the CA has CN `*.kyverno.svc`,
 * is valid from one hour ago for `caValidity` (365 days), with key usages digital signature + cert sign
 * (+ key encipherment for RSA); the serving certificate, signed by the CA, has CN = the service name, the
 * given DNS names, the server address as an IP SAN (or a DNS SAN when it is a host name), server-auth
 * extended usage, and is valid for `tlsValidity` (150 days). Keys are RSA-2048 (default), ECDSA P-256 or
 * Ed25519, written as PKCS#8 `PRIVATE KEY` PEM.
 *
 * Serial numbers are random (Kyverno uses 0 and 1; nothing depends on them).
 */
import type * as X509 from '@peculiar/x509';
import * as nodeCrypto from 'node:crypto';
import { X509Certificate as NodeX509, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The certificate library, loaded on first use: a server whose certificates already exist (in Secrets or
 * in its TLS directory) never generates one and does not carry the library's ~10 MB.
 */
let x509Module: Promise<typeof X509> | undefined;
function loadX509(): Promise<typeof X509> {
  x509Module ??= import('reflect-metadata').then(async () => {
    const m = await import('@peculiar/x509');
    m.cryptoProvider.set(webcrypto as never);
    return m;
  });
  return x509Module;
}

type WC = typeof webcrypto;
type CryptoKeyPair = Awaited<ReturnType<WC['subtle']['generateKey']>> & { privateKey: unknown; publicKey: unknown };
type Alg = { name: string; [k: string]: unknown };

export type KeyAlgorithm = 'RSA' | 'ECDSA' | 'Ed25519';

export const CA_VALIDITY_MS = 365 * 24 * 3600 * 1000;
export const TLS_VALIDITY_MS = 150 * 24 * 3600 * 1000;
export const CA_COMMON_NAME = '*.kyverno.svc';

/** `KeyAlgorithms`: `RSA` (and `''`), `ECDSA`, `ED25519`, case as Kyverno's flag accepts them. */
export function parseKeyAlgorithm(s: string): KeyAlgorithm {
  switch (s.toUpperCase()) {
    case '':
    case 'RSA':
      return 'RSA';
    case 'ECDSA':
      return 'ECDSA';
    case 'ED25519':
      return 'Ed25519';
    default:
      throw new Error(`unsupported key algorithm: ${s}`);
  }
}

function algorithmParams(alg: KeyAlgorithm): Alg {
  switch (alg) {
    case 'RSA':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    case 'ECDSA':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'Ed25519':
      return { name: 'Ed25519' };
  }
}

function signingAlgorithm(alg: KeyAlgorithm): Alg {
  switch (alg) {
    case 'RSA':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    case 'ECDSA':
      return { name: 'ECDSA', hash: 'SHA-256' };
    case 'Ed25519':
      return { name: 'Ed25519' };
  }
}

export interface KeyPairPem {
  keyPem: string;
  certPem: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f;
  return b.toString('hex');
}

async function generateKeys(alg: KeyAlgorithm): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithmParams(alg) as never, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
}

async function exportKey(keys: CryptoKeyPair): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as never));
}

/** The algorithm of a PKCS#8 private key PEM. */
export function keyAlgorithmOf(keyPem: string): KeyAlgorithm {
  const k = nodeCrypto.createPrivateKey(keyPem);
  if (k.asymmetricKeyType === 'rsa') return 'RSA';
  if (k.asymmetricKeyType === 'ec') return 'ECDSA';
  if (k.asymmetricKeyType === 'ed25519') return 'Ed25519';
  throw new Error(`unsupported private key type ${k.asymmetricKeyType}`);
}

async function importKeys(keyPem: string, alg: KeyAlgorithm): Promise<CryptoKeyPair> {
  const privateObj = nodeCrypto.createPrivateKey(keyPem);
  const publicObj = nodeCrypto.createPublicKey(privateObj);
  const pkcs8 = privateObj.export({ type: 'pkcs8', format: 'der' });
  const spki = publicObj.export({ type: 'spki', format: 'der' });
  const params = algorithmParams(alg) as never;
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, params, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, params, true, ['verify']);
  return { privateKey, publicKey } as unknown as CryptoKeyPair;
}

/**
 * `generateCA(key, validity, algorithm)`: a new CA certificate, reusing `existingKeyPem` when given (its
 * algorithm must be `alg`).
 */
export async function generateCA(opts: { alg: KeyAlgorithm; validityMs?: number; existingKeyPem?: string; now?: Date }): Promise<KeyPairPem> {
  const now = opts.now ?? new Date();
  if (opts.existingKeyPem !== undefined) {
    const existing = keyAlgorithmOf(opts.existingKeyPem);
    if (existing !== opts.alg) {
      throw new Error(`existing key algorithm (${existing}) does not match requested algorithm (${opts.alg}), cannot regenerate CA with different key type`);
    }
  }
  const x509 = await loadX509();
  const keys = opts.existingKeyPem !== undefined ? await importKeys(opts.existingKeyPem, opts.alg) : await generateKeys(opts.alg);
  let usages = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign;
  if (opts.alg === 'RSA') usages |= x509.KeyUsageFlags.keyEncipherment;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${CA_COMMON_NAME}`,
    notBefore: new Date(now.getTime() - 3600 * 1000),
    notAfter: new Date(now.getTime() + (opts.validityMs ?? CA_VALIDITY_MS)),
    signingAlgorithm: signingAlgorithm(opts.alg),
    keys,
    extensions: [
      new x509.KeyUsagesExtension(usages, true),
      new x509.BasicConstraintsExtension(true, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keyPem: opts.existingKeyPem ?? (await exportKey(keys)), certPem: cert.toString('pem') + '\n' };
}

/**
 * `generateTLS(server, caCert, caKey, validity, commonName, dnsNames, algorithm)`: a serving certificate.
 * `server` (`host` or `host:port`) becomes an IP SAN, or a DNS SAN when it is not an IP address (an
 * unspecified address such as 0.0.0.0 also becomes a DNS SAN, as in Go).
 */
export async function generateTLS(opts: {
  alg: KeyAlgorithm;
  ca: KeyPairPem;
  commonName: string;
  dnsNames: readonly string[];
  server?: string;
  validityMs?: number;
  now?: Date;
}): Promise<KeyPairPem> {
  const now = opts.now ?? new Date();
  const dnsNames = [...opts.dnsNames];
  const ips: string[] = [];
  if (opts.server !== undefined && opts.server !== '') {
    let host = opts.server;
    const m = /^\[(.*)\](?::\d+)?$/.exec(host);
    if (m) host = m[1] as string;
    else if (host.split(':').length === 2) host = host.split(':')[0] as string;
    if (isIP(host) !== 0 && host !== '0.0.0.0' && host !== '::') ips.push(host);
    else dnsNames.push(host);
  }
  const x509 = await loadX509();
  const caAlg = keyAlgorithmOf(opts.ca.keyPem);
  const caKeys = await importKeys(opts.ca.keyPem, caAlg);
  const caCert = new x509.X509Certificate(newestCertificate(opts.ca.certPem));
  const keys = await generateKeys(opts.alg);
  let usages = x509.KeyUsageFlags.digitalSignature;
  if (opts.alg === 'RSA') usages |= x509.KeyUsageFlags.keyEncipherment;
  const names: Array<{ type: 'dns' | 'ip'; value: string }> = [
    ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: X509.Extension[] = [
    new x509.KeyUsagesExtension(usages, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
    new x509.BasicConstraintsExtension(false, undefined, true),
    await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${opts.commonName}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 3600 * 1000),
    notAfter: new Date(now.getTime() + (opts.validityMs ?? TLS_VALIDITY_MS)),
    signingAlgorithm: signingAlgorithm(caAlg),
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    extensions,
  });
  return { keyPem: await exportKey(keys), certPem: cert.toString('pem') + '\n' };
}

/** All certificates of a PEM bundle (unparsable blocks skipped, as `pemToCertificates`). */
export function pemCertificates(bundle: string): NodeX509[] {
  const out: NodeX509[] = [];
  for (const m of bundle.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)) {
    try {
      out.push(new NodeX509(m[0]));
    } catch {
      // skipped
    }
  }
  return out;
}

/** The last certificate of a CA bundle (the newest CA, `caCerts[len(caCerts)-1]`). */
function newestCertificate(bundle: string): string {
  const certs = pemCertificates(bundle);
  const last = certs[certs.length - 1];
  if (!last) throw new Error('no certificate in CA bundle');
  return last.toString();
}

/** `removeExpiredCertificates(now, certs)` */
export function removeExpired(now: Date, certs: readonly NodeX509[]): NodeX509[] {
  return certs.filter((c) => !(now.getTime() > new Date(c.validTo).getTime()));
}

/** `allCertificatesExpired(now, certs)` (true for none) */
export function allExpired(now: Date, certs: readonly NodeX509[]): boolean {
  return certs.every((c) => now.getTime() > new Date(c.validTo).getTime());
}

/** `validateCert(now, cert, caCerts)`: the certificate chains to one of the CAs and is valid at `now`. */
export function validateCert(now: Date, cert: NodeX509 | undefined, caCerts: readonly NodeX509[]): boolean {
  if (!cert || caCerts.length === 0) return false;
  const t = now.getTime();
  if (t < new Date(cert.validFrom).getTime() || t > new Date(cert.validTo).getTime()) return false;
  for (const ca of caCerts) {
    if (t < new Date(ca.validFrom).getTime() || t > new Date(ca.validTo).getTime()) continue;
    try {
      if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return true;
    } catch {
      // try the next CA
    }
  }
  return false;
}

/**
 * Test PKI for the e2e control plane and for local webhook servers: a CA, leaf certificates signed by
 * it, and bare key pairs (the service-account signing key). Keys are ECDSA P-256 (fast to make;
 * accepted by kube-apiserver, etcd clients and node:https), made by node's crypto; certificates are
 * signed by the `openssl` CLI (one call each), since node's crypto cannot sign certificates.
 *
 * Example:
 *   const ca = createCertificateAuthority(dir, 'webhook-ca');
 *   const tls = issueCertificate(ca, dir, { name: 'webhook', commonName: 'webhook', ipAddresses: ['127.0.0.1'], usage: 'server' });
 *   https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler);
 *   // the webhook configuration then carries caBundle = base64(ca.certPem)
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A key pair written as PEM files (`<name>.key` PKCS#8, `<name>.pub` SPKI). */
export interface KeyPairFiles {
  keyFile: string;
  publicKeyFile: string;
  keyPem: string;
  publicKeyPem: string;
}

/** A certificate with its key, as files (`<name>.crt`, `<name>.key`) and as PEM text. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

/** What a leaf certificate is for: TLS server auth, client auth, or both. */
export type CertificateUsage = 'server' | 'client' | 'server+client';

export interface CertificateRequest {
  /** File stem inside the directory: `<name>.crt` and `<name>.key`. */
  name: string;
  commonName: string;
  /** Subject O= values; Kubernetes reads them as the client's groups (e.g. `system:masters`). */
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  usage: CertificateUsage;
  /** Validity in days; 7 unless set. */
  days?: number;
}

/** Error from the openssl CLI; `code` is stable. */
export class PkiError extends Error {
  readonly code = 'PKI_OPENSSL_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'PkiError';
  }
}

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? String(e);
    throw new PkiError(`openssl ${args.join(' ')}: ${stderr}`);
  }
}

/** Writes a new P-256 private key (PKCS#8 PEM) to `keyFile`; returns both halves as PEM. */
function newKey(keyFile: string): { keyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  return { keyPem, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

function serial(): string {
  // Positive 127-bit serial, as hex.
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return `0x${b.toString('hex')}`;
}

function subject(commonName: string, organizations: readonly string[] = []): string {
  const esc = (s: string): string => s.replace(/[/\\=+]/g, (c) => `\\${c}`);
  return organizations.map((o) => `/O=${esc(o)}`).join('') + `/CN=${esc(commonName)}`;
}

/** Generates an ECDSA P-256 key pair as `<dir>/<name>.key` and `<dir>/<name>.pub`. */
export function createKeyPair(dir: string, name: string): KeyPairFiles {
  const keyFile = join(dir, `${name}.key`);
  const publicKeyFile = join(dir, `${name}.pub`);
  const { keyPem, publicKeyPem } = newKey(keyFile);
  writeFileSync(publicKeyFile, publicKeyPem);
  return { keyFile, publicKeyFile, keyPem, publicKeyPem };
}

/** Creates a self-signed CA (`<dir>/<name>.crt`, `<dir>/<name>.key`), valid for `days` (default 7). */
export function createCertificateAuthority(dir: string, name: string, days = 7): CertificateFiles {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  const configFile = join(dir, `${name}.cnf`);
  const { keyPem } = newKey(keyFile);
  writeFileSync(
    configFile,
    [
      '[req]',
      'distinguished_name = dn',
      'x509_extensions = v3_ca',
      'prompt = no',
      '[dn]',
      `CN = ${name}`,
      '[v3_ca]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  openssl(['req', '-x509', '-new', '-config', configFile, '-key', keyFile, '-days', String(days), '-set_serial', serial(), '-out', certFile]);
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8'), keyPem };
}

/** Issues a leaf certificate signed by `ca` into `<dir>/<request.name>.{crt,key}`. */
export function issueCertificate(ca: CertificateFiles, dir: string, request: CertificateRequest): CertificateFiles {
  const keyFile = join(dir, `${request.name}.key`);
  const certFile = join(dir, `${request.name}.crt`);
  const configFile = join(dir, `${request.name}.cnf`);
  const { keyPem } = newKey(keyFile);
  const usages = { server: 'serverAuth', client: 'clientAuth', 'server+client': 'serverAuth, clientAuth' }[request.usage];
  const sans = [...(request.dnsNames ?? []).map((d) => `DNS:${d}`), ...(request.ipAddresses ?? []).map((ip) => `IP:${ip}`)];
  writeFileSync(
    configFile,
    [
      '[req]',
      'distinguished_name = dn',
      'x509_extensions = v3',
      '[dn]',
      '[v3]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      `extendedKeyUsage = ${usages}`,
      'authorityKeyIdentifier = keyid',
      ...(sans.length > 0 ? [`subjectAltName = ${sans.join(', ')}`] : []),
      '',
    ].join('\n'),
  );
  // OpenSSL 3: `req -x509 -CA` signs the new certificate with the CA in one step.
  openssl([
    'req', '-x509', '-new', '-config', configFile, '-key', keyFile, '-subj', subject(request.commonName, request.organizations),
    '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', serial(), '-days', String(request.days ?? 7), '-out', certFile,
  ]);
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8'), keyPem };
}

/**
 * CA and serving-certificate renewal (pkg/tls/renewer.go), over a `CertStore` (a directory standalone,
 * Secrets `<svc>.<ns>.svc.kyverno-tls-ca` / `…-tls-pair` in-cluster):
 *
 * - `renewCA`: drop CA certificates expiring within `renewBefore`; if none is left, create a CA (reusing
 *   the stored key) and store it after the remaining ones; then renew the serving certificate if it no
 *   longer chains to the bundle;
 * - `renewTLS`: keep a serving certificate that chains to the CA and does not expire within
 *   `renewBefore`; otherwise issue one from the newest CA;
 * - a store the server did not create (`managed: false`) is never rewritten: an invalid certificate there
 *   is an error (`tls is not valid but certificates are not managed by kyverno, we can't renew them`).
 */
import { X509Certificate } from 'node:crypto';
import { allExpired, generateCA, generateTLS, pemCertificates, removeExpired, validateCert, type KeyAlgorithm, type KeyPairPem } from './keypair.ts';

export const CERT_RENEWAL_INTERVAL_MS = 12 * 3600 * 1000;
export const DEFAULT_RENEW_BEFORE_MS = 15 * 24 * 3600 * 1000;

/** A stored key and certificate bundle (`tls.key` / `tls.crt`). */
export interface StoredPair {
  keyPem: string | undefined;
  certPem: string;
}

/** Where the CA and the serving pair live. */
export interface CertStore {
  readCA(): Promise<StoredPair | undefined>;
  writeCA(pair: KeyPairPem): Promise<void>;
  readTLS(): Promise<StoredPair | undefined>;
  writeTLS(pair: KeyPairPem): Promise<void>;
  /** whether the server created (and may rewrite) the stored material */
  managed(): Promise<boolean>;
}

export interface RenewerOptions {
  store: CertStore;
  alg: KeyAlgorithm;
  /** serving certificate CN (Kyverno: the service name) */
  commonName: string;
  dnsNames: readonly string[];
  /** the server address (`--serverIP`): an IP SAN */
  server?: string;
  renewBeforeMs?: number;
  caValidityMs?: number;
  tlsValidityMs?: number;
  now?: () => Date;
}

export class CertRenewer {
  private readonly now: () => Date;
  constructor(private readonly opts: RenewerOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  private get renewBefore(): number {
    return this.opts.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
  }

  /** `RenewCA` */
  async renewCA(): Promise<void> {
    const stored = await this.opts.store.readCA();
    const later = new Date(this.now().getTime() + this.renewBefore);
    const certs = removeExpired(later, pemCertificates(stored?.certPem ?? ''));
    if (!allExpired(later, certs)) return;
    if (stored && !(await this.opts.store.managed())) throw new Error("tls is not valid but certificates are not managed by kyverno, we can't renew them");
    // the stored CA key is reused: a key of another algorithm than --tlsKeyAlgorithm is an error, as in Kyverno
    let ca: KeyPairPem;
    try {
      ca = await generateCA({ alg: this.opts.alg, validityMs: this.opts.caValidityMs, existingKeyPem: stored?.keyPem, now: this.now() });
    } catch (err) {
      throw new Error(`failed to generate CA (${(err as Error).message})`);
    }
    const bundle = certs.map((c) => c.toString()).join('') + ca.certPem;
    await this.opts.store.writeCA({ keyPem: ca.keyPem, certPem: bundle });
    if (!(await this.validateCert())) await this.renewTLS();
  }

  /** `RenewTLS` */
  async renewTLS(): Promise<void> {
    const ca = await this.opts.store.readCA();
    if (!ca || ca.keyPem === undefined) throw new Error('failed to read CA (no CA key)');
    const stored = await this.opts.store.readTLS();
    const certs = pemCertificates(stored?.certPem ?? '');
    if (certs.length > 1) throw new Error('failed to read TLS (more than one certificate)');
    const cert = certs[0];
    if (cert) {
      const valid = await this.validateCert();
      if (valid && !allExpired(new Date(this.now().getTime() + this.renewBefore), [cert])) return;
    }
    if (stored && !(await this.opts.store.managed())) throw new Error("tls is not valid but certificates are not managed by kyverno, we can't renew them");
    const pair = await generateTLS({
      alg: this.opts.alg,
      ca: { keyPem: ca.keyPem, certPem: ca.certPem },
      commonName: this.opts.commonName,
      dnsNames: this.opts.dnsNames,
      server: this.opts.server,
      validityMs: this.opts.tlsValidityMs,
      now: this.now(),
    });
    await this.opts.store.writeTLS(pair);
  }

  /** `ValidateCert`: the serving certificate chains to the stored CAs now. */
  async validateCert(): Promise<boolean> {
    const ca = await this.opts.store.readCA();
    const tls = await this.opts.store.readTLS();
    const caCerts = pemCertificates(ca?.certPem ?? '');
    const certs = pemCertificates(tls?.certPem ?? '');
    if (certs.length !== 1) return false;
    return validateCert(this.now(), certs[0] as X509Certificate, caCerts);
  }

  /** Both renewals, in Kyverno's order (the cert manager controller's reconcile). */
  async reconcile(): Promise<void> {
    await this.renewCA();
    await this.renewTLS();
  }

  /** The CA bundle to inject into webhook configurations: the CAs that have not expired. */
  async caBundle(): Promise<string> {
    const ca = await this.opts.store.readCA();
    return removeExpired(this.now(), pemCertificates(ca?.certPem ?? ''))
      .map((c) => c.toString())
      .join('');
  }
}

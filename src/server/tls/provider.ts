/**
 * The serving key pair for the HTTPS server (the `TlsProvider` of pkg/webhooks/server.go, which reads the
 * pair per handshake): loaded at start, renewed every `CERT_RENEWAL_INTERVAL_MS` when the store is
 * managed, and pushed to the server (`onChange`) when it changes.
 */
import { X509Certificate } from 'node:crypto';
import type { Logger } from '../logging.ts';
import { pemCertificates, validateCert } from './keypair.ts';
import { CERT_RENEWAL_INTERVAL_MS, type CertRenewer, type CertStore } from './renewer.ts';

export interface ServingPair {
  key: string;
  cert: string;
  /** the CA bundle, when the store has one */
  ca: string | undefined;
}

export class TlsProvider {
  private pair: ServingPair | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(p: ServingPair) => void> = [];

  constructor(
    private readonly store: CertStore,
    private readonly renewer: CertRenewer,
    private readonly log: Logger,
  ) {}

  /** Generates/renews (managed store) and loads the pair. Throws with a clear message when unusable. */
  async init(): Promise<ServingPair> {
    if (await this.store.managed()) await this.renewer.reconcile();
    this.pair = await this.load();
    return this.pair;
  }

  private async load(): Promise<ServingPair> {
    const tls = await this.store.readTLS();
    if (!tls) throw new Error('no serving certificate (tls.crt) in the certificate store');
    if (tls.keyPem === undefined) throw new Error('the certificate store has tls.crt but no tls.key');
    const certs = pemCertificates(tls.certPem);
    const leaf = certs[0];
    if (!leaf) throw new Error('tls.crt holds no valid certificate');
    const now = new Date();
    if (now.getTime() > new Date(leaf.validTo).getTime()) throw new Error(`the serving certificate expired on ${leaf.validTo}`);
    const ca = await this.store.readCA();
    if (ca && !validateCert(now, leaf as X509Certificate, pemCertificates(ca.certPem))) {
      this.log.info('the serving certificate does not chain to ca.crt', { subject: leaf.subject });
    }
    return { key: tls.keyPem, cert: tls.certPem, ca: ca?.certPem };
  }

  current(): ServingPair {
    if (!this.pair) throw new Error('TLS provider not initialised');
    return this.pair;
  }

  onChange(cb: (p: ServingPair) => void): void {
    this.listeners.push(cb);
  }

  /** One renewal check (the periodic job); pushes a changed pair. */
  async check(): Promise<void> {
    if (!(await this.store.managed())) return;
    await this.renewer.reconcile();
    const next = await this.load();
    if (!this.pair || next.cert !== this.pair.cert || next.key !== this.pair.key) {
      this.pair = next;
      this.log.info('serving certificate renewed');
      for (const l of this.listeners) l(next);
    }
  }

  start(intervalMs = CERT_RENEWAL_INTERVAL_MS): void {
    this.timer = setInterval(() => {
      this.check().catch((err) => this.log.error(err, 'failed to renew certificates'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

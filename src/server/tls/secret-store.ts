/**
 * The in-cluster certificate store (pkg/tls/renewer.go): Secrets `<svc>.<ns>.svc.kyverno-tls-ca` (the CA
 * bundle and the CA key) and `<svc>.<ns>.svc.kyverno-tls-pair` (the serving pair) in Kyverno's
 * namespace, of type `kubernetes.io/tls` with `tls.crt` / `tls.key` (the CA may also be read from
 * `rootCA.crt`), labelled `cert.kyverno.io/managed-by=kyverno` when the server created them.
 *
 * A Secret without that label (created by an administrator or cert-manager) is used but never rewritten.
 *
 * Example: `new SecretCertStore(api, 'kyverno', 'kyverno-svc')` -> secrets `kyverno-svc.kyverno.svc.kyverno-tls-{ca,pair}`.
 */
import { isObject, type JsonObject } from '../../engine/api/json.ts';
import { isNotFound } from '../../k8s/client/errors.ts';
import type { ApiResource, KubeApi, KubeObject } from '../../k8s/client/types.ts';
import type { KeyPairPem } from './keypair.ts';
import type { CertStore, StoredPair } from './renewer.ts';

export const SECRETS: ApiResource = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true, verbs: [], subresources: [] };
export const LABEL_CERT_MANAGED_BY = 'cert.kyverno.io/managed-by';

export function caSecretName(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.kyverno-tls-ca`;
}

export function pairSecretName(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.kyverno-tls-pair`;
}

const decode = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? Buffer.from(v, 'base64').toString('utf8') : undefined);
const encode = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function isManaged(secret: KubeObject | undefined): boolean {
  if (!secret) return true;
  const m = isObject(secret['metadata'] ?? null) ? (secret['metadata'] as JsonObject) : {};
  const labels = isObject(m['labels'] ?? null) ? (m['labels'] as JsonObject) : {};
  return labels[LABEL_CERT_MANAGED_BY] === 'kyverno';
}

export class SecretCertStore implements CertStore {
  readonly caName: string;
  readonly pairName: string;

  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
    service: string,
  ) {
    this.caName = caSecretName(service, namespace);
    this.pairName = pairSecretName(service, namespace);
  }

  private async read(name: string): Promise<KubeObject | undefined> {
    return this.api.get(SECRETS, this.namespace, name);
  }

  private static pair(secret: KubeObject | undefined, ca: boolean): StoredPair | undefined {
    if (!secret) return undefined;
    const data = isObject(secret['data'] ?? null) ? (secret['data'] as JsonObject) : {};
    const certPem = decode(data['tls.crt']) ?? (ca ? decode(data['rootCA.crt']) : undefined);
    if (certPem === undefined) return undefined;
    return { certPem, keyPem: decode(data['tls.key']) };
  }

  async readCA(): Promise<StoredPair | undefined> {
    return SecretCertStore.pair(await this.read(this.caName), true);
  }

  async readTLS(): Promise<StoredPair | undefined> {
    return SecretCertStore.pair(await this.read(this.pairName), false);
  }

  private async write(name: string, pair: KeyPairPem): Promise<void> {
    const existing = await this.read(name);
    const data = { 'tls.crt': encode(pair.certPem), 'tls.key': encode(pair.keyPem) };
    if (!existing) {
      await this.api.create(SECRETS, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: this.namespace, labels: { [LABEL_CERT_MANAGED_BY]: 'kyverno' } },
        type: 'kubernetes.io/tls',
        data,
      });
      return;
    }
    await this.api.update(SECRETS, { ...existing, type: 'kubernetes.io/tls', data });
  }

  async writeCA(pair: KeyPairPem): Promise<void> {
    await this.write(this.caName, pair);
  }

  async writeTLS(pair: KeyPairPem): Promise<void> {
    await this.write(this.pairName, pair);
  }

  /** Both Secrets absent or labelled by Kyverno. */
  async managed(): Promise<boolean> {
    const [ca, pair] = await Promise.all([this.read(this.caName), this.read(this.pairName)]);
    return isManaged(ca) && isManaged(pair);
  }

  /** Deletes both Secrets (tests, uninstall). */
  async remove(): Promise<void> {
    for (const name of [this.caName, this.pairName]) {
      await this.api.delete(SECRETS, this.namespace, name).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }
}

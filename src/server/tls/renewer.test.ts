/**
 * Certificate generation and renewal (pkg/tls/renewer.go semantics) over an in-memory store, with a
 * controllable clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { generateCA, generateTLS, keyAlgorithmOf, parseKeyAlgorithm, pemCertificates, validateCert, type KeyPairPem } from './keypair.ts';
import { CertRenewer, type CertStore, type StoredPair } from './renewer.ts';

class MemoryStore implements CertStore {
  ca: StoredPair | undefined;
  tls: StoredPair | undefined;
  constructor(public isManaged = true) {}
  async readCA() {
    return this.ca;
  }
  async writeCA(p: KeyPairPem) {
    this.ca = p;
  }
  async readTLS() {
    return this.tls;
  }
  async writeTLS(p: KeyPairPem) {
    this.tls = p;
  }
  async managed() {
    return this.isManaged;
  }
}

const DAY = 86_400_000;

test('key algorithms', async () => {
  assert.equal(parseKeyAlgorithm(''), 'RSA');
  assert.equal(parseKeyAlgorithm('ed25519'), 'Ed25519');
  assert.throws(() => parseKeyAlgorithm('DSA'), /unsupported key algorithm: DSA/);
  const ca = await generateCA({ alg: 'ECDSA' });
  assert.equal(keyAlgorithmOf(ca.keyPem), 'ECDSA');
  const leaf = await generateTLS({ alg: 'ECDSA', ca, commonName: 'svc', dnsNames: ['svc.ns.svc'], server: '10.0.0.1:9443' });
  const cert = new X509Certificate(leaf.certPem);
  assert.equal(cert.subjectAltName, 'DNS:svc.ns.svc, IP Address:10.0.0.1');
  assert.equal(validateCert(new Date(), cert, pemCertificates(ca.certPem)), true);
  await assert.rejects(generateCA({ alg: 'RSA', existingKeyPem: ca.keyPem }), /existing key algorithm \(ECDSA\) does not match requested algorithm \(RSA\)/);
});

test('renewal: generate, keep, renew before expiry, keep the old CA in the bundle', async () => {
  let now = new Date('2027-01-01T00:00:00Z');
  const store = new MemoryStore();
  const renewer = new CertRenewer({ store, alg: 'ECDSA', commonName: 'kyverno-svc', dnsNames: ['kyverno-svc.kyverno.svc'], now: () => now });
  await renewer.reconcile();
  const firstCa = store.ca!.certPem;
  const firstTls = store.tls!.certPem;
  assert.equal(pemCertificates(firstCa).length, 1);
  assert.equal(await renewer.validateCert(), true);
  // nothing to do shortly after
  now = new Date(now.getTime() + 10 * DAY);
  await renewer.reconcile();
  assert.equal(store.tls!.certPem, firstTls);
  // 140 days later the serving certificate (150 days) is within renewBefore (15 days)
  now = new Date(now.getTime() + 130 * DAY);
  await renewer.reconcile();
  assert.notEqual(store.tls!.certPem, firstTls);
  assert.equal(store.ca!.certPem, firstCa, 'the CA is still valid');
  // within renewBefore of the CA's end a new CA is created with the same key; the old one, expiring
  // within renewBefore, is dropped from the bundle; the serving certificate no longer chains: reissued
  now = new Date(new Date('2027-01-01T00:00:00Z').getTime() + 355 * DAY);
  const caKey = store.ca!.keyPem;
  const tlsBefore = store.tls!.certPem;
  await renewer.reconcile();
  assert.equal(pemCertificates(store.ca!.certPem).length, 1);
  assert.notEqual(store.ca!.certPem, firstCa);
  assert.equal(store.ca!.keyPem, caKey);
  assert.notEqual(store.tls!.certPem, tlsBefore);
  assert.equal(await renewer.validateCert(), true);
  assert.equal((await renewer.caBundle()).split('BEGIN CERTIFICATE').length - 1, 1);
});

test('an unmanaged store is never rewritten', async () => {
  const managed = new MemoryStore();
  await new CertRenewer({ store: managed, alg: 'ECDSA', commonName: 'x', dnsNames: [] }).reconcile();
  const user = new MemoryStore(false);
  user.ca = managed.ca;
  user.tls = managed.tls;
  const later = new Date(Date.now() + 400 * DAY);
  const renewer = new CertRenewer({ store: user, alg: 'ECDSA', commonName: 'x', dnsNames: [], now: () => later });
  await assert.rejects(renewer.reconcile(), /tls is not valid but certificates are not managed by kyverno, we can't renew them/);
  assert.equal(user.tls, managed.tls);
});

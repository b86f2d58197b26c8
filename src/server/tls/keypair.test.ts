/**
 * The three key algorithms of `--tlsKeyAlgorithm` (RSA, ECDSA, Ed25519), table-driven: the generated CA
 * and serving certificate carry a key of that type, the serving certificate chains to the CA and names
 * the server, Node's TLS serves HTTPS with the pair and a client trusting only the CA completes the
 * handshake; standalone (`--tls-dir`) generation writes that algorithm too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirCertStore } from './dir-store.ts';
import { generateCA, generateTLS, keyAlgorithmOf, parseKeyAlgorithm, pemCertificates, validateCert, type KeyAlgorithm } from './keypair.ts';
import { CertRenewer } from './renewer.ts';

const CASES: ReadonlyArray<{ flag: string; alg: KeyAlgorithm; nodeType: string; oid: string; caUsage: string }> = [
  { flag: 'RSA', alg: 'RSA', nodeType: 'rsa', oid: 'rsaEncryption', caUsage: 'keyEncipherment' },
  { flag: 'ECDSA', alg: 'ECDSA', nodeType: 'ec', oid: 'id-ecPublicKey', caUsage: '' },
  { flag: 'Ed25519', alg: 'Ed25519', nodeType: 'ed25519', oid: 'ED25519', caUsage: '' },
];

/** GET / over HTTPS from a client trusting only `ca`; resolves with the body. */
function httpsGet(port: number, ca: string, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca, servername, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const c of CASES) {
  test(`tls key algorithm ${c.flag}: key types, chain, SANs, and an HTTPS handshake with Node's TLS`, async () => {
    assert.equal(parseKeyAlgorithm(c.flag), c.alg);
    assert.equal(parseKeyAlgorithm(c.flag.toLowerCase()), c.alg);
    const ca = await generateCA({ alg: c.alg });
    const pair = await generateTLS({ alg: c.alg, ca, commonName: 'kyverno-svc', dnsNames: ['kyverno-svc.kyverno.svc'], server: '127.0.0.1:9443' });
    assert.equal(keyAlgorithmOf(ca.keyPem), c.alg);
    assert.equal(keyAlgorithmOf(pair.keyPem), c.alg);
    assert.equal(createPrivateKey(pair.keyPem).asymmetricKeyType, c.nodeType);

    const caCert = new X509Certificate(ca.certPem);
    const leaf = new X509Certificate(pair.certPem);
    assert.equal(caCert.publicKey.asymmetricKeyType, c.nodeType);
    assert.equal(leaf.publicKey.asymmetricKeyType, c.nodeType);
    assert.equal(caCert.ca, true);
    assert.equal(caCert.subject, 'CN=*.kyverno.svc');
    assert.equal(leaf.subject, 'CN=kyverno-svc');
    assert.equal(leaf.subjectAltName, 'DNS:kyverno-svc.kyverno.svc, IP Address:127.0.0.1');
    assert.equal(leaf.checkIssued(caCert), true);
    assert.equal(leaf.verify(caCert.publicKey), true);
    assert.equal(caCert.verify(caCert.publicKey), true, 'the CA is self-signed');
    assert.equal(validateCert(new Date(), leaf, pemCertificates(ca.certPem)), true);
    // the SubjectPublicKeyInfo OID `openssl x509 -text` reports as "Public Key Algorithm" (the chainsaw tests grep it)
    assert.match(Buffer.from(leaf.raw).toString('latin1'), c.alg === 'RSA' ? /\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01/ : c.alg === 'ECDSA' ? /\x2a\x86\x48\xce\x3d\x02\x01/ : /\x06\x03\x2b\x65\x70/);

    const server = createServer({ key: pair.keyPem, cert: pair.certPem }, (_req, res) => res.end(`hello ${c.flag}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      assert.equal(await httpsGet(port, ca.certPem, 'kyverno-svc.kyverno.svc'), `hello ${c.flag}`);
      // the IP SAN: a client calling the address (the API server with --serverIP) verifies too
      assert.equal(await httpsGet(port, ca.certPem, ''), `hello ${c.flag}`);
      // a client trusting another CA refuses the handshake
      const other = await generateCA({ alg: c.alg });
      await assert.rejects(httpsGet(port, other.certPem, 'kyverno-svc.kyverno.svc'), /self[- ]signed|unable to verify|signature/i);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test(`tls key algorithm ${c.flag}: standalone --tls-dir generation writes that algorithm and keeps it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-tls-'));
    try {
      const store = new DirCertStore(dir);
      const renewer = new CertRenewer({ store, alg: c.alg, commonName: 'kyverno-svc', dnsNames: ['kyverno-svc.kyverno.svc'], server: '127.0.0.1' });
      assert.equal(await store.managed(), true);
      await renewer.reconcile();
      const crt = readFileSync(join(dir, 'tls.crt'), 'utf8');
      assert.equal(keyAlgorithmOf(readFileSync(join(dir, 'tls.key'), 'utf8')), c.alg);
      assert.equal(new X509Certificate(readFileSync(join(dir, 'ca.crt'), 'utf8')).publicKey.asymmetricKeyType, c.nodeType);
      assert.equal(await renewer.validateCert(), true);
      // Kyverno keeps valid material whatever algorithm it is asked for next time
      const next = CASES.find((o) => o.alg !== c.alg)!.alg;
      await new CertRenewer({ store, alg: next, commonName: 'kyverno-svc', dnsNames: [] }).reconcile();
      assert.equal(readFileSync(join(dir, 'tls.crt'), 'utf8'), crt);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('tls key algorithm: a CA key of another algorithm is not reused for a new CA (Kyverno refuses)', async () => {
  for (const c of CASES) {
    const ca = await generateCA({ alg: c.alg });
    for (const o of CASES) {
      if (o.alg === c.alg) {
        assert.equal((await generateCA({ alg: o.alg, existingKeyPem: ca.keyPem })).keyPem, ca.keyPem);
      } else {
        await assert.rejects(generateCA({ alg: o.alg, existingKeyPem: ca.keyPem }), new RegExp(`existing key algorithm \\(${c.alg}\\) does not match requested algorithm \\(${o.alg}\\), cannot regenerate CA with different key type`));
      }
    }
  }
});

test('tls key algorithm: renewing a CA whose stored key has another algorithm fails as in Kyverno; valid material is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-ts-tls-'));
  try {
    const store = new DirCertStore(dir);
    await new CertRenewer({ store, alg: 'ECDSA', commonName: 'kyverno-svc', dnsNames: [] }).reconcile();
    const now = Date.now();
    // still valid: an RSA renewer keeps the ECDSA material
    await new CertRenewer({ store, alg: 'RSA', commonName: 'kyverno-svc', dnsNames: [] }).reconcile();
    assert.equal(keyAlgorithmOf(readFileSync(join(dir, 'tls.key'), 'utf8')), 'ECDSA');
    // within renewBefore of the CA's end, the stored ECDSA key cannot make an RSA CA
    const later = new Date(now + 360 * 86_400_000);
    await assert.rejects(
      new CertRenewer({ store, alg: 'RSA', commonName: 'kyverno-svc', dnsNames: [], now: () => later }).reconcile(),
      /^Error: failed to generate CA \(existing key algorithm \(ECDSA\) does not match requested algorithm \(RSA\), cannot regenerate CA with different key type\)$/,
    );
    await new CertRenewer({ store, alg: 'ECDSA', commonName: 'kyverno-svc', dnsNames: [], now: () => later }).reconcile();
    assert.equal(new X509Certificate(readFileSync(join(dir, 'tls.crt'), 'utf8')).publicKey.asymmetricKeyType, 'ec');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

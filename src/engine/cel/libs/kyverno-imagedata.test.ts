/**
 * Kyverno's imagedata library: `image.GetMetadata(ref)` (and `getMetadata`) through a registry port;
 * `failed to get image data: ...` on errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnvironment } from '../environment.ts';
import { CelEvalError, isCelCompileError } from '../errors.ts';
import { ImageDataContextValue } from './kyverno-imagedata.ts';

const env = createCelEnvironment({ variables: { image: 'imagedata.Context' } });
const ctx = new ImageDataContextValue({
  async getImageData(ref) {
    if (ref === 'bad') throw new Error('MANIFEST_UNKNOWN');
    return { resolvedImage: `${ref}@sha256:abc`, config: { config: { User: '1000' } }, manifest: { schemaVersion: 2 } };
  },
});

async function run(expr: string): Promise<unknown> {
  const c = env.compile(expr);
  if (isCelCompileError(c)) throw new Error(c.message);
  return c.evaluateAsync({ image: ctx });
}

test('GetMetadata returns the registry data', async () => {
  assert.equal(await run('image.GetMetadata("nginx").config.config.User'), '1000');
  assert.equal(await run('image.getMetadata("nginx").manifest.schemaVersion'), 2);
});

test('parseImageReference and image data coexist (image() is a function, image a variable)', async () => {
  assert.equal(await run('image("nginx").registry() + " " + image.GetMetadata("nginx").resolvedImage'), 'index.docker.io nginx@sha256:abc');
});

test('errors are wrapped like Kyverno', async () => {
  await assert.rejects(run('image.GetMetadata("bad")'), (e: unknown) => e instanceof CelEvalError && e.message === 'failed to get image data: MANIFEST_UNKNOWN');
});

/**
 * Kyverno's imagedata library: `image.GetMetadata(ref)` (and `getMetadata`) fetches an image's
 * registry metadata (manifest, config...) through the injected port.
 */
import type { JsonObject } from '../../api/json.ts';
import { CelFunctionError } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { jsonToCelDoubles } from '../values.ts';

/** Registry access (`imagedata.ContextInterface`). */
export interface ImageDataPort {
  getImageData(ref: string): Promise<JsonObject> | JsonObject;
}

/** The `image` activation value. */
export class ImageDataContextValue {
  constructor(readonly port: ImageDataPort) {}
}

function fetchData(c: ImageDataContextValue, ref: string): unknown {
  const onError = (e: unknown): never => {
    throw new CelFunctionError(`failed to get image data: ${e instanceof Error ? e.message : String(e)}`);
  };
  try {
    const r = c.port.getImageData(ref);
    return r instanceof Promise ? r.then((v) => jsonToCelDoubles(v), onError) : jsonToCelDoubles(r);
  } catch (e) {
    return onError(e);
  }
}

const T = 'imagedata.Context';

export const kyvernoImageDataLibrary: CelLibrary = {
  name: 'kyverno.imagedata',
  register(env) {
    env.registerType(T, ImageDataContextValue);
    for (const name of ['GetMetadata', 'getMetadata']) {
      env.registerFunction(`${T}.${name}(string): map<string, dyn>`, (c: ImageDataContextValue, r: string) => fetchData(c, r), { async: true });
    }
  },
};

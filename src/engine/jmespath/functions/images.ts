/**
 * Kyverno's image_normalize: the image reference with the default registry and the default `latest`
 * tag filled in (`nginx` -> `docker.io/nginx:latest`; with a digest the tag is dropped:
 * `reg/path@sha256:…`). Honours Kyverno's `defaultRegistry` / `enableDefaultRegistryMutation`.
 */
import { ImageReferenceError, defaultImageConfig, getImageInfo } from '../../utils/image.ts';
import { functionError } from '../errors.ts';
import { arg, type FunctionFamily } from './types.ts';

export const imageFunctions: FunctionFamily = (env) => {
  const cfg = {
    defaultRegistry: env.defaultRegistry ?? defaultImageConfig.defaultRegistry,
    enableDefaultRegistryMutation: env.enableDefaultRegistryMutation ?? defaultImageConfig.enableDefaultRegistryMutation,
  };
  return [
    {
      name: 'image_normalize',
      args: [arg.string],
      returnType: ['string'],
      note: 'normalizes an image reference',
      kyverno: true,
      handler: ([image]) => {
        let info;
        try {
          info = getImageInfo(image as string, cfg);
        } catch (err) {
          if (err instanceof ImageReferenceError) throw functionError('image_normalize', err.message);
          throw err;
        }
        // ImageInfo.String() over the final registry/path
        const base = info.registry !== '' ? `${info.registry}/${info.path}` : info.path;
        return info.digest !== '' ? `${base}@${info.digest}` : `${base}:${info.tag}`;
      },
    },
  ];
};

/**
 * The `images` context variable (kyverno/pkg/utils/api/image.go): images of a Pod, a pod controller's
 * template or a CronJob's job template, by container group and container name, or as configured by a
 * rule's `imageExtractors`.
 */
import { isObject, type JsonObject, type JsonValue, type Resource } from '../api/json.ts';
import { getImageInfo, imageInfoToJson, type ImageConfig, type ImageInfo } from '../utils/image.ts';

export interface ExtractedImage extends ImageInfo {
  jsonPointer: string;
  imagePullSecrets: string[];
}

/** images[group][key] */
export type ImagesByGroup = Record<string, Record<string, ExtractedImage>>;

interface Extractor {
  fields: string[];
  key: string;
  value: string;
  name: string;
  jmesPath: string;
}

export interface ImageExtractorConfig {
  path: string;
  value?: string;
  name?: string;
  key?: string;
  jmesPath?: string;
}

function standardExtractors(...tags: string[]): Extractor[] {
  return ['initContainers', 'containers', 'ephemeralContainers'].map((tag) => ({
    fields: [...tags, tag, '*'],
    key: 'name',
    value: 'image',
    name: tag,
    jmesPath: '',
  }));
}

const podExtractors = standardExtractors('spec');
const podControllerExtractors = standardExtractors('spec', 'template', 'spec');
const cronJobExtractors = standardExtractors('spec', 'jobTemplate', 'spec', 'template', 'spec');
const registeredExtractors: Record<string, Extractor[]> = {
  Pod: podExtractors,
  DaemonSet: podControllerExtractors,
  Deployment: podControllerExtractors,
  ReplicaSet: podControllerExtractors,
  ReplicationController: podControllerExtractors,
  StatefulSet: podControllerExtractors,
  CronJob: cronJobExtractors,
  Job: podControllerExtractors,
};

export class ImageExtractionError extends Error {
  readonly code = 'IMAGE_EXTRACTION';
}

function lookupExtractors(kind: string, configs: Record<string, ImageExtractorConfig[]> | undefined): Extractor[] | undefined {
  const cfgs = configs?.[kind];
  if (cfgs) {
    return cfgs.map((c) => {
      const fields = c.path
        .split('/')
        .map((f) => f.trim())
        .filter((f) => f !== '');
      let value = c.value ?? '';
      if (value === '') {
        value = fields[fields.length - 1] ?? '';
        fields.pop();
      }
      return { fields, key: c.key ?? '', name: c.name || 'custom', value, jmesPath: c.jmesPath ?? '' };
    });
  }
  return registeredExtractors[kind];
}

/** Applies a JMESPath to a value (for extractors with `jmesPath`). */
export type JmesSearch = (expression: string, data: JsonValue) => JsonValue;

function extract(
  obj: JsonValue | undefined,
  path: string[],
  ex: Extractor,
  fields: string[],
  out: Record<string, ExtractedImage>,
  cfg: ImageConfig,
  pullSecrets: string[],
  search: JmesSearch | undefined,
): void {
  if (obj === null || obj === undefined) return;
  if (fields.length > 0 && fields[0] === '*') {
    if (Array.isArray(obj)) {
      obj.forEach((v, i) => extract(v, [...path, String(i)], ex, fields.slice(1), out, cfg, pullSecrets, search));
    } else if (isObject(obj)) {
      for (const k of Object.keys(obj)) extract(obj[k], [...path, k], ex, fields.slice(1), out, cfg, pullSecrets, search);
    } else {
      throw new ImageExtractionError('invalid type');
    }
    return;
  }
  if (!isObject(obj)) throw new ImageExtractionError('invalid image config');
  const secrets = obj['imagePullSecrets'];
  if (Array.isArray(secrets)) {
    pullSecrets = [...pullSecrets];
    for (const s of secrets) if (isObject(s) && typeof s['name'] === 'string') pullSecrets.push(s['name']);
  }
  if (fields.length === 0) {
    const pointer = `/${path.join('/')}/${ex.value}`;
    let key = pointer;
    if (ex.key !== '') {
      const k = obj[ex.key];
      if (typeof k !== 'string') throw new ImageExtractionError('invalid key');
      key = k;
    }
    let value = obj[ex.value];
    if (typeof value !== 'string' || value.trim() === '') return;
    if (ex.jmesPath !== '' && search) {
      let r: JsonValue;
      try {
        r = search(ex.jmesPath, value);
      } catch (err) {
        throw new ImageExtractionError(`failed to apply jmespath ${ex.jmesPath}: ${(err as Error).message}`);
      }
      if (typeof r !== 'string') throw new ImageExtractionError(`jmespath ${ex.jmesPath} must produce a string, but produced ${String(r)}`);
      value = r;
    }
    let info: ImageInfo;
    try {
      info = getImageInfo(value, cfg);
    } catch (err) {
      throw new ImageExtractionError(`invalid image '${value}' (${(err as Error).message})`);
    }
    out[key] = { ...info, jsonPointer: pointer, imagePullSecrets: pullSecrets };
    return;
  }
  const current = fields[0] as string;
  extract(obj[current], [...path, current], ex, fields.slice(1), out, cfg, pullSecrets, search);
}

/** ExtractImagesFromResource. */
export function extractImages(
  resource: Resource,
  cfg: ImageConfig,
  configs?: Record<string, ImageExtractorConfig[]>,
  search?: JmesSearch,
): ImagesByGroup {
  const kind = typeof resource['kind'] === 'string' ? resource['kind'] : '';
  const extractors = lookupExtractors(kind, configs);
  const infos: ImagesByGroup = {};
  if (!extractors) return infos;
  if (extractors.length === 0) throw new ImageExtractionError(`no extractors found for ${kind}`);
  for (const ex of extractors) {
    const m: Record<string, ExtractedImage> = {};
    extract(resource, [], ex, ex.fields, m, cfg, [], search);
    if (Object.keys(m).length > 0) infos[ex.name] = m;
  }
  return infos;
}

/** The `images` document stored in the context. */
export function imagesToContext(images: ImagesByGroup): JsonObject {
  const out: JsonObject = {};
  for (const group of Object.keys(images)) {
    const g: JsonObject = {};
    const m = images[group] as Record<string, ExtractedImage>;
    for (const name of Object.keys(m)) {
      const img = m[name] as ExtractedImage;
      g[name] = { ...imageInfoToJson(img), jsonPointer: img.jsonPointer };
    }
    out[group] = g;
  }
  return out;
}

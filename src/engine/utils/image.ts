/**
 * Container image references (kyverno/pkg/utils/image/infos.go over github.com/distribution/reference):
 * `[registry/]path[:tag][@digest]`, with the default registry (`docker.io`) prepended when the first path
 * segment is not a registry host, and `latest` as the default tag.
 */

export interface ImageInfo {
  registry: string;
  name: string;
  path: string;
  tag: string;
  digest: string;
  reference: string;
  referenceWithTag: string;
}

export interface ImageConfig {
  defaultRegistry: string;
  enableDefaultRegistryMutation: boolean;
}

export const defaultImageConfig: ImageConfig = { defaultRegistry: 'docker.io', enableDefaultRegistryMutation: true };

export class ImageReferenceError extends Error {
  readonly code = 'INVALID_IMAGE_REFERENCE';
}

// distribution/reference grammar
const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domain}/)?${remoteName}`;
const referenceRe = new RegExp(`^(${namePat})(?::(${tag}))?(?:@(${digest}))?$`);
const anchoredNameRe = new RegExp(`^(?:(${domain})/)?(${remoteName})$`);
const NAME_TOTAL_LENGTH_MAX = 255;

export interface ParsedReference {
  domain: string;
  path: string;
  tag: string;
  digest: string;
}

/** distribution/reference.Parse (no normalization). */
export function parseReference(s: string): ParsedReference {
  const m = referenceRe.exec(s);
  if (!m) {
    if (s === '') throw new ImageReferenceError('repository name must have at least one component');
    if (referenceRe.test(s.toLowerCase())) throw new ImageReferenceError('repository name must be lowercase');
    throw new ImageReferenceError('invalid reference format');
  }
  const name = m[1] as string;
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw new ImageReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  const nm = anchoredNameRe.exec(name);
  if (!nm) throw new ImageReferenceError('invalid reference format');
  return { domain: nm[1] ?? '', path: nm[2] as string, tag: m[2] ?? '', digest: m[3] ?? '' };
}

function addDefaultRegistry(name: string, cfg: ImageConfig): string {
  const i = name.indexOf('/');
  if (i === -1) return `${cfg.defaultRegistry}/${name}`;
  const first = name.slice(0, i);
  if (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first) {
    return `${cfg.defaultRegistry}/${name}`;
  }
  return name;
}

/** GetImageInfo: parses an image string into its parts. Throws ImageReferenceError for a bad reference. */
export function getImageInfo(image: string, cfg: ImageConfig = defaultImageConfig): ImageInfo {
  const full = addDefaultRegistry(image, cfg);
  let ref: ParsedReference;
  try {
    ref = parseReference(full);
  } catch (err) {
    throw new ImageReferenceError(
      `bad image: ${full}, defaultRegistry: ${cfg.defaultRegistry}, enableDefaultRegistryMutation: ${cfg.enableDefaultRegistryMutation}: ${(err as Error).message}`,
    );
  }
  let registry = ref.domain;
  let path = ref.path;
  const name = path.slice(path.lastIndexOf('/') + 1);
  let t = ref.tag;
  const d = ref.digest;
  if (d === '' && t === '') t = 'latest';
  if (full !== image && !cfg.enableDefaultRegistryMutation) registry = '';
  const referenceWithTag = registry !== '' ? `${registry}/${path}:${t}` : `${path}:${t}`;
  const base = registry !== '' ? `${registry}/${path}` : path;
  const reference = d !== '' ? `${base}@${d}` : `${base}:${t}`;
  const parts = path.split('/');
  if (parts.length > 1 && registry === '' && (parts[0] as string).includes('_')) {
    registry = parts[0] as string;
    path = parts.slice(1).join('/');
  }
  return { registry, name, path, tag: t, digest: d, reference, referenceWithTag };
}

/** The JSON form Kyverno puts in the context (`omitempty` fields dropped). */
export function imageInfoToJson(info: ImageInfo): Record<string, string> {
  const out: Record<string, string> = {};
  if (info.registry !== '') out['registry'] = info.registry;
  out['name'] = info.name;
  out['path'] = info.path;
  if (info.tag !== '') out['tag'] = info.tag;
  if (info.digest !== '') out['digest'] = info.digest;
  if (info.reference !== '') out['reference'] = info.reference;
  if (info.referenceWithTag !== '') out['referenceWithTag'] = info.referenceWithTag;
  return out;
}

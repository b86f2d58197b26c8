/**
 * Kyverno's image library (kyverno/sdk extensions/cel/libs/image over go-containerregistry's
 * `name.ParseReference`): `parseImageReference(s)` / `image(s)`, `isImage(s)`, and on images
 * `registry()` (`index.docker.io` by default), `repository()` (`library/nginx` for official images),
 * `identifier()`, `tag()`, `digest()`, `containsDigest()` (kyverno/sdk as pinned by Kyverno 1.19.0).
 */
import { fail } from '../errors.ts';
import type { CelLibrary } from '../library.ts';
import { parseUrl } from './go-url.ts';

const DEFAULT_REGISTRY = 'index.docker.io';
const DEFAULT_TAG = 'latest';
const REPOSITORY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-./';
const TAG_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A parsed reference (`name.Tag` or `name.Digest`). */
export class ImageValue {
  /** the CEL type name (cel-go's `TypeName()`) */
  static readonly celTypeName = 'kyverno.image';
  constructor(
    readonly registry: string,
    /** repository as given (without the implicit `library/`) */
    readonly repo: string,
    readonly tag: string,
    readonly digest: string,
    readonly original: string,
    readonly isDigest: boolean,
  ) {}

  /** `RepositoryStr()`: `library/` added for single-component Docker Hub names. */
  repository(): string {
    return !this.repo.includes('/') && this.registry === DEFAULT_REGISTRY ? `library/${this.repo}` : this.repo;
  }

  toJSON(): string {
    return this.original;
  }
}

class BadName extends Error {}

function checkElement(name: string, element: string, allowed: string, min: number, max: number): void {
  const n = Array.from(element).length;
  if (n < min || max < n) throw new BadName(`${name} must be between ${min} and ${max} characters in length: ${element}`);
  for (const ch of element) if (!allowed.includes(ch)) throw new BadName(`${name} can only contain the characters \`${allowed}\`: ${element}`);
}

function newRegistry(name: string): string {
  let ok = true;
  try {
    ok = parseUrl(`//${name}`).host === name;
  } catch {
    ok = false;
  }
  if (!ok) throw new BadName(`registries must be valid RFC 3986 URI authorities: ${name}`);
  if (name === '') return DEFAULT_REGISTRY;
  if (name === 'docker.io') return DEFAULT_REGISTRY;
  return name;
}

function newRepository(name: string): { registry: string; repo: string } {
  if (name.length === 0) throw new BadName('a repository name must be specified');
  let registry = '';
  let repo = name;
  const slash = name.indexOf('/');
  if (slash >= 0) {
    const maybe = name.slice(0, slash);
    if (maybe === 'localhost' || /[.:]/.test(maybe)) {
      registry = maybe;
      repo = name.slice(slash + 1);
    }
  }
  checkElement('repository', repo, REPOSITORY_CHARS, 2, 255);
  return { registry: newRegistry(registry), repo };
}

function newTag(name: string): ImageValue {
  let base = name;
  let tag = '';
  const parts = name.split(':');
  if (parts.length > 1 && !parts[parts.length - 1]!.includes('/')) {
    base = parts.slice(0, -1).join(':');
    tag = parts[parts.length - 1]!;
    if (tag === '') throw new BadName(`${name} must specify a tag name after the colon`);
  }
  if (tag !== '') checkElement('tag', tag, TAG_CHARS, 1, 128);
  if (tag === '') tag = DEFAULT_TAG;
  const r = newRepository(base);
  return new ImageValue(r.registry, r.repo, tag, '', name, false);
}

function newDigest(name: string): ImageValue {
  const parts = name.split('@');
  if (parts.length !== 2) throw new BadName(`a digest must contain exactly one '@' separator (e.g. registry/repository@digest) saw: ${name}`);
  let base = parts[0]!;
  const dig = parts[1]!;
  if (!dig.startsWith('sha256:')) throw new BadName(`unsupported digest algorithm: ${dig}`);
  const hex = dig.slice('sha256:'.length);
  if (hex.length !== 64) throw new BadName('invalid checksum digest length');
  if (!/^[a-f0-9]{64}$/.test(hex)) throw new BadName('invalid checksum digest format');
  try {
    const t = newTag(base);
    base = `${t.registry}/${t.repository()}`;
  } catch {
    // keep base
  }
  const r = newRepository(base);
  return new ImageValue(r.registry, r.repo, '', dig, name, true);
}

/** go-containerregistry `name.ParseReference`; throws `could not parse reference: <s>`. */
export function parseImageReference(s: string): ImageValue {
  try {
    return newTag(s);
  } catch {
    // try digest
  }
  try {
    return newDigest(s);
  } catch {
    return fail(`could not parse reference: ${s}`);
  }
}

/** `tag()`: the tag of a tag reference, `""` for digest references. */
export function imageTag(v: ImageValue): string {
  return v.isDigest ? '' : v.tag;
}

/** `identifier()`: go-containerregistry `Identifier()`, the tag or the digest. */
export function imageIdentifier(v: ImageValue): string {
  return v.isDigest ? v.digest : v.tag;
}

const T = 'kyverno.image';

export const kyvernoImageLibrary: CelLibrary = {
  name: 'kyverno.image',
  register(env) {
    env.registerType(T, ImageValue);
    env.registerFunction(`image(string): ${T}`, (s: string) => parseImageReference(s));
    env.registerFunction(`parseImageReference(string): ${T}`, (s: string) => parseImageReference(s));
    env.registerFunction('isImage(string): bool', (s: string) => {
      try {
        parseImageReference(s);
        return true;
      } catch {
        return false;
      }
    });
    env.registerFunction(`${T}.containsDigest(): bool`, (v: ImageValue) => v.isDigest && v.digest.length !== 0);
    env.registerFunction(`${T}.registry(): string`, (v: ImageValue) => v.registry);
    env.registerFunction(`${T}.repository(): string`, (v: ImageValue) => v.repository());
    env.registerFunction(`${T}.identifier(): string`, (v: ImageValue) => imageIdentifier(v));
    env.registerFunction(`${T}.tag(): string`, (v: ImageValue) => imageTag(v));
    env.registerFunction(`${T}.digest(): string`, (v: ImageValue) => (v.isDigest ? v.digest : ''));
    env.registerOperator(`${T} == ${T}`, (a: ImageValue, b: ImageValue) =>
      a.isDigest === b.isDigest && a.registry === b.registry && a.repo === b.repo && a.tag === b.tag && a.digest === b.digest && a.original === b.original,
    );
  },
};

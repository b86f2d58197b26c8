/**
 * Reading the Dockerfile and .dockerignore for the packaging tests (Docker itself is not available):
 * instructions by stage, and which paths the build context lets through.
 *
 * ```ts
 * const st = stages(parseDockerfile(text)); // [[FROM .. AS build, WORKDIR, COPY, RUN, ...], [FROM .. AS runtime, ...]]
 * dockerIgnored(['*', '!src'], 'src/cli/main.ts'); // false
 * ```
 */
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Dockerfile instructions: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (buf === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (buf === '') start = i + 1;
    if (line.endsWith('\\')) {
      buf += `${line.slice(0, -1)} `;
      return;
    }
    buf += line;
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(buf);
    if (m) out.push({ op: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: start });
    buf = '';
  });
  return out;
}

/** Splits instructions into stages (each starting at FROM). */
export function stages(instructions: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') out.push([ins]);
    else if (out.length > 0) out[out.length - 1]!.push(ins);
  }
  return out;
}

/** A .dockerignore pattern as a regular expression: `*` and `?` stay within a path segment, `**` crosses them. */
function globToRe(p: string): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*' && p[i + 1] === '*') {
      i++;
      if (p[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** .dockerignore semantics (moby patternmatcher): the last matching pattern wins; a pattern matching a parent folder matches the file. */
export function dockerIgnored(patterns: string[], path: string): boolean {
  let ignored = false;
  const parts = path.split('/');
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const re = globToRe((negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, ''));
    if (parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')))) ignored = !negate;
  }
  return ignored;
}

/** Patterns of a .dockerignore file (comments and blank lines dropped). */
export function parseDockerignore(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Sources of a COPY instruction from the build context (flags and the destination dropped). */
export function copySources(ins: Instruction): string[] {
  const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
  return parts.slice(0, -1);
}

/**
 * Copies `src` (a file or folder, relative to `root`) into `dest` (same relative path), leaving out
 * what .dockerignore excludes: the build context Docker would send for that COPY.
 */
export function copyContext(root: string, src: string, dest: string, patterns: string[]): void {
  const from = join(root, src);
  if (dockerIgnored(patterns, src)) return;
  if (statSync(from).isDirectory()) {
    for (const e of readdirSync(from)) copyContext(root, `${src}/${e}`, dest, patterns);
    return;
  }
  mkdirSync(dirname(join(dest, src)), { recursive: true });
  copyFileSync(from, join(dest, src));
}

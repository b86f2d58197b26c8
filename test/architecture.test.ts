/**
 * Imports go one way: src/engine is pure (no node: imports, no imports from adapters or front ends);
 * src/k8s never imports the front ends; no front end imports another front end's internals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const src = join(root, 'src');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(importRe)) out.push((m[1] ?? m[2]) as string);
  return out;
}

const layer = (file: string): string => relative(src, file).split('/')[0] ?? '';
const allowed: Record<string, string[]> = {
  engine: ['engine'],
  k8s: ['engine', 'k8s'],
  // the CLI is the composition root: `kyverno serve` / `kyverno controllers` start the other front ends
  cli: ['engine', 'k8s', 'cli', 'server', 'controllers'],
  server: ['engine', 'k8s', 'server'],
  controllers: ['engine', 'k8s', 'server', 'controllers'],
};

test('architecture: imports go one way and the engine is pure', () => {
  const problems: string[] = [];
  for (const file of sources(src)) {
    const from = layer(file);
    for (const spec of importsOf(file)) {
      if (from === 'engine' && (spec.startsWith('node:') || ['fs', 'path', 'os', 'http', 'https', 'child_process', 'crypto', 'process'].includes(spec))) {
        problems.push(`${relative(root, file)} imports ${spec}`);
      }
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const to = layer(target);
        const ok = allowed[from];
        if (ok && !ok.includes(to)) problems.push(`${relative(root, file)} (${from}) imports ${to}: ${spec}`);
      }
    }
    if (from === 'engine') {
      // code only: comments, string literals and import lines are not looked at
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/^\s*(?:import|export)\s.*from\s+['"][^'"]+['"];?\s*$/gm, '')
        .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
      if (/(?<![\w$.-])(?:console|process)\.|Date\.now\(|new Date\(\)|Math\.random\(/.test(text)) {
        problems.push(`${relative(root, file)} uses console/process/clock/randomness directly`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

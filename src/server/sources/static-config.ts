/**
 * Standalone configuration source (`--config <file>`): the `kyverno` ConfigMap read from a YAML file
 * (the first ConfigMap named `kyverno`, else the first ConfigMap), parsed as Kyverno parses it. Without a
 * file the configuration is Kyverno's with no ConfigMap (no filters, no exclusions). `reload()` re-reads
 * the file.
 */
import { isObject } from '../../engine/api/json.ts';
import { formatProblem, parseDocuments, readSources } from '../../k8s/load.ts';
import { parseKyvernoConfig, type KyvernoConfiguration } from '../config.ts';
import type { ConfigSource } from './types.ts';

export function loadConfigMapData(path: string): Record<string, string> {
  const src = readSources([path], { anyExtension: true });
  const parsed = parseDocuments(src.files);
  const problems = [...src.problems, ...parsed.problems];
  if (problems.length > 0) throw new Error(`failed to read the configuration: ${problems.map(formatProblem).join('; ')}`);
  const maps = parsed.docs.map((d) => d.value).filter((d) => d['kind'] === 'ConfigMap' && d['apiVersion'] === 'v1');
  const cm = maps.find((d) => isObject(d['metadata']) && d['metadata']['name'] === 'kyverno') ?? maps[0];
  if (!cm) throw new Error(`failed to read the configuration: ${path} holds no v1 ConfigMap`);
  const data = cm['data'];
  const out: Record<string, string> = {};
  if (data === undefined || data === null) return out;
  if (!isObject(data)) throw new Error(`failed to read the configuration: ${path}: data must be a map of strings`);
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') throw new Error(`failed to read the configuration: ${path}: data.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

export class StaticConfigSource implements ConfigSource {
  private config: KyvernoConfiguration;
  private readonly listeners: Array<(c: KyvernoConfiguration) => void> = [];

  constructor(private readonly path: string | undefined) {
    this.config = parseKyvernoConfig(path ? loadConfigMapData(path) : {});
  }

  current(): KyvernoConfiguration {
    return this.config;
  }

  onChange(cb: (c: KyvernoConfiguration) => void): void {
    this.listeners.push(cb);
  }

  reload(): void {
    if (!this.path) return;
    this.config = parseKyvernoConfig(loadConfigMapData(this.path));
    for (const l of this.listeners) l(this.config);
  }
}

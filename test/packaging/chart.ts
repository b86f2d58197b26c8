/**
 * Renders charts/kyverno with the real helm binary (scripts/helm.ts) for the packaging tests and the
 * e2e suite, which installs the result into a real API server with server-side apply.
 *
 * ```ts
 * const objects = renderChart({ podSecurityStandard: 'restricted', validationFailureAction: 'Enforce' },
 *   { createNamespace: true });
 * // [Namespace kyverno, 24 CustomResourceDefinitions, ServiceAccount, ConfigMap, ..., 20 ClusterPolicies]
 * const notes = renderNotes({}, { set: ['validationFailureAction=enforce'] });
 * ```
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isObject, type JsonObject } from '../../src/engine/api/json.ts';
import { parseYamlStream } from '../../src/k8s/yaml.ts';
import { runHelm } from '../../scripts/helm.ts';

/** The chart folder. */
export const CHART = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'charts', 'kyverno');

export interface RenderOptions {
  /** helm release name (default `kyverno`) */
  releaseName?: string;
  /** release namespace (default `kyverno`) */
  namespace?: string;
  /** include the CRDs of charts/kyverno/crds, first, as `helm install` creates them first (default true) */
  includeCrds?: boolean;
  /** put a v1 Namespace for the release namespace first, like `helm install --create-namespace` (default false) */
  createNamespace?: boolean;
  /** `--set` arguments, parsed by helm exactly as on its command line (e.g. `validationFailureAction=enforce`) */
  set?: readonly string[];
}

/** helm refused the values or the templates failed; `stderr` holds helm's message. */
export class ChartRenderError extends Error {
  readonly code = 'CHART_RENDER_FAILED';
  readonly stderr: string;
  constructor(stderr: string) {
    super(`helm failed: ${stderr.trim()}`);
    this.name = 'ChartRenderError';
    this.stderr = stderr;
  }
}

function withValuesFile<T>(values: Record<string, unknown>, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-chart-'));
  try {
    const file = join(dir, 'values.json'); // JSON is YAML: the values keep their exact types
    writeFileSync(file, JSON.stringify(values));
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function commonArgs(values: string, opts: RenderOptions): string[] {
  return [opts.releaseName ?? 'kyverno', CHART, '--namespace', opts.namespace ?? 'kyverno', '--values', values, ...(opts.set ?? []).flatMap((s) => ['--set', s])];
}

/** Parses helm's YAML output (go-yaml semantics, like the API server) into objects; empty documents are dropped. */
export function parseManifests(text: string): JsonObject[] {
  const { documents, errors } = parseYamlStream(text);
  if (errors.length > 0) throw new Error(`helm printed invalid YAML: ${errors.map((e) => e.message).join('; ')}`);
  return documents.map((d) => d.value).filter((v): v is JsonObject => isObject(v));
}

/**
 * `helm template` of the chart with these values: the objects `helm install` would create, in helm's
 * install order (CRDs first). Throws ChartRenderError when helm refuses the values.
 */
export function renderChart(values: Record<string, unknown> = {}, opts: RenderOptions = {}): JsonObject[] {
  return withValuesFile(values, (file) => {
    const args = ['template', ...commonArgs(file, opts)];
    if (opts.includeCrds ?? true) args.push('--include-crds');
    const r = runHelm(args);
    if (r.status !== 0) throw new ChartRenderError(r.stderr);
    const objects = parseManifests(r.stdout);
    if (opts.createNamespace) objects.unshift({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: opts.namespace ?? 'kyverno' } });
    return objects;
  });
}

/** The NOTES helm prints after `helm install` with these values (a client-side dry run; no cluster needed). */
export function renderNotes(values: Record<string, unknown> = {}, opts: RenderOptions = {}): string {
  return withValuesFile(values, (file) => {
    const r = runHelm(['install', ...commonArgs(file, opts), '--dry-run=client', '--output', 'json']);
    if (r.status !== 0) throw new ChartRenderError(r.stderr);
    const release = JSON.parse(r.stdout) as { info?: { notes?: string } };
    return release.info?.notes ?? '';
  });
}

/** `helm lint --strict` of the chart with these values. */
export function lintChart(values: Record<string, unknown> = {}, opts: Pick<RenderOptions, 'set'> = {}): { status: number; output: string } {
  return withValuesFile(values, (file) => {
    const r = runHelm(['lint', '--strict', CHART, '--values', file, ...(opts.set ?? []).flatMap((s) => ['--set', s])]);
    return { status: r.status, output: r.stdout + r.stderr };
  });
}

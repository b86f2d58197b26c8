/**
 * Test harness for the admission server: an in-process server on 127.0.0.1 (plain HTTP unless TLS is
 * asked for) over policies, cluster resources and configuration given as YAML text, plus helpers to
 * build AdmissionReviews and post them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject, JsonValue } from '../../src/engine/api/json.ts';
import { MemoryReportSink } from '../../src/server/admission/reports.ts';
import { parseKyvernoConfig, type KyvernoConfiguration } from '../../src/server/config.ts';
import { MemoryLogger } from '../../src/server/logging.ts';
import { KyvernoMetrics } from '../../src/server/metrics.ts';
import { AdmissionServer, type AdmissionServerOptions } from '../../src/server/server.ts';
import { StaticDiscovery } from '../../src/server/sources/discovery.ts';
import { StaticClusterState } from '../../src/server/sources/static-cluster.ts';
import { StaticPolicySource } from '../../src/server/sources/static-policies.ts';
import type { ConfigSource } from '../../src/server/sources/types.ts';
import type { BackgroundRequest } from '../../src/server/admission/resource-handlers.ts';

export interface TestServerOptions {
  /** policies and exceptions, as one YAML stream */
  policies: string;
  /** Namespaces / RoleBindings / ClusterRoleBindings YAML */
  resources?: string;
  /** `kyverno` ConfigMap data */
  config?: Record<string, string>;
  server?: Partial<AdmissionServerOptions>;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestServer {
  server: AdmissionServer;
  reports: MemoryReportSink;
  background: BackgroundRequest[];
  log: MemoryLogger;
  port: number;
  setConfig(data: Record<string, string>): void;
  post(path: string, body: string | JsonObject, headers?: Record<string, string>): Promise<HttpResult>;
  get(path: string): Promise<HttpResult>;
  /** posts a review and returns its `response` */
  review(path: string, review: JsonObject): Promise<AdmissionResponseJson>;
  close(): Promise<void>;
}

export interface AdmissionResponseJson {
  uid: string;
  allowed: boolean;
  status?: { metadata: JsonObject; status: string; message?: string };
  patch?: string;
  patchType?: string;
  warnings?: string[];
}

class MutableConfig implements ConfigSource {
  private cfg: KyvernoConfiguration;
  private readonly listeners: Array<(c: KyvernoConfiguration) => void> = [];
  constructor(data: Record<string, string>) {
    this.cfg = parseKyvernoConfig(data);
  }
  current(): KyvernoConfiguration {
    return this.cfg;
  }
  onChange(cb: (c: KyvernoConfiguration) => void): void {
    this.listeners.push(cb);
  }
  set(data: Record<string, string>): void {
    this.cfg = parseKyvernoConfig(data);
    for (const l of this.listeners) l(this.cfg);
  }
}

export function httpCall(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kyverno-server-test-'));
  writeFileSync(join(dir, 'policies.yaml'), opts.policies);
  const resourcePaths: string[] = [];
  if (opts.resources) {
    writeFileSync(join(dir, 'resources.yaml'), opts.resources);
    resourcePaths.push(join(dir, 'resources.yaml'));
  }
  const discovery = new StaticDiscovery();
  const policies = new StaticPolicySource({ policyPaths: [join(dir, 'policies.yaml')], clusterResources: discovery.clusterScopedKinds() });
  const cluster = new StaticClusterState(resourcePaths);
  const config = new MutableConfig(opts.config ?? {});
  const reports = new MemoryReportSink();
  const log = new MemoryLogger(10);
  const background: BackgroundRequest[] = [];
  const server = new AdmissionServer({
    policies,
    namespaces: cluster,
    roleBindings: cluster,
    config,
    discovery,
    reports,
    background: { submit: (r) => background.push(r) },
    log,
    metrics: new KyvernoMetrics({ version: 'test' }),
    ...opts.server,
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  const port = address.port;
  const post = (path: string, body: string | JsonObject, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    httpCall(port, 'POST', path, typeof body === 'string' ? body : JSON.stringify(body), headers);
  return {
    server,
    reports,
    background,
    log,
    port,
    setConfig: (data) => config.set(data),
    post,
    get: (path) => httpCall(port, 'GET', path),
    async review(path, review) {
      const r = await post(path, review);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body}`);
      return (JSON.parse(r.body) as { response: AdmissionResponseJson }).response;
    },
    close: async () => {
      await server.shutdown();
    },
  };
}

let uidCounter = 0;

export interface ReviewInput {
  object?: JsonValue;
  oldObject?: JsonValue;
  operation?: string;
  kind?: { group: string; version: string; kind: string };
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  namespace?: string;
  name?: string;
  userInfo?: JsonObject;
  dryRun?: boolean;
  apiVersion?: string;
}

/** An AdmissionReview for an object (kind/resource/namespace/name taken from the object when not given). */
export function admissionReview(input: ReviewInput): JsonObject {
  const obj = (input.object ?? input.oldObject ?? {}) as JsonObject;
  const meta = (obj['metadata'] ?? {}) as JsonObject;
  const apiVersion = String(obj['apiVersion'] ?? 'v1');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const kind = input.kind ?? { group: group as string, version: version as string, kind: String(obj['kind'] ?? '') };
  const resource = input.resource ?? { group: kind.group, version: kind.version, resource: `${kind.kind.toLowerCase()}s` };
  const request: JsonObject = {
    uid: `uid-${++uidCounter}`,
    kind,
    resource,
    operation: input.operation ?? 'CREATE',
    userInfo: input.userInfo ?? { username: 'alice', groups: ['system:authenticated'] },
  };
  if (input.subResource) request['subResource'] = input.subResource;
  const ns = input.namespace ?? (typeof meta['namespace'] === 'string' ? meta['namespace'] : undefined);
  if (ns) request['namespace'] = ns;
  const name = input.name ?? (typeof meta['name'] === 'string' ? meta['name'] : undefined);
  if (name) request['name'] = name;
  if (input.object !== undefined) request['object'] = input.object;
  if (input.oldObject !== undefined) request['oldObject'] = input.oldObject;
  if (input.dryRun !== undefined) request['dryRun'] = input.dryRun;
  return { apiVersion: input.apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

/** A Pod with the given containers (securityContext defaults to a restricted-compliant one when `compliant`). */
export function pod(name: string, namespace = 'default', extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...((extra['metadata'] as JsonObject) ?? {}) },
    spec: (extra['spec'] as JsonObject) ?? { containers: [{ name: 'app', image: 'nginx:1.25' }] },
  };
}

/** Decodes a base64 JSON patch. */
export function decodePatch(patch: string | undefined): JsonValue {
  if (patch === undefined) return null;
  return JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as JsonValue;
}

/** The ClusterPolicy most server tests use: pods (or `kinds`) must carry a `team` label, in Enforce. */
export function requireTeamPolicy(opts: { kinds?: string; message?: string } = {}): string {
  return `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  validationFailureAction: Enforce
  background: false
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: ${opts.kinds ?? '[Pod]'}
    validate:
      message: ${opts.message ?? 'team label required'}
      pattern:
        metadata:
          labels:
            team: "?*"
`;
}

/**
 * `kyverno apply POLICY... --resource R...` (cmd/cli/kubectl-kyverno/commands/apply): applies policies to
 * resources offline and prints mutated resources, failures and the `pass: a, fail: b, ...` summary, a table
 * (-t) or policy reports (-p); exit codes as Kyverno.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { KyvernoPolicy, PolicyException } from '../../engine/api/policy.ts';
import type { RequestUserInfo } from '../../engine/api/request.ts';
import type { EngineResponse, RuleResponse } from '../../engine/api/response.ts';
import { testCluster } from '../../engine/generate/memory-cluster.ts';
import type { TargetResolver } from '../../engine/handlers/targets.ts';
import { Engine } from '../../engine/engine.ts';
import { isEnforce, policyFailureAction } from '../../engine/failure-action.ts';
import { classifyPolicies, formatProblem, parseDocuments, readSources, toResources, type LoadProblem } from '../../k8s/load.ts';
import { toYaml } from '../../k8s/yaml.ts';
import { toYamlV3 } from '../../k8s/yaml-v3.ts';
import { systemClock, systemRandom } from '../../k8s/system.ts';
import { CliError } from '../errors.ts';
import { colors, renderTable } from '../output/table.ts';
import { formatPolicyValidation, validateKyvernoPolicy } from '../policy-check.ts';
import { applyPoliciesOnResource, isMutateStageResponse, policyHasGenerate } from '../processor.ts';
import { isKyvernoPolicy, ResultCounts, toReportResult, type ReportResult } from '../report.ts';
import { loadJsonPayload, loadUserInfoFile, loadValuesFile, TestRunError } from '../test/run.ts';
import {
  applyCelAfterResources,
  applyCelOnJsonPayload,
  celApplyContext,
  celResponseRole,
  countCelResponse,
  orderProcessorResponses,
  perResourceCelPolicies,
} from '../kinds/apply-cel.ts';
import { parseSetVariables, Variables } from '../values.ts';

const divider = '----------------------------------------------------------------------';

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  return typeof v === 'string' ? v : '';
}
function list(o: Record<string, unknown>, k: string): string[] {
  const v = o[k];
  return Array.isArray(v) ? (v as string[]) : [];
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

function problemsError(what: string, problems: LoadProblem[]): CliError {
  return new CliError(`failed to load ${what}:\n${problems.map((p) => '  ' + formatProblem(p)).join('\n')}`);
}

interface Diagnostic {
  name: string;
  reason: string;
}

export function applyCommand(policyPaths: string[], o: Record<string, unknown>, rawWrite: (s: string) => void, warn: (s: string) => void = () => {}): void {
  // output is buffered and flushed in large chunks (thousands of resources print thousands of lines)
  let buffer: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (buffer.length > 0) rawWrite(buffer.join(''));
    buffer = [];
    size = 0;
  };
  const write = (s: string): void => {
    buffer.push(s);
    size += s.length;
    if (size > 1 << 16) flush();
  };
  const out = (s = ''): void => write(s + '\n');
  try {
    applyCommandBuffered(policyPaths, o, write, out, warn);
  } finally {
    flush();
  }
}

function applyCommandBuffered(policyPaths: string[], o: Record<string, unknown>, write: (s: string) => void, out: (s?: string) => void, warn: (s: string) => void): void {
  const resourcePaths = [...list(o, 'resource'), ...list(o, 'resources')];
  const jsonPaths = list(o, 'json');
  const targetPaths = [...list(o, 'targetResource'), ...list(o, 'targetResources')];
  const paramPaths = list(o, 'parameterResource');
  const contextFile = str(o, 'contextFile');
  const setVars = list(o, 'set');
  const valuesFile = str(o, 'valuesFile');
  const exceptionPaths = [...list(o, 'exception'), ...list(o, 'exceptions')];
  const policyReport = Boolean(o['policyReport']);
  const outputFormat = str(o, 'outputFormat') || 'yaml';
  const table = Boolean(o['table']);
  const detailed = Boolean(o['detailedResults']);
  const auditWarn = Boolean(o['auditWarn']);
  const warnExitCode = typeof o['warnExitCode'] === 'number' && !Number.isNaN(o['warnExitCode']) ? (o['warnExitCode'] as number) : 0;
  const warnNoPass = Boolean(o['warnNoPass']);
  const stdinMode = Boolean(o['stdin']);
  const continueOnFail = Boolean(o['continueOnFail']);
  const mutateLogPath = str(o, 'output');
  const useColor = !o['removeColor'] && process.stdout.isTTY === true && !process.env['NO_COLOR'];

  // checkArguments
  if (valuesFile !== '' && setVars.length > 0) throw new CliError('pass the values either using set flag or values_file flag');
  if (policyPaths.length === 0) throw new CliError('require policy');
  if (policyPaths.includes('-') && resourcePaths.includes('-')) {
    throw new CliError('a stdin pipe can be used for either policies or resources, not both');
  }
  if (o['cluster']) throw new CliError('--cluster needs a Kubernetes API server; the offline CLI applies policies to resource files (use --resource)');
  if (resourcePaths.length > 0 && jsonPaths.length > 0) throw new CliError('both resource and json files can not be used together, use one or the other');
  if (resourcePaths.length === 0 && jsonPaths.length === 0) throw new CliError('resource file(s) or cluster required');

  let mutateLogIsDir = false;
  if (mutateLogPath !== '') {
    const ext = extname(mutateLogPath);
    mutateLogIsDir = !(ext === '.yaml' || ext === '.yml');
    try {
      if (mutateLogIsDir) mkdirSync(mutateLogPath, { recursive: true });
      else {
        mkdirSync(dirname(mutateLogPath), { recursive: true });
        writeFileSync(mutateLogPath, '');
      }
    } catch (err) {
      throw new CliError(`failed to create file/folder (${(err as Error).message})`);
    }
  }

  let userInfo: RequestUserInfo | undefined;
  const userInfoPath = str(o, 'userinfo');
  if (userInfoPath) {
    try {
      userInfo = loadUserInfoFile(userInfoPath, false);
    } catch (err) {
      throw new CliError(`failed to load request info (${(err as Error).message})`);
    }
  }
  let variables: Variables;
  try {
    variables = new Variables(valuesFile ? loadValuesFile(valuesFile) : undefined, parseSetVariables(setVars));
  } catch (err) {
    const msg = err instanceof TestRunError ? err.message : String(err);
    throw new CliError(`failed to decode yaml (unable to load variable file: ${valuesFile} (${msg}))`);
  }

  const stdinText = policyPaths.includes('-') || resourcePaths.includes('-') ? readStdin() : '';
  const policySources = readSources(policyPaths, { stdin: () => stdinText });
  if (policySources.problems.length > 0) throw problemsError('policies', policySources.problems);
  const parsed = parseDocuments(policySources.files);
  const loaded = classifyPolicies(parsed.docs);
  if (parsed.problems.length > 0 || loaded.problems.length > 0) throw problemsError('policies', [...parsed.problems, ...loaded.problems]);

  const resSources = readSources(resourcePaths, { stdin: () => stdinText, anyExtension: true, recursive: false });
  if (resSources.problems.length > 0) throw problemsError('resources', resSources.problems);
  const resDocs = parseDocuments(resSources.files);
  const res = toResources(resDocs.docs);
  if (resDocs.problems.length > 0 || res.problems.length > 0) throw problemsError('resources', [...resDocs.problems, ...res.problems]);

  let exceptions: PolicyException[] = [];
  let celExceptions: JsonObject[] = [];
  if (exceptionPaths.length > 0) {
    const exSources = readSources(exceptionPaths);
    const exDocs = parseDocuments(exSources.files);
    const probs = [...exSources.problems, ...exDocs.problems];
    if (probs.length > 0) throw new CliError(`Error: failed to load exceptions (${probs.map(formatProblem).join('; ')})`);
    const exLoaded = classifyPolicies(exDocs.docs);
    exceptions = exLoaded.exceptions;
    celExceptions = exLoaded.celExceptions;
  }
  // CEL kinds: JSON payloads (--json), target and parameter resources, the context file
  const payloads: JsonObject[] = [];
  for (const p of jsonPaths) {
    try {
      payloads.push(loadJsonPayload(p, p));
    } catch (err) {
      throw new CliError(`failed to load JSON payload (${(err as Error).message.replace(/^error: failed to load JSON payload \S+ \((.*)\)$/s, '$1')})`);
    }
  }
  const loadExtra = (paths: string[], what: string): Resource[] => {
    if (paths.length === 0) return [];
    const src = readSources(paths, { anyExtension: true });
    const docs = parseDocuments(src.files);
    const r = toResources(docs.docs);
    const probs = [...src.problems, ...docs.problems, ...r.problems];
    if (probs.length > 0) throw problemsError(what, probs);
    return r.resources;
  };
  const celTargets = loadExtra(targetPaths, 'target resources');
  const celParams = loadExtra(paramPaths, 'parameter resources');

  const engine = new Engine({
    clock: systemClock,
    random: systemRandom,
    // mutate-existing targets and clone sources: Kyverno's fake client built from the resources, the
    // --target-resource(s) and the parameter resources
    targets: lazyTargets(() => testCluster([...res.resources, ...celTargets, ...celParams])),
    contextInitializer: variables.hasRuleValues()
      ? (policy, rule, ctx) => {
          for (const [k, v] of variables.ruleValues(policy.metadata?.name ?? '', rule.name)) ctx.addVariable(k, v);
        }
      : undefined,
  });
  let celContext: ReturnType<typeof celApplyContext> | undefined;
  if (loaded.celPolicies.length > 0) {
    try {
      celContext = celApplyContext({ engine, variables, userInfo, celExceptions, resources: res.resources, targets: celTargets, params: celParams, contextPath: contextFile, cwd: process.cwd() });
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }

  if (!stdinMode && !policyReport) {
    let rules = 0;
    for (const p of loaded.policies) rules += engine.computeRules(p, '').length;
    rules += loaded.celPolicies.filter((p) => !String(p['kind']).endsWith('Binding')).length;
    const n = res.resources.length + payloads.length;
    const nEx = exceptions.length + celExceptions.length;
    if (nEx > 0) out(`\nApplying ${rules} policy rule(s) to ${n} resource(s) with ${nEx} exception(s)...`);
    else out(`\nApplying ${rules} policy rule(s) to ${n} resource(s)...`);
  }

  const rc = new ResultCounts();
  const skipped: Diagnostic[] = [];
  const invalid: Diagnostic[] = [];
  // Documents that fail their schema: Kyverno v1.19's loader drops them as non-fatal errors (exit 0). A typo
  // in an enum or a wrong type must not turn a CI check green with the policy silently missing, so they are
  // reported like invalid policies ("Policies Skipped", counted as errors, exit 1), naming file, line and field.
  for (const p of loaded.skipped) {
    rc.error++;
    skipped.push({ name: `${p.file}${p.line !== undefined ? `:${p.line}` : ''}`, reason: p.message });
  }
  const valid: KyvernoPolicy[] = [];
  for (const p of loaded.policies) {
    const v = validateKyvernoPolicy(p);
    if (v.errors.length > 0) {
      rc.error++;
      const reason = formatPolicyValidation(v);
      (reason.startsWith("variable 'element.name'") ? invalid : skipped).push({ name: p.metadata?.name ?? '', reason });
      continue;
    }
    valid.push(p);
  }

  // Only -p and --table need every response at the end; the default output needs the violation lines only,
  // so responses are not retained then (10,000 resources x 22 policies would hold 220,000 responses).
  const keepResponses = policyReport || table;
  const responses: EngineResponse[] = [];
  const violations: string[] = [];
  const violationLines = (er: EngineResponse, lines: string[]): void => {
    let resPath = `${metaField(er.resource, 'namespace')}/${String(er.resource['kind'] ?? '')}/${resourceName(er.resource)}`;
    if (resPath === '//') resPath = 'JSON payload';
    const failed: RuleResponse[] = [];
    for (const r of er.policyResponse.rules) {
      if (r.status === 'fail') failed.push(r);
      if (r.ruleType === 'Mutation') {
        if (r.status === 'skip') lines.push(`\nskipped mutate policy ${er.policy.metadata.name ?? ''} -> resource ${resPath}`);
        else if (r.status === 'error') lines.push(`\nerror while applying mutate policy ${er.policy.metadata.name ?? ''} -> resource ${resPath} \nerror:  ${r.message}`);
      }
      if (r.ruleType === 'Generation' && r.status === 'error') {
        lines.push(`\nerror while applying generate policy ${er.policy.metadata.name ?? ''} -> resource ${resPath} \nerror: ${r.message}`);
      }
    }
    if (failed.length > 0) {
      const audit = auditWarn && isKyvernoPolicy(er.policy) && !isEnforce(policyFailureAction(er.policy as unknown as KyvernoPolicy, metaField(er.patchedResource, 'namespace'), er.namespaceLabels));
      lines.push(`policy ${er.policy.metadata.name ?? ''} -> resource ${resPath} ${audit ? 'failed as audit warning:' : 'failed:'}`);
      failed.forEach((r, i) => lines.push(`${i + 1} - ${r.name} ${r.message === '' ? 'validation failed' : r.message}`));
    }
  };

  for (const resource of res.resources) {
    let ers: EngineResponse[];
    try {
      ers = applyPoliciesOnResource(
        { engine, policies: valid, exceptions, variables, userInfo, celPolicies: celContext ? perResourceCelPolicies(loaded.celPolicies) : undefined, kindContext: celContext },
        resource,
      );
      if (celContext) ers = orderProcessorResponses(ers);
    } catch (err) {
      if (continueOnFail) continue;
      throw new CliError(`failed to apply policies on resource ${resourceName(resource)} (${(err as Error).message})`);
    }
    const resPath = `${metaField(resource, 'namespace')}/${String(resource['kind'] ?? '')}/${resourceName(resource)}`;
    const mutatePrinted = new Set<KyvernoPolicy>();
    for (const er of ers) {
      const pol = er.policy as unknown as KyvernoPolicy;
      const celRole = celResponseRole(er);
      if (celRole !== undefined) countCelResponse(rc, engine, er);
      if (celRole === 'mutate') {
        printOutput(er.patchedResource, er, resPath, false);
        write('\n\nMutation:\nMutation has been applied successfully.');
      } else if (celRole === 'generate') {
        for (const r of er.policyResponse.rules) {
          for (const g of r.generatedResources ?? []) {
            printOutput(g, er, resPath, true);
            write('\n\nGenerate:\nGeneration completed successfully.');
          }
        }
      } else if (celRole !== undefined) {
        // counted above
      } else if (isMutateStageResponse(er)) {
        // processMutateEngineResponse: every mutate policy's response is printed, a rule applied or not
        rc.addMutateResponse(engine, er);
        printOutput(er.patchedResource, er, resPath, false);
        write('\n\nMutation:\nMutation has been applied successfully.');
      } else if (isKyvernoPolicy(er.policy) && policyHasGenerate(pol) && er.policyResponse.rules.some((r) => r.ruleType === 'Generation')) {
        for (const r of er.policyResponse.rules) {
          for (const g of r.generatedResources ?? []) {
            printOutput(g, er, resPath, true);
            write('\n\nGenerate:\nGeneration completed successfully.');
          }
        }
        rc.addGenerateResponse(engine, er);
      }
    }
    for (const er of ers) rc.addValidateResponse(engine, er, auditWarn);
    if (keepResponses) responses.push(...ers);
    else for (const er of ers) violationLines(er, violations);
  }

  if (celContext) {
    const ctx = celContext;
    const extra: EngineResponse[] = [];
    try {
      for (const p of payloads) extra.push(...applyCelOnJsonPayload(ctx, loaded.celPolicies, p, ''));
      extra.push(...applyCelAfterResources(ctx, loaded.celPolicies, res.resources, payloads, continueOnFail));
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    for (const er of extra) countCelResponse(rc, engine, er);
    if (keepResponses) responses.push(...extra);
    else for (const er of extra) violationLines(er, violations);
  }

  function printOutput(resource: Resource, response: EngineResponse, resPath: string, isGenerate: boolean): void {
    const yaml = toYamlV3(resource);
    const targets: string[] = [];
    for (const r of response.policyResponse.rules) if (r.patchedTarget) targets.push(toYamlV3(r.patchedTarget) + '\n---\n');
    if (mutateLogPath === '') {
      const text = yaml + '\n---';
      if (text.trim().length > 0) {
        if (!stdinMode) write(`\npolicy ${response.policy.metadata.name ?? ''} applied to ${resPath}:`);
        write('\n' + text + '\n');
        if (targets.length > 0) {
          write('patched targets: \n');
          for (const t of targets) write('\n' + t + '\n');
        }
      }
      return;
    }
    const file = mutateLogIsDir
      ? join(mutateLogPath, `${isGenerate ? (response.policy.metadata.name ?? '') + '-generated' : resourceNameOf(response.resource) + '-mutated'}.yaml`)
      : mutateLogPath;
    appendFileSync(file, yaml + '\n---\n');
    for (const t of targets) appendFileSync(file, t);
  }

  // output
  if (skipped.length > 0) {
    out(divider);
    out('Policies Skipped:');
    skipped.forEach((d, i) => out(d.reason ? `${i + 1}. ${d.name}: ${d.reason}` : `${i + 1}. ${d.name}`));
    out(divider);
  }
  if (invalid.length > 0) {
    out(divider);
    out('Invalid Policies:');
    invalid.forEach((d, i) => out(d.reason ? `${i + 1}. ${d.name}: ${d.reason}` : `${i + 1}. ${d.name}`));
    out(divider);
  }
  if (policyReport) {
    printReports(responses, auditWarn, outputFormat, out);
  } else if (table) {
    out(applyTable(responses, detailed, auditWarn, useColor));
  } else {
    for (const line of violations) out(line);
    out(`\npass: ${rc.pass}, fail: ${rc.fail}, warn: ${rc.warn}, error: ${rc.error}, skip: ${rc.skip} `);
  }

  // exit
  if (rc.fail > 0) throw new CliError('exit as there are policy violations', 1, true);
  if (rc.error > 0) throw new CliError('exit as there are policy errors', 1, true);
  if (rc.warn > 0 && warnExitCode !== 0) {
    write(`exit as warnExitCode is ${warnExitCode}`);
    throw new CliError(`exit as warnExitCode is ${warnExitCode}`, warnExitCode, true);
  }
  if (rc.pass === 0 && warnNoPass) {
    out('exit as no objects satisfied policy');
    throw new CliError(`exit as warnExitCode is ${warnExitCode}`, warnExitCode, true);
  }
}

/** The fake client is built on first use: most runs never read targets. */
function lazyTargets(build: () => TargetResolver): TargetResolver {
  let t: TargetResolver | undefined;
  return {
    list: (apiVersion, kind, namespace, selector) => (t ??= build()).list(apiVersion, kind, namespace, selector),
    get: (apiVersion, kind, namespace, name) => (t ??= build()).get(apiVersion, kind, namespace, name),
  };
}

function metaField(r: Resource, f: string): string {
  const m = r['metadata'];
  return isObject(m) && typeof m[f] === 'string' ? m[f] : '';
}
function resourceName(r: Resource): string {
  return metaField(r, 'name');
}
function resourceNameOf(r: Resource): string {
  return resourceName(r);
}

function applyTable(responses: readonly EngineResponse[], detailed: boolean, auditWarn: boolean, useColor: boolean): string {
  const c = colors(useColor);
  const headers = ['ID', 'POLICY', 'RULE', 'RESOURCE', 'RESULT', 'REASON'];
  if (detailed) headers.push('MESSAGE');
  const rows: string[][] = [];
  let id = 1;
  for (const er of responses) {
    const pol = er.policy;
    const scored = pol.metadata?.annotations?.['policies.kyverno.io/scored'] !== 'false';
    const kind = String(er.resource['kind'] ?? '');
    const ns = metaField(er.resource, 'namespace');
    const name = resourceName(er.resource);
    for (const r of er.policyResponse.rules) {
      let result = '';
      if (r.status === 'pass') result = c.green('Pass');
      else if (r.status === 'fail') {
        const audit = auditWarn && isKyvernoPolicy(pol) && !isEnforce(policyFailureAction(pol as unknown as KyvernoPolicy, ns, er.namespaceLabels));
        result = !scored || audit ? c.yellow('Warn') : c.red('Fail');
      } else if (r.status === 'warn') result = c.yellow('Warn');
      else if (r.status === 'error') result = c.red('Error');
      else if (r.status === 'skip') result = c.cyan('Skip');
      const policyCell = pol.metadata.namespace ? `${c.cyan(pol.metadata.namespace)}/${c.cyan(pol.metadata.name ?? '')}` : c.cyan(pol.metadata.name ?? '');
      const resourceCell = ns === '' ? `${c.cyan(kind)}/${c.cyan(name)}` : `${c.cyan(ns)}/${c.cyan(kind)}/${c.cyan(name)}`;
      const row = [String(id++), policyCell, isKyvernoPolicy(pol) ? c.cyan(r.name) : '', resourceCell, result, ''];
      if (detailed) row.push(r.message);
      rows.push(row);
    }
  }
  return renderTable(headers, rows, { color: useColor });
}

/** `-p`: one merged ClusterReport for cluster policies, one PolicyReport per namespaced policy. */
function printReports(responses: readonly EngineResponse[], auditWarn: boolean, format: string, out: (s?: string) => void): void {
  const cluster: ReportResult[] = [];
  const namespaced = new Map<string, { ns: string; name: string; results: ReportResult[] }>();
  const now = Math.floor(Date.now() / 1000);
  for (const er of responses) {
    for (const r of er.policyResponse.rules) {
      const result = toReportResult(er, r, auditWarn, now);
      const ns = er.policy.metadata.namespace ?? '';
      if (ns === '') cluster.push(result);
      else {
        const key = `${ns}/${er.policy.metadata.name ?? ''}`;
        let entry = namespaced.get(key);
        if (!entry) namespaced.set(key, (entry = { ns, name: er.policy.metadata.name ?? '', results: [] }));
        entry.results.push(result);
      }
    }
  }
  const print = (report: JsonObject): void => {
    out(format === 'json' ? JSON.stringify(report) : toYaml(report).replace(/\n$/, '') + '\n');
  };
  if (cluster.length > 0) {
    print({
      apiVersion: 'openreports.io/v1alpha1',
      kind: 'ClusterReport',
      metadata: { name: 'merged' },
      results: cluster.map(resultJson),
      summary: summarize(cluster),
    });
  }
  for (const entry of namespaced.values()) {
    out('---');
    print({
      apiVersion: 'openreports.io/v1alpha1',
      kind: 'PolicyReport',
      metadata: { name: entry.name, namespace: entry.ns },
      results: entry.results.map(resultJson),
      summary: summarize(entry.results),
    });
  }
}

export function resultJson(r: ReportResult): JsonObject {
  const o: JsonObject = {};
  if (r.category) o['category'] = r.category;
  if (r.message) o['message'] = r.message;
  o['policy'] = r.policy;
  if (r.properties && Object.keys(r.properties).length > 0) o['properties'] = r.properties;
  o['resources'] = r.resources;
  o['result'] = r.result;
  if (r.rule) o['rule'] = r.rule;
  o['scored'] = r.scored;
  if (r.severity) o['severity'] = r.severity;
  o['source'] = r.source;
  if (r.timestamp) o['timestamp'] = r.timestamp;
  return o;
}

export function summarize(results: readonly ReportResult[]): JsonObject {
  const s = { error: 0, fail: 0, pass: 0, skip: 0, warn: 0 };
  for (const r of results) s[r.result as keyof typeof s]++;
  return s;
}

void existsSync;
void statSync;

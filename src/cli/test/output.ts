/**
 * Judging test result rows against engine responses and printing them
 * (cmd/cli/kubectl-kyverno/commands/test/{output,command}.go printTestResult, checkResult).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isObject, type JsonObject, type Resource } from '../../engine/api/json.ts';
import type { EngineResponse, RuleResponse } from '../../engine/api/response.ts';
import { parseYamlStream } from '../../k8s/yaml.ts';
import { toResources } from '../../k8s/load.ts';
import { toReportResult } from '../report.ts';
import { colors as makeColors, renderTable, stripAnsi, type Colors } from '../output/table.ts';
import { compareResources } from './compare.ts';
import type { TestResultSpec } from './schema.ts';
import type { TestResponse } from './run.ts';

export interface Row {
  id: number;
  policy: string;
  rule: string;
  resource: string;
  result: string;
  reason: string;
  message: string;
  isFailure: boolean;
}

export interface Counts {
  pass: number;
  fail: number;
  skip: number;
}

const RULELESS = new Set([
  'ValidatingPolicy',
  'NamespacedValidatingPolicy',
  'ValidatingAdmissionPolicy',
  'MutatingPolicy',
  'NamespacedMutatingPolicy',
  'MutatingAdmissionPolicy',
  'ImageValidatingPolicy',
  'NamespacedImageValidatingPolicy',
  'GeneratingPolicy',
  'NamespacedGeneratingPolicy',
  'DeletingPolicy',
  'NamespacedDeletingPolicy',
]);

export function isRulelessPolicyKind(kind: string): boolean {
  return RULELESS.has(kind);
}

function fmtPolicy(c: Colors, name: string): string {
  const parts = name.split('/');
  if (parts.length >= 2) return `${c.cyan(parts[0]!)}/${c.cyan(parts[1]!)}`;
  return c.cyan(name);
}

function fmtResource(c: Colors, kind: string, name: string): string {
  let ns = '';
  let n = name;
  if (n.includes('/')) {
    const parts = n.split('/');
    if (parts.length >= 2) {
      ns = parts[0]!;
      n = parts[1]!;
    }
  }
  if (ns === '') return `${c.cyan(kind)}/${c.cyan(n)}`;
  return `${c.cyan(ns)}/${c.cyan(kind)}/${c.cyan(n)}`;
}

/** "apiVersion/kind/ns/name" -> colored Resource(kind-part, name) the way Kyverno splits it. */
function fmtResourceKey(c: Colors, key: string): string {
  const parts = key.split('/');
  return fmtResource(c, parts.slice(0, -1).join('/'), parts[parts.length - 1] ?? '');
}

class ResourceError extends Error {}

/** GetResourceFromPath: the document with the actual object's apiVersion, kind, namespace and name. */
function loadExpected(file: string, actual: Resource, what: string): Resource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ResourceError(`error: failed to load ${what} resource (${(err as Error).message})`);
  }
  const { documents, errors } = parseYamlStream(text);
  if (errors.length > 0) throw new ResourceError(`error: failed to load ${what} resource (${errors[0]!.message})`);
  const { resources } = toResources(
    documents.filter((d) => isObject(d.value)).map((d) => ({ value: d.value as JsonObject, origin: { file, get line() { return d.line; }, doc: d } })),
  );
  const meta = isObject(actual['metadata']) ? actual['metadata'] : {};
  for (const v of resources) {
    const m = isObject(v['metadata']) ? v['metadata'] : {};
    if (
      v['apiVersion'] === actual['apiVersion'] &&
      v['kind'] === actual['kind'] &&
      (m['name'] ?? '') === (meta['name'] ?? '') &&
      (m['namespace'] ?? '') === (meta['namespace'] ?? '')
    ) {
      return v;
    }
  }
  throw new ResourceError(`error: failed to load ${what} resource (resource with name ${String(meta['name'] ?? '')} not found in manifest)`);
}

function checkResult(
  test: TestResultSpec,
  dir: string,
  response: EngineResponse,
  rule: RuleResponse,
  actual: Resource,
): [boolean, string, string] {
  const check = (file: string, what: string, kind: string): [boolean, string, string] | undefined => {
    let expected: Resource;
    try {
      expected = loadExpected(join(dir, file), actual, kind);
    } catch (err) {
      return [false, (err as Error).message, 'Resource error'];
    }
    const diff = compareResources(actual, expected);
    if (diff !== undefined) return [false, `${what}\n\n${diff}`, 'Resource diff'];
    return undefined;
  };
  if (test.patchedResources) {
    const r = check(test.patchedResources, "Patched resource didn't match the patched resource in the test result", 'PatchedResources');
    if (r) return r;
  }
  if (test.generatedResource && (test.generatedResources ?? []).length === 0) {
    const r = check(test.generatedResource, "Patched resource didn't match the generated resource in the test result", 'GeneratedResource');
    if (r) return r;
  } else if ((test.generatedResources ?? []).length > 0) {
    let lastDiff = '';
    let lastErr = '';
    let matched = false;
    for (const f of test.generatedResources!) {
      const r = check(f, '', 'GeneratedResources');
      if (!r) {
        matched = true;
        break;
      }
      if (r[2] === 'Resource error') lastErr = r[1];
      else lastDiff = r[1];
    }
    if (!matched) {
      if (lastDiff === '' && lastErr !== '') return [false, lastErr, 'Resource error'];
      return [false, `Generated resource didn't match any of the expected generated resources in the test result${lastDiff}`, 'Resource diff'];
    }
  }
  return compareExpected(test, response, rule);
}

function compareExpected(test: TestResultSpec, response: EngineResponse, rule: RuleResponse): [boolean, string, string] {
  const r = toReportResult(response, rule, false);
  if (r.result !== test.result) return [false, r.message, `Want ${test.result}, got ${r.result}`];
  return [true, r.message, 'Ok'];
}

function lookupRuleResponses(test: TestResultSpec, rules: readonly RuleResponse[]): RuleResponse[] {
  const rule = test.rule ?? '';
  return rules.filter((r) => r.name === rule || r.name === `autogen-${rule}` || r.name === `autogen-cronjob-${rule}`);
}

/** printTestResult: builds the rows for the filtered results of one test and counts them. */
export function judgeResults(
  tests: readonly TestResultSpec[],
  responses: TestResponse,
  counts: Counts,
  dir: string,
  c: Colors = makeColors(false),
): Row[] {
  const table: Row[] = [];
  let id = 1;
  const addRow = (test: TestResultSpec, ruleName: string, ok: boolean, message: string, reason: string, resourceKey: string): Row => {
    const row: Row = {
      id: id++,
      policy: fmtPolicy(c, test.policy),
      rule: c.cyan(ruleName),
      resource: fmtResourceKey(c, resourceKey),
      result: ok ? c.green('Pass') : c.red('Fail'),
      reason,
      message,
      isFailure: !ok,
    };
    if (ok) {
      if (test.result === 'skip') counts.skip++;
      else counts.pass++;
    } else counts.fail++;
    return row;
  };
  const notFoundRow = (test: TestResultSpec, message: string, resource: string): Row => {
    counts.fail++;
    return {
      id: id++,
      policy: fmtPolicy(c, test.policy),
      rule: c.cyan(test.rule ?? ''),
      resource: c.cyan(resource),
      result: c.red('Fail'),
      reason: c.yellow('Not found'),
      message,
      isFailure: true,
    };
  };
  for (const test of tests) {
    const trigger = test.operation ? (responses.triggerByOperation.get(test.operation) ?? new Map<string, EngineResponse[]>()) : responses.trigger;
    let resources: string[] = [];
    if (test.resources) {
      for (const r of test.resources) {
        for (const m of [responses.target, trigger]) {
          for (const key of m.keys()) {
            const nameParts = key.split(',');
            const nsAndName = r.split('/');
            if (nsAndName.length === 1 && r === nameParts[nameParts.length - 1]) resources.push(key);
            if (nsAndName.length === 2 && nsAndName[0] === nameParts[nameParts.length - 2] && nsAndName[1] === nameParts[nameParts.length - 1]) {
              resources.push(key);
            }
          }
        }
      }
      for (const spec of test.resourceSpecs ?? []) {
        for (const m of [responses.target, trigger]) {
          for (const key of m.keys()) {
            const nameParts = key.split(',');
            const gv = spec.group ? `${spec.group}/${spec.version ?? ''}` : (spec.version ?? '');
            if (gv !== nameParts[0]) continue;
            if ((spec.namespace ?? '') !== nameParts[nameParts.length - 2]) continue;
            if (spec.name === nameParts[nameParts.length - 1]) resources.push(key);
          }
        }
      }
    }
    // A row naming a rule the policy does not have, or a resource the test does not load, is a broken
    // test: it fails with `Not found` (Kyverno v1.19 would silently report it as `Excluded`).
    const polName = test.policy.split('/').pop() ?? '';
    const policy = responses.policies.find((p) => (p.metadata?.name ?? '') === polName);
    if (policy && test.rule && !responses.skippedPolicies.has(polName)) {
      const names = new Set([...(policy.spec?.rules ?? []).map((r) => r.name), ...responses.engine.computeRules(policy, '').map((r) => r.name)]);
      const rule = test.rule;
      if (!names.has(rule) && !names.has(`autogen-${rule}`) && !names.has(`autogen-cronjob-${rule}`)) {
        table.push(notFoundRow(test, `rule ${rule} not found in policy ${test.policy}`, (test.resources ?? []).join(',')));
        continue;
      }
    }
    if (test.resources) {
      const missing = test.resources.filter((r) => !resources.some((key) => resourceKeyMatches(key, r)));
      for (const m of missing) table.push(notFoundRow(test, `resource ${m} not found in the test's resources`, m));
    }
    if (resources.length === 0) resources = [...responses.target.keys(), ...trigger.keys()];

    for (const resource of resources) {
      let rows: Row[] = [];
      let resourceSkipped = false;
      const trig = trigger.get(resource);
      if (trig) {
        for (const response of trig) {
          const polParts = test.policy.split('/');
          if ((response.policy.metadata?.name ?? '') !== polParts[polParts.length - 1]) continue;
          const rulesToCheck =
            !test.rule || isRulelessPolicyKind(response.policy.kind)
              ? [...response.policyResponse.rules]
              : lookupRuleResponses(test, response.policyResponse.rules);
          for (const rule of rulesToCheck) {
            if (rule.ruleType !== 'Generation') {
              const actual = rule.ruleType === 'Mutation' ? response.patchedResource : response.resource;
              const [ok, message, reason] = checkResult(test, dir, response, rule, actual);
              if (!test.failOnMissingResources && message.includes('not found in manifest')) {
                resourceSkipped = true;
                continue;
              }
              rows.push(addRow(test, rule.name, ok, message, reason, resource.split(',').join('/')));
            } else {
              const generated = rule.generatedResources ?? [];
              if (generated.length === 0) {
                const [ok, message, reason] = compareExpected(test, response, rule);
                rows.push(addRow(test, rule.name, ok, message, reason, resource.split(',').join('/')));
              }
              for (const g of generated) {
                const [ok, message, reason] = checkResult(test, dir, response, rule, g);
                const gm = isObject(g['metadata']) ? (g['metadata'] as JsonObject) : {};
                rows.push(addRow(test, rule.name, ok, message, reason, String(gm['name'] ?? '')));
              }
            }
          }
          if (rows.length === 0 && !resourceSkipped) {
            rows.push({
              id: id++,
              policy: fmtPolicy(c, test.policy),
              rule: c.cyan(test.rule ?? ''),
              resource: fmtResourceKey(c, resource.split(',').join('/')),
              result: c.green('Pass'),
              reason: c.yellow('Excluded'),
              message: c.yellow('Excluded'),
              isFailure: false,
            });
            counts.skip++;
          }
        }
      }
      const targets = responses.target.get(resource);
      if (targets) {
        for (const response of targets) {
          const parts = resource.split(',');
          const [apiVersion, kind, ns, name] = [parts[parts.length - 4], parts[parts.length - 3], parts[parts.length - 2], parts[parts.length - 1]];
          const found = extractPatchedTarget(apiVersion ?? '', kind ?? '', name ?? '', ns ?? '', response);
          if (!found) continue;
          const [ok, message, reason] = checkResult(test, dir, response, found.rule, found.target);
          rows.push(addRow(test, found.rule.name, ok, message, reason, resource.split(',').join('/')));
        }
      }
      if (rows.length === 0 && !resourceSkipped) {
        const policyName = test.policy.split('/').pop() ?? '';
        const skippedReason = responses.skippedPolicies.get(policyName);
        if (skippedReason !== undefined) {
          table.push({
            id: id++,
            policy: fmtPolicy(c, test.policy),
            rule: c.cyan(test.rule ?? ''),
            resource: fmtResourceKey(c, resource.split(',').join('/')),
            result: c.cyan('Skip'),
            reason: c.yellow('Invalid Policy'),
            message: skippedReason,
            isFailure: false,
          });
          counts.skip++;
        } else {
          table.push({
            id: id++,
            policy: fmtPolicy(c, test.policy),
            rule: c.cyan(test.rule ?? ''),
            resource: fmtResourceKey(c, resource.split(',').join('/')),
            result: c.red('Fail'),
            reason: c.yellow('Not found'),
            message: c.yellow('Not found'),
            isFailure: true,
          });
          counts.fail++;
        }
      } else {
        table.push(...rows);
      }
      rows = [];
    }
  }
  return table;
}

function resourceKeyMatches(key: string, r: string): boolean {
  const nameParts = key.split(',');
  const nsAndName = r.split('/');
  if (nsAndName.length === 1) return r === nameParts[nameParts.length - 1];
  if (nsAndName.length === 2) return nsAndName[0] === nameParts[nameParts.length - 2] && nsAndName[1] === nameParts[nameParts.length - 1];
  return false;
}

function extractPatchedTarget(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string,
  response: EngineResponse,
): { target: Resource; rule: RuleResponse } | undefined {
  for (const rule of response.policyResponse.rules) {
    const r = rule.patchedTarget;
    if (!r) continue;
    const meta = isObject(r['metadata']) ? r['metadata'] : {};
    const ns = namespace === '' ? String(meta['namespace'] ?? '') : namespace;
    if (r['apiVersion'] === apiVersion && r['kind'] === kind && meta['name'] === name && (meta['namespace'] ?? '') === ns) {
      return { target: r, rule };
    }
  }
  return undefined;
}

export function rowsTable(rows: readonly Row[], detailed: boolean, color: boolean): string {
  const headers = ['ID', 'POLICY', 'RULE', 'RESOURCE', 'RESULT', 'REASON'];
  if (detailed) headers.push('MESSAGE');
  const data = rows.map((r) => {
    const cells = [String(r.id), r.policy, r.rule, r.resource, r.result, r.reason];
    if (detailed) cells.push(r.message);
    return cells;
  });
  return renderTable(headers, data, { color });
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** -o json|yaml|markdown|junit. */
export function formatRows(format: string, rows: readonly Row[], detailed: boolean, toYaml: (v: unknown) => string): string {
  const plain = rows.map((r) => ({
    ...r,
    policy: stripAnsi(r.policy),
    rule: stripAnsi(r.rule),
    resource: stripAnsi(r.resource),
    result: stripAnsi(r.result),
    reason: stripAnsi(r.reason),
    message: stripAnsi(r.message),
  }));
  if (format === 'markdown') {
    const headers = ['ID', 'POLICY', 'RULE', 'RESOURCE', 'RESULT', 'REASON'];
    if (detailed) headers.push('MESSAGE');
    let b = '| ' + headers.join(' | ') + ' | \n';
    b += '|' + '----|'.repeat(headers.length) + '\n';
    for (const r of plain) {
      b += `| ${r.id} | ${r.policy} | ${r.rule} | ${r.resource} | ${r.result} | ${r.reason} |`;
      b += detailed ? ` ${r.message} |\n` : '\n';
    }
    return `\n${b}\n`;
  }
  if (format === 'junit') {
    const failed = plain.filter((r) => r.isFailure).length;
    let b = '<?xml version="1.0" encoding="UTF-8"?>\n';
    b += `<testsuites tests="${plain.length}" failures="${failed}">\n`;
    const suites = new Map<string, typeof plain>();
    for (const r of plain) {
      const list = suites.get(r.policy) ?? [];
      list.push(r);
      suites.set(r.policy, list);
    }
    for (const [policy, list] of suites) {
      b += ` <testsuite name="${xmlEscape(policy)}" tests="${list.length}" failures="${list.filter((r) => r.isFailure).length}">\n`;
      for (const r of list) {
        b += `  <testcase classname="${xmlEscape(r.rule)}" name="${xmlEscape(r.resource)}">\n`;
        if (r.isFailure) {
          b += `   <failure message="${xmlEscape(r.reason)}">\n    Policy: ${xmlEscape(r.policy)}\n    Rule: ${xmlEscape(r.rule)}\n    Resource: ${xmlEscape(r.resource)}\n    Result: ${xmlEscape(r.result)}\n`;
          if (detailed) b += `    Message: ${xmlEscape(r.message)}\n`;
          b += '   </failure>\n';
        } else {
          b += `   <system-out><![CDATA[\n    Reason: ${r.reason}\n    Policy: ${r.policy}\n    Rule: ${r.rule}\n    Resource: ${r.resource}\n`;
          if (detailed) b += `    Message: ${r.message}\n`;
          b += '   ]]></system-out>\n';
        }
        b += '  </testcase>\n';
      }
      b += ' </testsuite>\n';
    }
    b += '</testsuites>';
    return `\n${b}\n`;
  }
  const list = plain.map((r) => {
    const o: Record<string, unknown> = { ID: r.id, POLICY: r.policy, RULE: r.rule, RESOURCE: r.resource, RESULT: r.result, REASON: r.reason };
    if (detailed) o['Message'] = r.message;
    return o;
  });
  if (format === 'json') return `\n${JSON.stringify(list, null, 2)}\n`;
  return `\n${toYaml(list)}\n`;
}

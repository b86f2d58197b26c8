/**
 * Policy report results from engine responses (kyverno/pkg/utils/report/results.go ToPolicyReportResult,
 * cmd/cli/kubectl-kyverno/report/report.go) and the CLI's result counting (processor/result.go).
 */
import { isObject } from '../engine/api/json.ts';
export { isKyvernoPolicy, objectReference, toReportResult, type ReportResult } from '../engine/report/result.ts';
import { isKyvernoPolicy } from '../engine/report/result.ts';
import type { KyvernoPolicy } from '../engine/api/policy.ts';
import type { EngineResponse, RuleResponse, RuleStatus } from '../engine/api/response.ts';
import type { Engine } from '../engine/engine.ts';
import { policyFailureAction, isEnforce } from '../engine/failure-action.ts';

export class ResultCounts {
  pass = 0;
  fail = 0;
  warn = 0;
  error = 0;
  skip = 0;

  /** addEngineResponse: validate (and verifyImages) rule results of Kyverno policies. */
  addValidateResponse(engine: Engine, response: EngineResponse, auditWarn: boolean): void {
    if (response.policyResponse.rules.length === 0) return;
    const pol = response.policy;
    if (!isKyvernoPolicy(pol)) return;
    const policy = pol as unknown as KyvernoPolicy;
    const scored = policy.metadata?.annotations?.['policies.kyverno.io/scored'] !== 'false';
    const meta = isObject(response.patchedResource['metadata']) ? response.patchedResource['metadata'] : {};
    const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
    for (const rule of engine.computeRules(policy, '')) {
      const hasValidate = rule.validate && Object.keys(rule.validate).length > 0;
      const hasVerify = (rule.verifyImages ?? []).length > 0;
      if (!hasValidate && !hasVerify) continue;
      for (const rr of response.policyResponse.rules) {
        if (rr.name !== rule.name) continue;
        switch (rr.status) {
          case 'pass':
            this.pass++;
            break;
          case 'fail':
            if (!scored) this.warn++;
            else if (auditWarn && !isEnforce(policyFailureAction(policy, ns, response.namespaceLabels))) this.warn++;
            else this.fail++;
            break;
          case 'error':
            this.error++;
            break;
          case 'warn':
            this.warn++;
            break;
          case 'skip':
            this.skip++;
            break;
        }
      }
    }
  }

  /** addMutateResponse; returns true when a mutation was applied (the patched resource gets printed). */
  addMutateResponse(engine: Engine, response: EngineResponse): boolean {
    const pol = response.policy;
    let printed = false;
    const count = (status: RuleStatus): void => {
      if (status === 'pass') {
        this.pass++;
        printed = true;
      } else if (status === 'fail') this.fail++;
      else if (status === 'skip') this.skip++;
      else if (status === 'error') this.error++;
    };
    if (isKyvernoPolicy(pol)) {
      const rules = engine.computeRules(pol as unknown as KyvernoPolicy, '');
      if (!rules.some((r) => r.mutate && Object.keys(r.mutate).length > 0)) return false;
      for (const rule of rules) for (const rr of response.policyResponse.rules) if (rr.name === rule.name) count(rr.status);
      return printed;
    }
    for (const rr of response.policyResponse.rules) count(rr.status);
    return printed;
  }

  /** addGenerateResponse. */
  addGenerateResponse(engine: Engine, response: EngineResponse): void {
    const pol = response.policy;
    const count = (status: RuleStatus): void => {
      if (status === 'pass') this.pass++;
      else if (status === 'warn') this.warn++;
      else if (status === 'skip') this.skip++;
      else if (status === 'error') this.error++;
      else this.fail++;
    };
    if (isKyvernoPolicy(pol)) {
      for (const rule of engine.computeRules(pol as unknown as KyvernoPolicy, '')) {
        for (const rr of response.policyResponse.rules) if (rr.name === rule.name) count(rr.status);
      }
      return;
    }
    for (const rr of response.policyResponse.rules) count(rr.status);
  }

  /** AddValidatingPolicyResponse (CEL kinds). */
  addCelValidateResponse(response: EngineResponse): void {
    for (const rr of response.policyResponse.rules) {
      if (rr.status === 'pass') this.pass++;
      else if (rr.status === 'fail') this.fail++;
      else if (rr.status === 'error') this.error++;
      else if (rr.status === 'skip') this.skip++;
    }
  }
}

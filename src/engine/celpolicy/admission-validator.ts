/**
 * The Kubernetes CEL validator of the admission plugins (k8s.io/apiserver pkg/admission/plugin/policy/
 * validating validator.go with its composited compiler, match conditions matcher and activation), as
 * Kyverno runs it for ValidatingAdmissionPolicies and `validate.cel` rules.
 *
 * Every expression is compiled separately; a compile problem becomes that expression's evaluation
 * error (`compilation error: compilation failed: ERROR: ...`). Per request: the match conditions
 * (any false: no decision at all; errors: one error decision per the failure policy), then one decision
 * per validation: admit, deny (message from `messageExpression`, `message`, or `failed expression:
 * <expr>`), or error (`expression '<expr>' resulted in error: <err>`).
 */
import type { JsonObject, JsonValue } from '../api/json.ts';
import type { CelEnvironment, CompiledCel } from '../cel/environment.ts';
import { isCelCompileError } from '../cel/errors.ts';
import { createAuthorizerValue, type AuthorizerPort } from '../cel/libs/authz.ts';
import { jsonToCel } from '../cel/values.ts';
import { goQuote, goTrimSpace } from '../utils/goconv.ts';
import { kubernetesNamespaceObjectJson, kubernetesRequestJson, type AdmissionAttributes } from './admission.ts';
import { aggregate } from './compile.ts';
import type { CelPolicyEnvironments } from './environments.ts';
import { evalErrorMessage, evaluateSync } from './evaluate.ts';
import type { FailurePolicy, MatchCondition, Validation, Variable } from './types.ts';
import { compileVariables, LazyVariables, withVariablesType, type CompiledVariable } from './variables.ts';

/** The expressions of a ValidatingAdmissionPolicy (or a `validate.cel` rule). */
export interface AdmissionPolicyExpressions {
  readonly matchConditions?: readonly MatchCondition[];
  readonly variables?: readonly Variable[];
  readonly validations?: readonly Validation[];
}

export interface AdmissionValidatorOptions {
  /** `params` is declared (the policy has a paramKind) */
  readonly params: boolean;
  /** `authorizer` is declared (`validate.cel`; not ValidatingAdmissionPolicies) */
  readonly authorizer: boolean;
  /** failure policy of the policy (Fail when unset) */
  readonly failurePolicy?: FailurePolicy;
}

/** One compiled expression, or its compile error (`compilation failed: ...`). */
interface CompiledExpression {
  readonly expression: string;
  readonly program?: CompiledCel;
  readonly error?: string;
}

interface CompiledValidation {
  readonly condition: CompiledExpression;
  readonly message: string;
  readonly messageExpression?: CompiledExpression;
}

/** `PolicyDecision` (action, evaluation, message). */
export interface PolicyDecision {
  readonly action: 'admit' | 'deny';
  readonly evaluation: 'admit' | 'deny' | 'error';
  readonly message: string;
}

/** `ValidateResult`: `decisions` empty when the match conditions excluded the request. */
export interface ValidateResult {
  readonly decisions: readonly PolicyDecision[];
}

/** Inputs of one validation. */
export interface AdmissionValidateInput {
  readonly attributes: AdmissionAttributes;
  /** the params object (null when none) */
  readonly params?: JsonValue;
  /** the namespace object (null for cluster-scoped requests) */
  readonly namespace?: JsonObject | null;
  /** decisions of `authorizer` checks (required when compiled with `authorizer`) */
  readonly authorizer?: AuthorizerPort;
}

/** The activation of one request and its lazily evaluated variables. */
interface RequestActivation {
  readonly act: Record<string, unknown>;
  readonly vars: LazyVariables;
}

/** Max length of an evaluated message (`celconfig.MaxEvaluatedMessageExpressionSizeBytes`). */
const MAX_MESSAGE_BYTES = 5 * 1024;

function compileExpression(env: CelEnvironment, expression: string, returnTypes: readonly string[] | undefined): CompiledExpression {
  const p = env.compile(expression);
  if (isCelCompileError(p)) return { expression, error: `compilation failed: ${p.message}` };
  if (returnTypes && !returnTypes.includes(p.outputType)) {
    const reason =
      returnTypes.length === 1
        ? `must evaluate to ${returnTypes[0]!} but got ${p.outputType}`
        : `must evaluate to one of [${returnTypes.join(' ')}] but got ${p.outputType}`;
    return { expression, error: reason };
  }
  return { expression, program: p };
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** A compiled validator, evaluated per request. */
export class AdmissionValidator {
  private readonly variables: readonly CompiledVariable[];
  private readonly matchConditions: readonly CompiledExpression[];
  private readonly validations: readonly CompiledValidation[];

  constructor(
    envs: CelPolicyEnvironments,
    spec: AdmissionPolicyExpressions,
    private readonly options: AdmissionValidatorOptions,
  ) {
    const base = envs.admissionPlugin({ params: options.params, authorizer: options.authorizer });
    const vars = compileVariables(base, spec.variables ?? [], 'kubernetes', 'variables');
    this.variables = vars.variables;
    const env = vars.env;
    const messageEnv = options.authorizer
      ? withVariablesType(envs.admissionPlugin({ params: options.params, authorizer: false }), 'kubernetes', vars.fields)
      : env;
    this.validations = (spec.validations ?? []).map((v) => ({
      condition: compileExpression(env, String(v?.expression ?? ''), ['bool']),
      message: typeof v?.message === 'string' ? v.message : '',
      messageExpression: typeof v?.messageExpression === 'string' && v.messageExpression !== '' ? compileExpression(messageEnv, v.messageExpression, ['string']) : undefined,
    }));
    this.matchConditions = (spec.matchConditions ?? []).map((c) => compileExpression(env, String(c?.expression ?? ''), ['bool']));
  }

  private get failurePolicy(): FailurePolicy {
    return this.options.failurePolicy ?? 'Fail';
  }

  private errorDecision(message: string): PolicyDecision {
    return { action: this.failurePolicy === 'Ignore' ? 'admit' : 'deny', evaluation: 'error', message };
  }

  /** `activation.Evaluate` of one expression: its value, or its error message. */
  private evaluate(c: CompiledExpression, ctx: RequestActivation): { value?: unknown; error?: string } {
    if (c.error !== undefined) return { error: `compilation error: ${c.error}` };
    try {
      return { value: evaluateSync(c.program!, ctx.vars.activationFor(ctx.act, c.program!)) };
    } catch (e) {
      return { error: `expression '${c.expression}' resulted in error: ${evalErrorMessage(e)}` };
    }
  }

  private activation(
    input: AdmissionValidateInput,
    namespace: JsonObject | null | undefined,
    withAuthorizer: boolean,
    memo: Map<string, unknown> = new Map(),
  ): RequestActivation {
    const a = input.attributes;
    const act: Record<string, unknown> = {};
    // converted on first read, once per validation (the match conditions and validations share them)
    const lazy = (name: string, key: string, make: () => unknown): void => {
      Object.defineProperty(act, name, {
        enumerable: true,
        configurable: true,
        get() {
          if (!memo.has(key)) memo.set(key, make());
          return memo.get(key);
        },
      });
    };
    lazy('object', 'object', () => (a.object ? jsonToCel(a.object) : null));
    lazy('oldObject', 'oldObject', () => (a.oldObject ? jsonToCel(a.oldObject) : null));
    lazy('request', 'request', () => jsonToCel(kubernetesRequestJson(a)));
    // null in Kubernetes; `{}` reads the same for field selections and has()
    lazy('namespaceObject', namespace ? 'namespaceObject' : 'noNamespaceObject', () => (namespace ? jsonToCel(kubernetesNamespaceObjectJson(namespace)) : {}));
    if (this.options.params) lazy('params', 'params', () => (input.params === undefined || input.params === null ? null : jsonToCel(input.params)));
    if (this.options.authorizer && withAuthorizer && input.authorizer) {
      act['authorizer'] = createAuthorizerValue(
        input.authorizer,
        { username: a.userInfo.username ?? '', uid: a.userInfo.uid, groups: a.userInfo.groups, extra: a.userInfo.extra },
        { group: a.resource.group, resource: a.resource.resource, subresource: a.subresource, namespace: a.namespace, name: a.name },
      );
    }
    const vars = new LazyVariables(
      this.variables,
      (v, view) => {
        if (!v.program) throw new Error(v.error ?? 'not compiled');
        const va = Object.create(act) as Record<string, unknown>;
        va['variables'] = view;
        return evaluateSync(v.program, va);
      },
      (v, e) =>
        v.error !== undefined
          ? `composited variable ${goQuote(v.name)} fails to compile: compilation failed: ${v.error}`
          : `composited variable ${goQuote(v.name)} fails to evaluate: ${evalErrorMessage(e)}`,
    );
    return { act, vars };
  }

  /** `validator.Validate`. */
  validate(input: AdmissionValidateInput): ValidateResult {
    const memo = new Map<string, unknown>();
    if (this.matchConditions.length > 0) {
      // the matcher sees no namespace object
      const act = this.activation(input, null, true, memo);
      const results = this.matchConditions.map((c) => this.evaluate(c, act));
      if (results.some((r) => r.error === undefined && r.value === false)) return { decisions: [] };
      const errors = results.filter((r) => r.error !== undefined).map((r) => r.error!);
      if (errors.length > 0) {
        if (this.failurePolicy === 'Ignore') return { decisions: [] };
        return { decisions: [this.errorDecision(aggregate(errors))] };
      }
    }
    const act = this.activation(input, input.namespace, true, memo);
    const messageAct = this.options.authorizer ? this.activation(input, input.namespace, false, memo) : act;
    const decisions: PolicyDecision[] = [];
    for (const v of this.validations) {
      const r = this.evaluate(v.condition, act);
      if (r.error !== undefined) {
        decisions.push(this.errorDecision(r.error));
        continue;
      }
      if (r.value === true) {
        decisions.push({ action: 'admit', evaluation: 'admit', message: '' });
        continue;
      }
      let message = '';
      if (v.messageExpression) {
        const m = this.evaluate(v.messageExpression, messageAct);
        if (m.error === undefined && typeof m.value === 'string') {
          message = goTrimSpace(m.value);
          if (utf8Length(message) > MAX_MESSAGE_BYTES || message.includes('\n')) message = '';
        }
      }
      if (message === '' && v.message !== '') message = goTrimSpace(v.message);
      if (message === '') message = `failed expression: ${goTrimSpace(v.condition.expression)}`;
      decisions.push({ action: 'deny', evaluation: 'deny', message });
    }
    return { decisions };
  }
}

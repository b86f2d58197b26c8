/**
 * Policy validation of `spec.webhookConfiguration.matchConditions` for the admission server's policy
 * webhook (`ValidateCustomWebhookMatchConditions`): the expressions must compile, as the API server
 * would refuse the fine-grained webhook carrying them. The CEL environment is built on first use and
 * kept for the server's lifetime.
 *
 * Example: `compileMatchConditions([{name: 'a', expression: 'object.metadata.keys(@)'}])` ->
 * `['compilation failed: ERROR: <input>:1:...']`.
 */
import { CelPolicyEnvironments } from '../../engine/celpolicy/environments.ts';
import { compileWebhookMatchConditions, type WebhookMatchCondition } from '../../engine/celpolicy/webhook-match-conditions.ts';

let envs: CelPolicyEnvironments | undefined;

/** The compilation errors of the conditions (empty when they all compile to a bool). */
export function compileMatchConditions(conditions: readonly WebhookMatchCondition[]): string[] {
  if (conditions.length === 0) return [];
  envs ??= new CelPolicyEnvironments();
  return compileWebhookMatchConditions(envs, conditions);
}

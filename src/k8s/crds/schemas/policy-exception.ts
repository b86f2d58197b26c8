/**
 * PolicyException in kyverno.io (api/kyverno/v2 policy_exception_types.go; v2beta1 is identical):
 * which rules of which policies are excepted for the matched resources.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, bool, obj, str, strings } from './builders.ts';
import { anyAllConditionsV2 } from './conditions.ts';
import { matchResources } from './match-resources.ts';
import { resourceRoot } from './meta.ts';
import { podSecurityStandard } from './pod-security.ts';

/** kyvernov2.Exception. */
export const exception = (): JSONSchemaProps =>
  obj({ policyName: str(), ruleNames: strings() }, { required: ['policyName', 'ruleNames'] });

/** kyvernov2.PolicyExceptionSpec. */
export const policyExceptionSpec = (): JSONSchemaProps =>
  obj(
    {
      background: bool(),
      conditions: anyAllConditionsV2(),
      exceptions: arr(exception()),
      match: matchResources(),
      podSecurity: arr(podSecurityStandard()),
    },
    { required: ['exceptions', 'match'] },
  );

/** kyverno.io PolicyException. */
export const policyException = (): JSONSchemaProps => resourceRoot({ spec: policyExceptionSpec() }, ['spec']);

/**
 * PolicyException in policies.kyverno.io: references to CEL policies, CEL match conditions, and what
 * to report for excepted resources.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, dateTime, obj, oneOfStrings, str, stringMap, strings } from './builders.ts';
import { matchCondition } from './admission.ts';
import { resourceRoot } from './meta.ts';

/** PolicyExceptionSpec. */
export const celPolicyExceptionSpec = (): JSONSchemaProps =>
  obj(
    {
      allowedValues: strings(),
      evaluationMode: str(),
      expiresAt: dateTime(),
      images: strings(),
      matchConditions: arr(matchCondition()),
      policyRefs: arr(obj({ kind: str(), name: str() }, { required: ['kind', 'name'] })),
      properties: stringMap(),
      reportResult: oneOfStrings(['skip', 'pass'], { default: 'skip' }),
    },
    { required: ['policyRefs'] },
  );

/** policies.kyverno.io PolicyException. */
export const celPolicyException = (): JSONSchemaProps => resourceRoot({ spec: celPolicyExceptionSpec() }, ['spec']);

/**
 * MutatingPolicy / NamespacedMutatingPolicy (policies.kyverno.io): a MutatingAdmissionPolicy body,
 * mutate-existing targets and Kyverno's evaluation and autogen settings.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, atomicList, atomicObj, bool, mapList, obj, str } from './builders.ts';
import { admissionMatchResources, auditAnnotation, matchCondition, matchResourcesFields, variable } from './admission.ts';
import { autogenStatus, celFailurePolicy, celWebhookConfiguration, enabledSwitch, podControllersAutogen } from './cel-common.ts';
import { resourceRoot } from './meta.ts';

/** A mutation: `applyConfiguration` or `jsonPatch`, chosen by `patchType`. */
export const mutationEntry = (): JSONSchemaProps =>
  obj(
    { applyConfiguration: obj({ expression: str() }), jsonPatch: obj({ expression: str() }), patchType: str() },
    { required: ['patchType'] },
  );

/** MutatingPolicySpec. */
export const mutatingPolicySpec = (): JSONSchemaProps =>
  obj({
    auditAnnotations: arr(auditAnnotation()),
    autogen: obj({ mutatingAdmissionPolicy: obj({ enabled: bool() }), podControllers: podControllersAutogen() }),
    evaluation: obj({
      admission: enabledSwitch(true),
      background: enabledSwitch(true),
      mode: str(),
      mutateExisting: enabledSwitch(false),
      skipBackgroundRequests: bool({ default: true }),
      useServerSideApply: bool(),
    }),
    failurePolicy: celFailurePolicy(),
    matchConditions: mapList(matchCondition(), ['name']),
    matchConstraints: admissionMatchResources(),
    mutations: atomicList(mutationEntry()),
    reinvocationPolicy: str(),
    targetMatchConditions: mapList(matchCondition(), ['name']),
    targetMatchConstraints: atomicObj({ ...matchResourcesFields(), expression: str() }),
    variables: mapList(variable(), ['name']),
    webhookConfiguration: celWebhookConfiguration(),
  });

/** MutatingPolicy and NamespacedMutatingPolicy. */
export const mutatingPolicy = (): JSONSchemaProps =>
  resourceRoot({ spec: mutatingPolicySpec(), status: autogenStatus(mutatingPolicySpec) }, ['spec']);

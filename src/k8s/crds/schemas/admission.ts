/**
 * admissionregistration.k8s.io/v1 types embedded in Kyverno's CRDs (`MatchCondition`, `Variable`,
 * `Validation`, `AuditAnnotation`, `ParamRef`, `MatchResources`, `NamedRuleWithOperations`), with the
 * list/map markers Kubernetes declares on them.
 */
import type { JSONSchemaProps } from '../types.ts';
import { atomicList, atomicObj, obj, str } from './builders.ts';
import { labelSelector } from './meta.ts';

/** admissionregistrationv1.MatchCondition. */
export const matchCondition = (): JSONSchemaProps =>
  obj({ expression: str(), name: str() }, { required: ['expression', 'name'] });

/** admissionregistrationv1.Variable (atomic map). */
export const variable = (): JSONSchemaProps =>
  atomicObj({ expression: str(), name: str() }, { required: ['expression', 'name'] });

/** admissionregistrationv1.Validation. */
export const validationExpression = (): JSONSchemaProps =>
  obj(
    { expression: str(), message: str(), messageExpression: str(), reason: str() },
    { required: ['expression'] },
  );

/** admissionregistrationv1.AuditAnnotation. */
export const auditAnnotation = (): JSONSchemaProps =>
  obj({ key: str(), valueExpression: str() }, { required: ['key', 'valueExpression'] });

/** admissionregistrationv1.ParamRef (atomic map). */
export const paramRef = (): JSONSchemaProps =>
  atomicObj({ name: str(), namespace: str(), parameterNotFoundAction: str(), selector: labelSelector() });

/** admissionregistrationv1.NamedRuleWithOperations (atomic map). */
export const namedRuleWithOperations = (): JSONSchemaProps =>
  atomicObj({
    apiGroups: atomicList(str()),
    apiVersions: atomicList(str()),
    operations: atomicList(str()),
    resourceNames: atomicList(str()),
    resources: atomicList(str()),
    scope: str(),
  });

/** admissionregistrationv1.MatchResources fields. */
export const matchResourcesFields = (): Record<string, JSONSchemaProps> => ({
  excludeResourceRules: atomicList(namedRuleWithOperations()),
  matchPolicy: str(),
  namespaceSelector: labelSelector(),
  objectSelector: labelSelector(),
  resourceRules: atomicList(namedRuleWithOperations()),
});

/** admissionregistrationv1.MatchResources (atomic map). */
export const admissionMatchResources = (): JSONSchemaProps => atomicObj(matchResourcesFields());

/**
 * Kubernetes types embedded in Kyverno's CRDs: `metav1.LabelSelector`, `metav1.Condition`,
 * `rbacv1.Subject`, `metav1.OwnerReference`, `corev1.ObjectReference`, `metav1.Timestamp`, and the
 * `apiVersion`/`kind`/`metadata` header every custom resource schema starts with.
 */
import type { JSONSchemaProps } from '../types.ts';
import { atomicList, atomicObj, bool, dateTime, int32, int64, obj, oneOfStrings, str, stringMap } from './builders.ts';

/** `metav1.LabelSelector` (atomic map). */
export const labelSelector = (): JSONSchemaProps =>
  atomicObj({
    matchExpressions: atomicList(
      obj(
        {
          key: str(),
          operator: str(),
          values: atomicList(str()),
        },
        { required: ['key', 'operator'] },
      ),
    ),
    matchLabels: stringMap(),
  });

/** `metav1.Condition`, with the validation markers apimachinery puts on it. */
export const condition = (): JSONSchemaProps =>
  obj(
    {
      lastTransitionTime: dateTime(),
      message: str({ maxLength: 32768 }),
      observedGeneration: int64({ minimum: 0 }),
      reason: str({ maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
      status: oneOfStrings(['True', 'False', 'Unknown']),
      type: str({
        maxLength: 316,
        pattern:
          '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      }),
    },
    { required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'] },
  );

/** `rbacv1.Subject` (atomic map). */
export const subject = (): JSONSchemaProps =>
  atomicObj({ apiGroup: str(), kind: str(), name: str(), namespace: str() }, { required: ['kind', 'name'] });

/** `metav1.OwnerReference` (atomic map). */
export const ownerReference = (): JSONSchemaProps =>
  atomicObj(
    { apiVersion: str(), blockOwnerDeletion: bool(), controller: bool(), kind: str(), name: str(), uid: str() },
    { required: ['apiVersion', 'kind', 'name', 'uid'] },
  );

/** `corev1.ObjectReference` (atomic map). */
export const objectReference = (): JSONSchemaProps =>
  atomicObj({
    apiVersion: str(),
    fieldPath: str(),
    kind: str(),
    name: str(),
    namespace: str(),
    resourceVersion: str(),
    uid: str(),
  });

/** `metav1.Timestamp`. */
export const timestamp = (): JSONSchemaProps =>
  obj({ nanos: int32(), seconds: int64() }, { required: ['nanos', 'seconds'] });

/** `metav1.GroupVersionKind`. */
export const groupVersionKind = (): JSONSchemaProps =>
  obj({ group: str(), kind: str(), version: str() }, { required: ['group', 'kind', 'version'] });

/** `metav1.GroupVersionResource`. */
export const groupVersionResource = (): JSONSchemaProps =>
  obj({ group: str(), resource: str(), version: str() }, { required: ['group', 'resource', 'version'] });

/**
 * The root of a custom resource schema: `apiVersion`, `kind`, `metadata` (validated by the API server
 * as ObjectMeta, so only `type: object` here) plus the kind's own top-level fields.
 */
export const resourceRoot = (fields: Record<string, JSONSchemaProps>, required?: string[]): JSONSchemaProps =>
  obj({ apiVersion: str(), kind: str(), metadata: { type: 'object' }, ...fields }, required ? { required } : {});

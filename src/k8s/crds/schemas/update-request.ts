/**
 * UpdateRequest (api/kyverno/v2 updaterequest_types.go, v1beta1 updaterequest_types.go): a queued
 * background mutate/generate request with the admission request that triggered it.
 */
import type { JSONSchemaProps } from '../types.ts';
import { anyJson, arr, atomicList, bool, int, mapOf, obj, oneOfStrings, str, strings } from './builders.ts';
import { groupVersionKind, groupVersionResource, resourceRoot } from './meta.ts';
import { resourceSpecFields } from './mutation.ts';

/** authenticationv1.UserInfo. */
export const authUserInfo = (): JSONSchemaProps =>
  obj({ extra: mapOf(strings()), groups: atomicList(str()), uid: str(), username: str() });

const preservedObject = (): JSONSchemaProps => ({ type: 'object', ...anyJson() });

/** admissionv1.AdmissionRequest. */
export const admissionRequest = (): JSONSchemaProps =>
  obj({
    dryRun: bool(),
    kind: groupVersionKind(),
    name: str(),
    namespace: str(),
    object: preservedObject(),
    oldObject: preservedObject(),
    operation: str(),
    options: preservedObject(),
    requestKind: groupVersionKind(),
    requestResource: groupVersionResource(),
    requestSubResource: str(),
    resource: groupVersionResource(),
    subResource: str(),
    uid: str(),
    userInfo: authUserInfo(),
  });

const resourceSpec = (): JSONSchemaProps => obj(resourceSpecFields());

const specOf = (v2: boolean): JSONSchemaProps =>
  obj(
    {
      context: obj({
        admissionRequestInfo: obj({ admissionRequest: admissionRequest(), operation: str() }),
        userInfo: obj({
          clusterRoles: arr(str(), { nullable: true }),
          roles: arr(str(), { nullable: true }),
          ...(v2 ? { synchronize: bool() } : {}),
          userInfo: authUserInfo(),
        }),
      }),
      deleteDownstream: bool(),
      policy: str(),
      requestType: oneOfStrings(v2 ? ['mutate', 'generate', 'cel-generate', 'cel-mutate'] : ['mutate', 'generate']),
      resource: resourceSpec(),
      rule: str(),
      ...(v2
        ? {
            ruleContext: arr(
              obj(
                { cacheRestore: bool(), deleteDownstream: bool(), rule: str(), synchronize: bool(), trigger: resourceSpec() },
                { required: ['deleteDownstream', 'rule', 'trigger'] },
              ),
            ),
          }
        : {}),
      synchronize: bool(),
    },
    { required: ['context', 'deleteDownstream', 'policy', 'resource', 'rule'] },
  );

const statusOf = (v2: boolean): JSONSchemaProps =>
  obj(
    {
      generatedResources: arr(resourceSpec()),
      ...(v2 ? {} : { handler: str() }),
      message: str(),
      retryCount: int(),
      state: str(),
    },
    { required: ['state'] },
  );

/** UpdateRequest kyverno.io/v2 (`v2: true`) or the unserved v1beta1. */
export const updateRequest = (v2: boolean): JSONSchemaProps => resourceRoot({ spec: specOf(v2), status: statusOf(v2) });

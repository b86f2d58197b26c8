/**
 * Resource selection (api/kyverno/v1 match_resources_types.go, resource_description_types.go,
 * user_info_types.go; v2beta1 match_resources_types.go): `match` / `exclude` blocks.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, notAll, obj, oneOfStrings, str, stringMap, strings } from './builders.ts';
import { labelSelector, subject } from './meta.ts';

/** kyvernov1.AdmissionOperation. */
export const ADMISSION_OPERATIONS = ['CREATE', 'CONNECT', 'UPDATE', 'DELETE'] as const;

/** kyvernov1.ResourceDescription: `name` and `names` are mutually exclusive. */
export const resourceDescription = (): JSONSchemaProps =>
  obj(
    {
      annotations: stringMap(),
      kinds: strings(),
      name: str(),
      names: strings(),
      namespaceSelector: labelSelector(),
      namespaces: strings(),
      operations: arr(oneOfStrings(ADMISSION_OPERATIONS)),
      selector: labelSelector(),
    },
    { not: notAll('name', 'names') },
  );

/** kyvernov1.UserInfo fields (inlined into filters). */
export const userInfoFields = (): Record<string, JSONSchemaProps> => ({
  clusterRoles: strings(),
  roles: strings(),
  subjects: arr(subject()),
});

/** kyvernov1.ResourceFilter: user info plus `resources`. */
export const resourceFilter = (): JSONSchemaProps => obj({ ...userInfoFields(), resources: resourceDescription() });

/** kyvernov1.MatchResources: `any`/`all` (exclusive) plus the deprecated inline filter. */
export const matchResourcesV1 = (): JSONSchemaProps =>
  obj(
    {
      all: arr(resourceFilter()),
      any: arr(resourceFilter()),
      ...userInfoFields(),
      resources: resourceDescription(),
    },
    { not: notAll('any', 'all') },
  );

/** kyvernov2beta1.MatchResources (also kyverno.io/v2): only `any`/`all`. */
export const matchResources = (): JSONSchemaProps =>
  obj({ all: arr(resourceFilter()), any: arr(resourceFilter()) }, { not: notAll('any', 'all') });

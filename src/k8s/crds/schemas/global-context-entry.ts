/**
 * GlobalContextEntry (api/kyverno/v2 and v2beta1/v2alpha1 global_context_entry_types.go): a cached
 * Kubernetes resource list or external API call, with JMESPath projections.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, bool, dateTime, exactlyOneOf, int, obj, str } from './builders.ts';
import { apiCallFields } from './context.ts';
import { condition, resourceRoot } from './meta.ts';

/** kyvernov2.ExternalAPICall: an API call refreshed periodically. */
export const externalApiCall = (): JSONSchemaProps =>
  obj({
    ...apiCallFields(),
    refreshInterval: str({ default: '10m', format: 'duration' }),
    retryLimit: int({ default: 3, minimum: 1 }),
  });

/** kyvernov2.GlobalContextEntrySpec: exactly one source. */
export const globalContextEntrySpec = (): JSONSchemaProps =>
  obj(
    {
      apiCall: externalApiCall(),
      kubernetesResource: obj(
        { group: str(), namespace: str(), resource: str(), version: str() },
        { required: ['resource', 'version'] },
      ),
      projections: arr(obj({ jmesPath: str(), name: str() }, { required: ['jmesPath', 'name'] })),
    },
    { oneOf: exactlyOneOf('kubernetesResource', 'apiCall') },
  );

/** GlobalContextEntry; `withReady` adds the `status.ready` field of v2alpha1/v2beta1. */
export const globalContextEntry = (withReady: boolean): JSONSchemaProps =>
  resourceRoot(
    {
      spec: globalContextEntrySpec(),
      status: obj({
        conditions: arr(condition()),
        lastRefreshTime: dateTime(),
        ...(withReady ? { ready: bool() } : {}),
      }),
    },
    ['spec'],
  );

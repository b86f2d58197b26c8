/**
 * Rule context entries (api/kyverno/v1 common_types.go `ContextEntry` and the data sources it names):
 * exactly one of `configMap`, `apiCall`, `imageRegistry`, `variable`, `globalReference` per entry.
 * The API-call pieces are shared with GlobalContextEntry.
 */
import type { JSONSchemaProps } from '../types.ts';
import { anyJson, arr, bool, exactlyOneOf, obj, oneOfStrings, str, strings } from './builders.ts';

/** kyvernov1.ImageRegistryCredentialsProvidersType values. */
export const REGISTRY_PROVIDERS = ['default', 'amazon', 'azure', 'google', 'github'] as const;

/** kyvernov1.ImageRegistryCredentials. */
export const imageRegistryCredentials = (): JSONSchemaProps =>
  obj({ allowInsecureRegistry: bool(), providers: arr(oneOfStrings(REGISTRY_PROVIDERS)), secrets: strings() });

/** kyvernov1.RequestData: a JSON body field. */
export const requestData = (): JSONSchemaProps => obj({ key: str(), value: anyJson() }, { required: ['key', 'value'] });

/** kyvernov1.ServiceCall. */
export const serviceCall = (): JSONSchemaProps =>
  obj(
    {
      caBundle: str(),
      headers: arr(obj({ key: str(), value: str() }, { required: ['key', 'value'] })),
      url: str(),
    },
    { required: ['url'] },
  );

/** kyvernov1.APICall fields (`method` defaults to GET). */
export const apiCallFields = (): Record<string, JSONSchemaProps> => ({
  data: arr(requestData()),
  method: oneOfStrings(['GET', 'POST'], { default: 'GET' }),
  service: serviceCall(),
  urlPath: str(),
});

/** kyvernov1.ContextAPICall. */
export const contextApiCall = (): JSONSchemaProps =>
  obj({ ...apiCallFields(), default: anyJson(), jmesPath: str() });

/** kyvernov1.ContextEntry. */
export const contextEntry = (): JSONSchemaProps =>
  obj(
    {
      apiCall: contextApiCall(),
      configMap: obj({ name: str(), namespace: str() }, { required: ['name'] }),
      globalReference: obj({ jmesPath: str(), name: str() }, { required: ['name'] }),
      imageRegistry: obj(
        { imageRegistryCredentials: imageRegistryCredentials(), jmesPath: str(), reference: str() },
        { required: ['reference'] },
      ),
      name: str(),
      variable: obj({ default: anyJson(), jmesPath: str(), value: anyJson() }),
    },
    { oneOf: exactlyOneOf('configMap', 'apiCall', 'imageRegistry', 'variable', 'globalReference'), required: ['name'] },
  );

/** A `context` list. */
export const contextEntries = (): JSONSchemaProps => arr(contextEntry());

/**
 * Strict schemas of the CLI's configuration documents (cmd/cli/kubectl-kyverno/apis/v1alpha1):
 * Test, Values, UserInfo. Unknown fields are errors, as with Go's UnmarshalStrict.
 */
import { s, type Schema } from '../../k8s/schema.ts';

const objectMeta = s.object({}, { open: true });
const typeMeta = { apiVersion: s.string(), kind: s.string(), metadata: objectMeta };

const apiResource = s.object({
  name: s.string(),
  singularName: s.string(),
  namespaced: s.bool(),
  group: s.string(),
  version: s.string(),
  kind: s.string(),
  verbs: s.array(s.string()),
  shortNames: s.array(s.string()),
  categories: s.array(s.string()),
  storageVersionHash: s.string(),
});

export const valuesSpecFields: Record<string, Schema> = {
  globalValues: s.map(s.any()),
  policies: s.array(
    s.object({
      name: s.string(),
      resources: s.array(s.object({ name: s.string(), values: s.map(s.any()) })),
      rules: s.array(s.object({ name: s.string(), values: s.map(s.any()), foreachValues: s.map(s.array(s.any())) })),
    }),
  ),
  namespaceSelector: s.array(s.object({ name: s.string(), labels: s.map(s.string()) })),
  namespaces: s.array(s.object({}, { open: true })),
  subresources: s.array(s.object({ subresource: apiResource, parentResource: apiResource })),
};

export const valuesSchema: Schema = s.object({ ...typeMeta, ...valuesSpecFields });

const testResourceSpec = s.object({
  group: s.string(),
  version: s.string(),
  kind: s.string(),
  namespace: s.string(),
  subresource: s.string(),
  name: s.string(),
});

const testResult = s.object({
  policy: s.string(),
  rule: s.string(),
  isValidatingAdmissionPolicy: s.bool(),
  isMutatingAdmissionPolicy: s.bool(),
  isValidatingPolicy: s.bool(),
  isDeletingPolicy: s.bool(),
  isImageValidatingPolicy: s.bool(),
  isGeneratingPolicy: s.bool(),
  isMutatingPolicy: s.bool(),
  result: s.string(),
  kind: s.string(),
  operation: s.string(),
  patchedResources: s.string(),
  generatedResource: s.string(),
  cloneSourceResource: s.string(),
  failOnMissingResources: s.bool(),
  resources: s.array(s.string()),
  resourceSpecs: s.array(testResourceSpec),
  generatedResources: s.array(s.string()),
});

export const testSchema: Schema = s.object({
  ...typeMeta,
  name: s.string(),
  policies: s.array(s.string()),
  resources: s.array(s.string()),
  jsonPayload: s.string(),
  jsonPayloads: s.array(s.string()),
  httpPayloads: s.array(s.string()),
  envoyPayloads: s.array(s.string()),
  targetResources: s.array(s.string()),
  variables: s.string(),
  paramResources: s.array(s.string()),
  userinfo: s.string(),
  results: s.array(testResult),
  values: s.object(valuesSpecFields),
  exceptions: s.array(s.string()),
  context: s.string(),
  clusterResources: s.array(s.string()),
  apiCallResponses: s.array(
    s.object({
      url: s.string(),
      urlPath: s.string(),
      method: s.string(),
      response: s.object({ statusCode: s.int(), body: s.any() }),
    }),
  ),
  globalContextEntries: s.array(
    s.object({
      name: s.string(),
      data: s.any(),
      resources: s.array(s.any()),
      resourceFiles: s.array(s.string()),
      fieldPath: s.string(),
      projections: s.array(s.object({ name: s.string(), path: s.string() })),
    }),
  ),
});

export const userInfoSchema: Schema = s.object({
  ...typeMeta,
  roles: s.array(s.string()),
  clusterRoles: s.array(s.string()),
  userInfo: s.object({
    username: s.string(),
    uid: s.string(),
    groups: s.array(s.string()),
    extra: s.map(s.array(s.string())),
  }),
  dryRun: s.bool(),
  synchronize: s.bool(),
});

export interface TestResultSpec {
  policy: string;
  rule?: string;
  result: string;
  kind: string;
  operation?: string;
  patchedResources?: string;
  generatedResource?: string;
  cloneSourceResource?: string;
  failOnMissingResources?: boolean;
  resources?: string[];
  resourceSpecs?: Array<{ group?: string; version?: string; kind?: string; namespace?: string; subresource?: string; name?: string }>;
  generatedResources?: string[];
  isDeletingPolicy?: boolean;
}

export interface TestSpec {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  name?: string;
  policies?: string[];
  resources?: string[];
  jsonPayload?: string;
  jsonPayloads?: string[];
  httpPayloads?: string[];
  envoyPayloads?: string[];
  targetResources?: string[];
  variables?: string;
  paramResources?: string[];
  userinfo?: string;
  results?: TestResultSpec[];
  values?: import('../values.ts').ValuesSpec;
  exceptions?: string[];
  context?: string;
  clusterResources?: string[];
  apiCallResponses?: Array<{ url?: string; urlPath?: string; method?: string; response: { statusCode?: number; body?: unknown } }>;
  globalContextEntries?: Array<{
    name: string;
    data?: unknown;
    resources?: unknown[];
    resourceFiles?: string[];
    fieldPath?: string;
    projections?: Array<{ name: string; path: string }>;
  }>;
}

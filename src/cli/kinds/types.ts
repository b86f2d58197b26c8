/**
 * Policy kinds beyond the classic ClusterPolicy/Policy (the CEL kinds and the admissionregistration
 * policies) plug into the CLI's per-resource processing through handlers registered in index.ts.
 */
import type { JsonObject, JsonValue, Resource } from '../../engine/api/json.ts';
import type { ContextPorts, RequestUserInfo } from '../../engine/api/request.ts';
import type { EngineResponse } from '../../engine/api/response.ts';
import type { Engine } from '../../engine/engine.ts';
import type { FakeCluster } from '../../k8s/fake-cluster.ts';
import type { Variables } from '../values.ts';

export interface KindContext {
  engine: Engine;
  variables: Variables;
  userInfo?: RequestUserInfo;
  /** explicit operation of a test result row (CREATE, UPDATE, DELETE), else from the values */
  operation?: string;
  /** policies.kyverno.io PolicyException objects */
  celExceptions: readonly JsonObject[];
  /** --parameter-resource / paramResources */
  paramResources: readonly Resource[];
  /** every object the offline run knows (trigger resources, targets, cluster resources) */
  cluster: FakeCluster;
  /** mocks and offline reads (apiCallResponses, globalContextEntries, configMaps) */
  ports: ContextPorts;
  /** true when the test declared clusterResources (a fake cluster is available) */
  hasCluster: boolean;
  /** target resources (mutate existing: `targetResources` / `--target-resource`) */
  targets?: readonly Resource[];
  /** the test's `context` file (cli.kyverno.io/v1alpha1 Context): objects and image data */
  celContext?: { readonly resources: readonly Resource[]; readonly images: Readonly<Record<string, JsonObject>> };
  /** `apiCallResponses` as Kyverno's HTTP mock index: `METHOD:url` or `url` -> `{body, statusCode}` */
  httpMocks?: Readonly<Record<string, JsonValue>>;
}

export type KindStage = 'mutate' | 'validate' | 'generate' | 'delete';

export interface KindHandler {
  /** `kind` values handled (e.g. ValidatingPolicy, NamespacedValidatingPolicy) */
  kinds: readonly string[];
  stage: KindStage;
  /**
   * Evaluates `policies` (all of the handled kinds, in load order, bindings included for VAP/MAP) on one
   * resource. Mutating stages return the patched resource, which later stages see.
   */
  apply(ctx: KindContext, policies: readonly JsonObject[], resource: Resource): { responses: EngineResponse[]; patched?: Resource };
  /** Evaluates JSON payloads (ValidatingPolicy `evaluation.mode: JSON` etc.), when the kind supports them. */
  applyJson?(ctx: KindContext, policies: readonly JsonObject[], payload: JsonObject, name: string): EngineResponse[];
}

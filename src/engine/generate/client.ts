/**
 * What the generate controller and the mutate-existing handler need from the API server
 * (the subset of kyverno/pkg/clients/dclient.Interface they call). In-cluster this is the real API; offline
 * the CLI uses an in-memory stand-in (`MemoryCluster`) with the Kyverno CLI's fake-client behaviour.
 *
 * Failures are `ClientError`s whose `reason` mirrors the Kubernetes status reasons the callers test for
 * (`apierrors.IsNotFound`, `IsAlreadyExists`), with the Kubernetes message text.
 */
import type { Resource } from '../api/json.ts';
import type { LabelSelector } from '../api/policy.ts';

export type ClientErrorReason = 'NotFound' | 'AlreadyExists' | 'BadRequest' | 'Unsupported';

/** An API failure. Example: `new ClientError('NotFound', 'secrets "regcred" not found')`. */
export class ClientError extends Error {
  constructor(
    readonly reason: ClientErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** `apierrors.IsNotFound`. */
export function isNotFound(err: unknown): boolean {
  return err instanceof ClientError && err.reason === 'NotFound';
}

/** `apierrors.IsAlreadyExists`. */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ClientError && err.reason === 'AlreadyExists';
}

/** One object found by `getResources`, with the resource it was served from. */
export interface FoundResource {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  object: Resource;
}

export interface ResourceClient {
  /** `GetResource`: a copy of the object; throws ClientError (NotFound…) */
  getResource(apiVersion: string, kind: string, namespace: string, name: string): Resource;
  /** `ListResource`: objects of a kind in a namespace (`""` = all), label-filtered, sorted by namespace/name */
  listResource(apiVersion: string, kind: string, namespace: string, selector: LabelSelector | undefined): Resource[];
  /** `CreateResource`: stores and returns a copy; throws AlreadyExists / BadRequest */
  createResource(apiVersion: string, kind: string, namespace: string, obj: Resource): Resource;
  /** `UpdateResource`: replaces; throws NotFound when missing */
  updateResource(apiVersion: string, kind: string, namespace: string, obj: Resource): Resource;
  /** `ApplyResource` (server-side apply, field manager `kyverno-generate`) */
  applyResource(apiVersion: string, kind: string, namespace: string, name: string, obj: Resource): Resource;
  /**
   * `dclient.GetResources` as the engine's client adapter exposes it (mutate targets): discovery of the
   * kind (throws when unknown), then a GET when namespace and name are both set without wildcards, else a
   * LIST of every namespace filtered by the selector and by wildcard namespace/name.
   */
  getResources(
    group: string,
    version: string,
    kind: string,
    subresource: string,
    namespace: string,
    name: string,
    selector: LabelSelector | undefined,
  ): FoundResource[];
  /** `Discovery().FindResources(...)` answers whether a kind is namespaced (unknown -> true) */
  isNamespaced?(apiVersion: string, kind: string): boolean;
}

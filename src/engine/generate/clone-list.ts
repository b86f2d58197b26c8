/**
 * `generate.cloneList` (kyverno/pkg/background/generate/clone.go manageCloneList): for each kind
 * (`v1/Secret` style), every object of the source namespace matching the selector is cloned under its own
 * name into the target namespace; sources already in the target namespace are skipped. A failed list is an
 * error response for that kind.
 */
import type { GeneratePattern } from '../api/policy.ts';
import type { ResourceClient } from './client.ts';
import { manageClone } from './clone.ts';
import { GenerateError, errorText } from './errors.ts';
import { getKindFromGvk } from './kinds.ts';
import { skipResponse, type GenerateResponse } from './response.ts';
import { getApiVersion, getKind, getName, getNamespace, type ResourceSpec } from './unstructured.ts';

/** Example: kinds `[v1/Secret]`, two labelled Secrets in `default` -> two responses targeting `targetNamespace`. */
export function manageCloneList(
  targetNamespace: string,
  serverSideApply: boolean,
  pattern: GeneratePattern,
  client: ResourceClient,
): GenerateResponse[] {
  const responses: GenerateResponse[] = [];
  const sourceNamespace = pattern.cloneList?.namespace ?? '';
  const kinds = pattern.cloneList?.kinds ?? [];
  for (const entry of kinds) {
    const [apiVersion, kind] = getKindFromGvk(entry);
    let sources;
    try {
      sources = client.listResource(apiVersion, kind, sourceNamespace, pattern.cloneList?.selector);
    } catch (err) {
      const target: ResourceSpec = { apiVersion, kind, namespace: targetNamespace, name: '' };
      const msg = `failed to list source resource for cloneList ${apiVersion} ${kind}/${sourceNamespace}. ${errorText(err)}`;
      responses.push(skipResponse(target, new GenerateError('LIST', msg)));
      continue;
    }
    for (const source of sources) {
      const target: ResourceSpec = {
        apiVersion: getApiVersion(source),
        kind: getKind(source),
        namespace: targetNamespace,
        name: getName(source),
      };
      if (getNamespace(source) === target.namespace) {
        responses.push(skipResponse(target));
        continue;
      }
      const sourceSpec: ResourceSpec = { ...target, namespace: getNamespace(source) };
      responses.push(manageClone(target, sourceSpec, serverSideApply, pattern, client));
    }
  }
  return responses;
}

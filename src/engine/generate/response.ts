/**
 * What each generate mode decides for one downstream resource (kyverno/pkg/background/generate/response.go):
 * skip it, create it or update it, with the content to write and an optional error.
 */
import type { JsonObject } from '../api/json.ts';
import type { GenerateError } from './errors.ts';
import type { ResourceSpec } from './unstructured.ts';

export type GenerateAction = 'SKIP' | 'CREATE' | 'UPDATE';

export interface GenerateResponse {
  action: GenerateAction;
  /** the content to write (CREATE/UPDATE) */
  data: JsonObject | null;
  target: ResourceSpec;
  error?: GenerateError;
}

export function skipResponse(target: ResourceSpec, error?: GenerateError): GenerateResponse {
  return error ? { action: 'SKIP', data: null, target, error } : { action: 'SKIP', data: null, target };
}

export function createResponse(data: JsonObject, target: ResourceSpec): GenerateResponse {
  return { action: 'CREATE', data, target };
}

export function updateResponse(data: JsonObject, target: ResourceSpec): GenerateResponse {
  return { action: 'UPDATE', data, target };
}

/**
 * The apiextensions.k8s.io/v1 shapes this project writes: `JSONSchemaProps` (the OpenAPI v3 subset a
 * structural CRD schema may use) and `CustomResourceDefinition`. Plain data: the schemas under
 * `schemas/` are values of these types, `crds.ts` assembles them, `scripts/gen-crds.ts` serializes them
 * and `compile.ts` turns them into validators.
 */
import type { JsonValue } from '../../engine/api/json.ts';

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

/** One `x-kubernetes-validations` rule (a CEL expression over `self`). */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
}

/**
 * A structural schema node. Only the keywords Kubernetes accepts in CRDs; `description` is optional
 * everywhere (the generated CRDs carry few).
 */
export interface JSONSchemaProps {
  description?: string;
  type?: SchemaType;
  format?: string;
  nullable?: boolean;
  default?: JsonValue;
  enum?: JsonValue[];
  // strings
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  // numbers
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  // arrays
  items?: JSONSchemaProps;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  // objects
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  // composition (value validation only in structural schemas)
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  // Kubernetes extensions
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: ValidationRule[];
}

export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: Array<{ jsonPath: string }>;
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: { status?: Record<string, never> };
}

export interface CrdNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: {
    group: string;
    names: CrdNames;
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
  };
}

/** Group, version and kind of a document (`apiVersion` split). */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Splits `apiVersion` + `kind` the way apimachinery does (`v1` is the core group). */
export function gvkOf(apiVersion: string, kind: string): GroupVersionKind {
  const i = apiVersion.indexOf('/');
  if (i < 0) return { group: '', version: apiVersion, kind };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1), kind };
}

/**
 * The project's CustomResourceDefinitions: names, scope, versions (served/storage/deprecated as in
 * Kyverno v1.19), printer columns and subresources, with the schemas from `schemas/`.
 *
 * ```ts
 * const cpol = allCrds().find((c) => c.metadata.name === 'clusterpolicies.kyverno.io');
 * cpol.spec.names.shortNames; // ['cpol']
 * ```
 */
import type { CrdVersion, CustomResourceDefinition, JSONSchemaProps, PrinterColumn } from './types.ts';
import { celPolicyException } from './schemas/cel-policy-exception.ts';
import { cleanupPolicy } from './schemas/cleanup-policy.ts';
import { deletingPolicy } from './schemas/deleting-policy.ts';
import { generatingPolicy } from './schemas/generating-policy.ts';
import { globalContextEntry } from './schemas/global-context-entry.ts';
import { imageValidatingPolicy } from './schemas/image-validating-policy.ts';
import { mutatingPolicy } from './schemas/mutating-policy.ts';
import { policyException } from './schemas/policy-exception.ts';
import { policyV1, policyV2beta1 } from './schemas/policy.ts';
import { ephemeralReport, openReport, policyReport } from './schemas/reports.ts';
import { updateRequest } from './schemas/update-request.ts';
import { validatingPolicy } from './schemas/validating-policy.ts';

interface VersionSpec {
  name: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  schema: () => JSONSchemaProps;
  /** printer columns of this version when they differ from the CRD's */
  columns?: PrinterColumn[];
}

interface CrdSpec {
  group: string;
  kind: string;
  /** one sentence, set on the root schema (what `kubectl explain <kind>` prints) */
  description: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  shortNames?: string[];
  categories?: string[];
  versions: VersionSpec[];
  columns?: PrinterColumn[];
  /** `status` subresource (default true); `false` writes `subresources: {}`; `null` writes none. */
  status?: boolean | null;
  selectableFields?: string[];
}

const KYVERNO = ['kyverno'];

const age = (name = 'AGE'): PrinterColumn => ({ jsonPath: '.metadata.creationTimestamp', name, type: 'date' });
const readyCondition: PrinterColumn = { jsonPath: '.status.conditionStatus.ready', name: 'READY', type: 'string' };

const policyColumns: PrinterColumn[] = [
  { jsonPath: '.spec.admission', name: 'ADMISSION', type: 'boolean' },
  { jsonPath: '.spec.background', name: 'BACKGROUND', type: 'boolean' },
  { jsonPath: '.status.conditions[?(@.type == "Ready")].status', name: 'READY', type: 'string' },
  age(),
  { jsonPath: '.spec.failurePolicy', name: 'FAILURE POLICY', priority: 1, type: 'string' },
  { jsonPath: '.status.rulecount.validate', name: 'VALIDATE', priority: 1, type: 'integer' },
  { jsonPath: '.status.rulecount.mutate', name: 'MUTATE', priority: 1, type: 'integer' },
  { jsonPath: '.status.rulecount.generate', name: 'GENERATE', priority: 1, type: 'integer' },
  { jsonPath: '.status.rulecount.verifyimages', name: 'VERIFY IMAGES', priority: 1, type: 'integer' },
  { jsonPath: '.status.conditions[?(@.type == "Ready")].message', name: 'MESSAGE', type: 'string' },
];

const summaryColumns = (prefix: string): PrinterColumn[] =>
  (['Pass', 'Fail', 'Warn', 'Error', 'Skip'] as const).map((n) => ({
    jsonPath: `${prefix}.summary.${n.toLowerCase()}`,
    name: n,
    type: 'integer' as const,
  }));

const policyReportColumns = (scopePriority?: number): PrinterColumn[] => [
  { jsonPath: '.scope.kind', name: 'Kind', type: 'string', ...(scopePriority ? { priority: scopePriority } : {}) },
  { jsonPath: '.scope.name', name: 'Name', type: 'string', ...(scopePriority ? { priority: scopePriority } : {}) },
  ...summaryColumns(''),
  age('Age'),
];

const label = (key: string): string => `.metadata.labels['${key.replace(/\./g, '\\.')}']`;

const ephemeralReportColumns = (uidPriority: number | undefined): PrinterColumn[] => [
  { jsonPath: label('audit.kyverno.io/source'), name: 'Source', type: 'string' },
  { jsonPath: label('audit.kyverno.io/resource.group'), name: 'Group', type: 'string' },
  { jsonPath: label('audit.kyverno.io/resource.kind'), name: 'Kind', type: 'string' },
  {
    jsonPath: `.metadata.annotations['${'audit.kyverno.io/resource.name'.replace(/\./g, '\\.')}']`,
    name: 'Owner',
    type: 'string',
  },
  ...summaryColumns('.spec'),
  age('Age'),
  { jsonPath: label('audit.kyverno.io/resource.uid'), name: 'Uid', type: 'string', ...(uidPriority ? { priority: uidPriority } : {}) },
  { jsonPath: label('audit.kyverno.io/resource.hash'), name: 'Hash', priority: 1, type: 'string' },
];

const cleanupColumns: PrinterColumn[] = [{ jsonPath: '.spec.schedule', name: 'Schedule', type: 'string' }, age('Age')];

/** v1 (served), v1alpha1 (deprecated), v1beta1 (storage): the policies.kyverno.io cluster kinds. */
const celVersions = (schema: () => JSONSchemaProps, withAlpha = true): VersionSpec[] => [
  { name: 'v1', schema },
  ...(withAlpha ? [{ name: 'v1alpha1', deprecated: true, schema }] : []),
  { name: 'v1beta1', storage: true, schema },
];

const specs: CrdSpec[] = [
  // kyverno.io
  {
    group: 'kyverno.io',
    kind: 'ClusterPolicy',
    description: 'ClusterPolicy declares validation, mutation, generation and image verification rules for resources in all namespaces.',
    plural: 'clusterpolicies',
    scope: 'Cluster',
    shortNames: ['cpol'],
    categories: KYVERNO,
    versions: [
      { name: 'v1', storage: true, schema: policyV1 },
      { name: 'v2beta1', schema: policyV2beta1 },
    ],
    columns: policyColumns,
  },
  {
    group: 'kyverno.io',
    kind: 'Policy',
    description: 'Policy declares validation, mutation, generation and image verification rules for resources in its own namespace.',
    plural: 'policies',
    scope: 'Namespaced',
    shortNames: ['pol'],
    categories: KYVERNO,
    versions: [
      { name: 'v1', storage: true, schema: policyV1 },
      { name: 'v2beta1', schema: policyV2beta1 },
    ],
    columns: policyColumns,
  },
  {
    group: 'kyverno.io',
    kind: 'PolicyException',
    description: 'PolicyException exempts matching resources from the named rules of ClusterPolicies and Policies.',
    plural: 'policyexceptions',
    scope: 'Namespaced',
    shortNames: ['polex'],
    categories: KYVERNO,
    versions: [
      { name: 'v2', storage: true, schema: policyException },
      { name: 'v2beta1', deprecated: true, schema: policyException },
    ],
    status: null,
  },
  {
    group: 'kyverno.io',
    kind: 'CleanupPolicy',
    description: 'CleanupPolicy deletes, on a cron schedule, the resources of its namespace that match its selection and conditions.',
    plural: 'cleanuppolicies',
    scope: 'Namespaced',
    shortNames: ['cleanpol'],
    categories: KYVERNO,
    versions: [
      { name: 'v2', storage: true, schema: cleanupPolicy },
      { name: 'v2beta1', deprecated: true, schema: cleanupPolicy },
    ],
    columns: cleanupColumns,
  },
  {
    group: 'kyverno.io',
    kind: 'ClusterCleanupPolicy',
    description: 'ClusterCleanupPolicy deletes, on a cron schedule, the resources that match its selection and conditions.',
    plural: 'clustercleanuppolicies',
    scope: 'Cluster',
    shortNames: ['ccleanpol'],
    categories: KYVERNO,
    versions: [
      { name: 'v2', storage: true, schema: cleanupPolicy },
      { name: 'v2beta1', deprecated: true, schema: cleanupPolicy },
    ],
    columns: cleanupColumns,
  },
  {
    group: 'kyverno.io',
    kind: 'GlobalContextEntry',
    description: 'GlobalContextEntry caches a Kubernetes resource list or an external API response for policy context entries.',
    plural: 'globalcontextentries',
    scope: 'Cluster',
    shortNames: ['gctxentry'],
    categories: KYVERNO,
    versions: [
      { name: 'v2', schema: () => globalContextEntry(false) },
      { name: 'v2alpha1', deprecated: true, schema: () => globalContextEntry(true) },
      { name: 'v2beta1', storage: true, schema: () => globalContextEntry(true) },
    ],
    columns: [
      age(),
      { jsonPath: '.spec.apiCall.refreshInterval', name: 'REFRESH INTERVAL', type: 'string' },
      { jsonPath: '.status.lastRefreshTime', name: 'LAST REFRESH', type: 'date' },
    ],
  },
  {
    group: 'kyverno.io',
    kind: 'UpdateRequest',
    description: 'UpdateRequest records a pending background mutation or generation.',
    plural: 'updaterequests',
    scope: 'Namespaced',
    shortNames: ['ur'],
    categories: KYVERNO,
    versions: [
      {
        name: 'v1beta1',
        served: false,
        deprecated: true,
        schema: () => updateRequest(false),
        columns: [
          { jsonPath: '.spec.policy', name: 'Policy', type: 'string' },
          { jsonPath: '.spec.rule', name: 'Rule', type: 'string' },
          { jsonPath: '.spec.requestType', name: 'RuleType', type: 'string' },
          { jsonPath: '.spec.resource.kind', name: 'ResourceKind', type: 'string' },
          { jsonPath: '.spec.resource.name', name: 'ResourceName', type: 'string' },
          { jsonPath: '.spec.resource.namespace', name: 'ResourceNamespace', type: 'string' },
          { jsonPath: '.status.state', name: 'status', type: 'string' },
          age('Age'),
        ],
      },
      { name: 'v2', storage: true, schema: () => updateRequest(true) },
    ],
    columns: [
      { jsonPath: '.spec.policy', name: 'Policy', type: 'string' },
      { jsonPath: '.spec.requestType', name: 'RuleType', type: 'string' },
      { jsonPath: '.spec.resource.kind', name: 'ResourceKind', type: 'string' },
      { jsonPath: '.spec.resource.name', name: 'ResourceName', type: 'string' },
      { jsonPath: '.spec.resource.namespace', name: 'ResourceNamespace', type: 'string' },
      { jsonPath: '.status.state', name: 'status', type: 'string' },
      age('Age'),
    ],
  },
  // policies.kyverno.io
  ...(
    [
      ['ValidatingPolicy', 'validatingpolicies', 'vpol', validatingPolicy, true, 'validates resources with CEL expressions, at admission and in background scans'],
      ['MutatingPolicy', 'mutatingpolicies', 'mpol', mutatingPolicy, true, 'mutates resources with CEL (apply configurations or JSON patches), at admission or in place'],
      ['ImageValidatingPolicy', 'imagevalidatingpolicies', 'ivpol', imageValidatingPolicy, false, 'verifies image signatures and attestations and validates them with CEL'],
      ['GeneratingPolicy', 'generatingpolicies', 'gpol', generatingPolicy, false, 'creates and synchronizes resources when a trigger resource matches'],
      ['DeletingPolicy', 'deletingpolicies', 'dpol', deletingPolicy, false, 'deletes, on a cron schedule, the resources that match its constraints and CEL conditions'],
    ] as const
  ).flatMap(([kind, plural, short, schema, selectable, what]): CrdSpec[] => {
    const columns = kind === 'GeneratingPolicy' ? [age()] : [age(), readyCondition];
    const selectableFields = selectable ? ['.spec.evaluation.mode'] : undefined;
    return [
      {
        group: 'policies.kyverno.io',
        kind,
        description: `${kind} ${what}.`,
        plural,
        scope: 'Cluster',
        shortNames: [short],
        categories: KYVERNO,
        versions: celVersions(schema),
        columns,
        ...(selectableFields ? { selectableFields } : {}),
      },
      {
        group: 'policies.kyverno.io',
        kind: `Namespaced${kind}`,
        description: `Namespaced${kind} ${what}, for resources of its own namespace.`,
        plural: `namespaced${plural}`,
        scope: 'Namespaced',
        shortNames: [`n${short}`],
        categories: KYVERNO,
        versions: celVersions(schema, false),
        columns,
        ...(selectableFields ? { selectableFields } : {}),
      },
    ];
  }),
  {
    group: 'policies.kyverno.io',
    kind: 'PolicyException',
    description: 'PolicyException exempts resources from policies.kyverno.io policies, selected by policy reference and CEL conditions.',
    plural: 'policyexceptions',
    scope: 'Namespaced',
    versions: celVersions(celPolicyException),
    status: null,
  },
  // reports
  {
    group: 'wgpolicyk8s.io',
    kind: 'PolicyReport',
    description: 'PolicyReport holds policy results for resources of its namespace.',
    plural: 'policyreports',
    scope: 'Namespaced',
    shortNames: ['polr'],
    versions: [{ name: 'v1alpha2', storage: true, schema: policyReport }],
    columns: policyReportColumns(),
    status: false,
  },
  {
    group: 'wgpolicyk8s.io',
    kind: 'ClusterPolicyReport',
    description: 'ClusterPolicyReport holds policy results for cluster-scoped resources.',
    plural: 'clusterpolicyreports',
    scope: 'Cluster',
    shortNames: ['cpolr'],
    versions: [{ name: 'v1alpha2', storage: true, schema: policyReport }],
    columns: policyReportColumns(),
    status: false,
  },
  {
    group: 'openreports.io',
    kind: 'Report',
    description: 'Report holds policy results for resources of its namespace (OpenReports).',
    plural: 'reports',
    scope: 'Namespaced',
    shortNames: ['reps'],
    versions: [{ name: 'v1alpha1', storage: true, schema: openReport }],
    columns: policyReportColumns(1),
    status: false,
  },
  {
    group: 'openreports.io',
    kind: 'ClusterReport',
    description: 'ClusterReport holds policy results for cluster-scoped resources (OpenReports).',
    plural: 'clusterreports',
    scope: 'Cluster',
    shortNames: ['creps'],
    versions: [{ name: 'v1alpha1', storage: true, schema: openReport }],
    columns: policyReportColumns(1),
    status: false,
  },
  {
    group: 'reports.kyverno.io',
    kind: 'EphemeralReport',
    description: 'EphemeralReport holds the latest results for one resource of its namespace until they are aggregated into reports.',
    plural: 'ephemeralreports',
    scope: 'Namespaced',
    shortNames: ['ephr'],
    categories: KYVERNO,
    versions: [{ name: 'v1', storage: true, schema: ephemeralReport }],
    columns: ephemeralReportColumns(1),
    status: false,
  },
  {
    group: 'reports.kyverno.io',
    kind: 'ClusterEphemeralReport',
    description: 'ClusterEphemeralReport holds the latest results for one cluster-scoped resource until they are aggregated into reports.',
    plural: 'clusterephemeralreports',
    scope: 'Cluster',
    shortNames: ['cephr'],
    categories: KYVERNO,
    versions: [{ name: 'v1', storage: true, schema: ephemeralReport }],
    columns: ephemeralReportColumns(undefined),
    status: false,
  },
];

function build(spec: CrdSpec): CustomResourceDefinition {
  const singular = spec.kind.toLowerCase();
  const versions: CrdVersion[] = spec.versions.map((v) => {
    const out: CrdVersion = {
      name: v.name,
      served: v.served ?? true,
      storage: v.storage ?? false,
      schema: { openAPIV3Schema: { description: spec.description, ...v.schema() } },
    };
    if (v.deprecated) out.deprecated = true;
    const columns = v.columns ?? spec.columns;
    if (columns) out.additionalPrinterColumns = columns.map((c) => ({ ...c }));
    if (spec.selectableFields) out.selectableFields = spec.selectableFields.map((jsonPath) => ({ jsonPath }));
    if (spec.status !== null) out.subresources = spec.status === false ? {} : { status: {} };
    return out;
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${spec.plural}.${spec.group}` },
    spec: {
      group: spec.group,
      names: {
        ...(spec.categories ? { categories: [...spec.categories] } : {}),
        kind: spec.kind,
        listKind: `${spec.kind}List`,
        plural: spec.plural,
        ...(spec.shortNames ? { shortNames: [...spec.shortNames] } : {}),
        singular,
      },
      scope: spec.scope,
      versions,
    },
  };
}

/** Every CRD the project serves, freshly built (callers may mutate the result). */
export function allCrds(): CustomResourceDefinition[] {
  return specs.map(build);
}

/**
 * The CRDs the Kyverno CLI validates policy documents with (cmd/cli/kubectl-kyverno/data/crds): the
 * policy, exception and cleanup kinds, not reports, update requests or global context entries.
 */
export const CLI_CRD_NAMES: ReadonlySet<string> = new Set([
  'clusterpolicies.kyverno.io',
  'policies.kyverno.io',
  'policyexceptions.kyverno.io',
  'cleanuppolicies.kyverno.io',
  'clustercleanuppolicies.kyverno.io',
  'validatingpolicies.policies.kyverno.io',
  'namespacedvalidatingpolicies.policies.kyverno.io',
  'mutatingpolicies.policies.kyverno.io',
  'namespacedmutatingpolicies.policies.kyverno.io',
  'imagevalidatingpolicies.policies.kyverno.io',
  'namespacedimagevalidatingpolicies.policies.kyverno.io',
  'generatingpolicies.policies.kyverno.io',
  'namespacedgeneratingpolicies.policies.kyverno.io',
  'deletingpolicies.policies.kyverno.io',
  'namespaceddeletingpolicies.policies.kyverno.io',
  'policyexceptions.policies.kyverno.io',
]);

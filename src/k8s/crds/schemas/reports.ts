/**
 * Policy reports: wgpolicyk8s.io/v1alpha2 PolicyReport/ClusterPolicyReport
 * (api/policyreport/v1alpha2), openreports.io/v1alpha1 Report/ClusterReport (openreports/reports-api
 * v0.2.1) and reports.kyverno.io/v1 EphemeralReport/ClusterEphemeralReport (api/reports/v1). All share
 * the result entry and the summary.
 */
import type { JSONSchemaProps } from '../types.ts';
import { arr, bool, int, obj, oneOfStrings, str, stringMap } from './builders.ts';
import { labelSelector, objectReference, ownerReference, resourceRoot, timestamp } from './meta.ts';

/** PolicyResult values. */
export const RESULT_VALUES = ['pass', 'fail', 'warn', 'error', 'skip'] as const;
/** PolicySeverity values. */
export const SEVERITY_VALUES = ['critical', 'high', 'low', 'medium', 'info'] as const;

/** A report result. */
export const reportResult = (): JSONSchemaProps =>
  obj(
    {
      category: str(),
      message: str(),
      policy: str(),
      properties: stringMap(),
      resourceSelector: labelSelector(),
      resources: arr(objectReference()),
      result: oneOfStrings(RESULT_VALUES),
      rule: str(),
      scored: bool(),
      severity: oneOfStrings(SEVERITY_VALUES),
      source: str(),
      timestamp: timestamp(),
    },
    { required: ['policy'] },
  );

/** PolicyReportSummary. */
export const reportSummary = (): JSONSchemaProps =>
  obj({ error: int(), fail: int(), pass: int(), skip: int(), warn: int() });

const reportFields = (): Record<string, JSONSchemaProps> => ({
  results: arr(reportResult()),
  scope: objectReference(),
  scopeSelector: labelSelector(),
  summary: reportSummary(),
});

/** wgpolicyk8s.io PolicyReport and ClusterPolicyReport. */
export const policyReport = (): JSONSchemaProps => resourceRoot(reportFields());

/** openreports.io Report and ClusterReport. */
export const openReport = (): JSONSchemaProps =>
  resourceRoot({
    ...reportFields(),
    configuration: obj(
      { limits: obj({ maxResults: int(), statusFilter: arr(oneOfStrings(RESULT_VALUES)) }) },
      { required: ['limits'] },
    ),
    source: str(),
  });

/** reports.kyverno.io EphemeralReport and ClusterEphemeralReport. */
export const ephemeralReport = (): JSONSchemaProps =>
  resourceRoot(
    {
      spec: obj(
        { owner: ownerReference(), results: arr(reportResult()), summary: reportSummary() },
        { required: ['owner'] },
      ),
    },
    ['spec'],
  );

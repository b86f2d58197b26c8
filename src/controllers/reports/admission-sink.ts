/**
 * The admission server's `ReportSink` in-cluster: each recorded evaluation goes to the ephemeral
 * reports (bounded, per resource; see ephemeral.ts) and raises the admission events Kyverno raises for
 * allowed requests (`kyverno-admission`; blocked requests are reported by the server itself with
 * `admissionEvents(responses, true)`).
 *
 * Example: `new AdmissionServer({ ..., reports: new AdmissionReportSink(ephemeralSink, recorder) })`.
 */
import type { AdmissionReportRecord, ReportSink } from '../../server/admission/reports.ts';
import { admissionEvents } from '../events/events.ts';
import type { EventSink } from '../events/info.ts';
import type { EphemeralReportSink } from './ephemeral.ts';

export class AdmissionReportSink implements ReportSink {
  constructor(
    private readonly reports: EphemeralReportSink | undefined,
    private readonly events: EventSink | undefined,
  ) {}

  submit(record: AdmissionReportRecord): void {
    this.reports?.submit(record);
    if (this.events) {
      // mutations raise their events too (Kyverno's mutation handler: PolicyApplied "Resource Mutated"
      // on the policy, violations on failure)
      const responses = record.source === 'mutation' ? record.responses.filter((r) => r.response.policyResponse.rules.length > 0) : record.responses;
      this.events.add(...admissionEvents(responses.map((r) => r.response), false));
    }
  }
}

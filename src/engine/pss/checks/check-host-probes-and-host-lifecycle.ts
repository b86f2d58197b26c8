/**
 * Probe and lifecycle hosts.
 *
 * HTTP and TCP probes and lifecycle hooks may not target another host than the pod itself.
 *
 * Restricted Fields (for containers and initContainers alike; ephemeral containers too):
 *   spec.containers[*].livenessProbe.httpGet.host
 *   spec.containers[*].readinessProbe.httpGet.host
 *   spec.containers[*].startupProbe.httpGet.host
 *   spec.containers[*].livenessProbe.tcpSocket.host
 *   spec.containers[*].readinessProbe.tcpSocket.host
 *   spec.containers[*].startupProbe.tcpSocket.host
 *   spec.containers[*].lifecycle.postStart.httpGet.host
 *   spec.containers[*].lifecycle.preStop.httpGet.host
 *   spec.containers[*].lifecycle.postStart.tcpSocket.host (deprecated handler, still checked)
 *   spec.containers[*].lifecycle.preStop.tcpSocket.host (deprecated handler, still checked)
 *
 * Allowed Values: "", unset
 *
 * Baseline level, from v1.34. This check reports no field errors (upstream leaves ErrList nil).
 */
import { majorMinor } from '../api.ts';
import { ALLOWED, deny, joinQuote, nameOf, pluralize, sortedSet, visitContainers } from '../check.ts';
import type { Check, CheckResult } from '../check.ts';
import type { HandlerView, PodMeta, PodSpecView } from '../pod.ts';

/** Pushes the non-empty hosts of a probe or handler; returns true when there was one. */
function collectHosts(h: HandlerView | undefined, out: string[]): boolean {
  if (h === undefined) return false;
  let found = false;
  const httpHost = h.httpGet?.host;
  if (httpHost !== undefined && httpHost !== '') {
    out.push(httpHost);
    found = true;
  }
  const tcpHost = h.tcpSocket?.host;
  if (tcpHost !== undefined && tcpHost !== '') {
    out.push(tcpHost);
    found = true;
  }
  return found;
}

function hostProbesAndHostLifecycleV1Dot34(_meta: PodMeta, spec: PodSpecView): CheckResult {
  const badContainers: string[] = [];
  const hosts: string[] = [];
  visitContainers(spec, (c) => {
    let bad = collectHosts(c.livenessProbe, hosts);
    bad = collectHosts(c.readinessProbe, hosts) || bad;
    bad = collectHosts(c.startupProbe, hosts) || bad;
    if (c.lifecycle !== undefined) {
      bad = collectHosts(c.lifecycle.postStart, hosts) || bad;
      bad = collectHosts(c.lifecycle.preStop, hosts) || bad;
    }
    if (bad) badContainers.push(nameOf(c));
  });
  if (badContainers.length === 0) return ALLOWED;
  const names = sortedSet(badContainers);
  const hostList = sortedSet(hosts);
  return deny(
    'probe or lifecycle host',
    `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hostList.length)} ${joinQuote(hostList)}`,
    null,
  );
}

export const checkHostProbesAndHostLifecycle: Check = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(1, 34), checkPod: hostProbesAndHostLifecycleV1Dot34 }],
};

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../engine/api/json.ts';
import { desiredCelStatus } from './cel-status.ts';

const NOW = new Date('2026-01-02T03:04:05.678Z');
const EARLIER = '2025-12-31T00:00:00Z';

const mpol = (spec: JsonObject = {}, status?: JsonObject): JsonObject => ({
  apiVersion: 'policies.kyverno.io/v1beta1',
  kind: 'MutatingPolicy',
  metadata: { name: 'add-labels' },
  spec,
  ...(status ? { status } : {}),
});

const conds = (s: JsonObject): string[] =>
  ((s['conditionStatus'] as JsonObject)['conditions'] as JsonObject[]).map((c) => `${String(c['type'])}=${String(c['status'])}/${String(c['reason'])}/${String(c['message'])}@${String(c['lastTransitionTime'])}`);

test('CEL policy status: conditions and ready as Kyverno writes them', () => {
  const cases: Array<{ name: string; policy: JsonObject; registered: ReadonlySet<string> | undefined; conditions: string[]; ready: boolean }> = [
    {
      name: 'registered',
      policy: mpol(),
      registered: new Set(['MutatingPolicy/add-labels']),
      conditions: ['WebhookConfigured=True/Succeeded/Webhook configured.@2026-01-02T03:04:05Z', 'RBACPermissionsGranted=True/Succeeded/Policy is ready for reporting.@2026-01-02T03:04:05Z'],
      ready: true,
    },
    {
      name: 'not registered',
      policy: mpol(),
      registered: new Set(),
      conditions: ['WebhookConfigured=False/Failed/Policy is not configured in the webhook.@2026-01-02T03:04:05Z', 'RBACPermissionsGranted=True/Succeeded/Policy is ready for reporting.@2026-01-02T03:04:05Z'],
      ready: false,
    },
    {
      name: 'webhooks not built yet: no webhook condition',
      policy: mpol(),
      registered: undefined,
      conditions: ['RBACPermissionsGranted=True/Succeeded/Policy is ready for reporting.@2026-01-02T03:04:05Z'],
      ready: true,
    },
    {
      name: 'admission disabled, background disabled',
      policy: mpol({ admission: { enabled: false }, background: { enabled: false } }),
      registered: new Set(),
      conditions: ['RBACPermissionsGranted=True/Succeeded/Background scanning disabled; reporting permissions not required.@2026-01-02T03:04:05Z'],
      ready: true,
    },
    {
      name: 'unchanged condition keeps its transition time',
      policy: mpol({}, { conditionStatus: { conditions: [{ type: 'WebhookConfigured', status: 'True', reason: 'Succeeded', message: 'Webhook configured.', lastTransitionTime: EARLIER }] } }),
      registered: new Set(['MutatingPolicy/add-labels']),
      conditions: [`WebhookConfigured=True/Succeeded/Webhook configured.@${EARLIER}`, 'RBACPermissionsGranted=True/Succeeded/Policy is ready for reporting.@2026-01-02T03:04:05Z'],
      ready: true,
    },
  ];
  for (const c of cases) {
    const s = desiredCelStatus(c.policy, c.registered, NOW);
    assert.deepEqual(conds(s), c.conditions, c.name);
    assert.equal((s['conditionStatus'] as JsonObject)['ready'], c.ready, c.name);
  }
  assert.equal(desiredCelStatus(mpol({}, { generated: true }), undefined, NOW)['generated'], true, 'generated is kept');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CHECKS } from './checks/index.ts';
import { CONTROL_NAME_TO_IDS, controlCheckIds, controlNameOf } from './controls.ts';

test('every control maps onto known check IDs (pkg/pss/utils/mapping.go)', () => {
  const ids = new Set(DEFAULT_CHECKS.map((c) => c.id));
  for (const [name, list] of Object.entries(CONTROL_NAME_TO_IDS)) {
    for (const id of list) assert.ok(ids.has(id), `${name}: ${id}`);
  }
});

test('control name <-> check IDs', () => {
  assert.deepEqual(controlCheckIds('Capabilities'), ['capabilities_baseline', 'capabilities_restricted']);
  assert.deepEqual(controlCheckIds('Seccomp'), ['seccompProfile_baseline', 'seccompProfile_restricted']);
  assert.deepEqual(controlCheckIds('Running as Non-root user'), ['runAsUser']);
  assert.deepEqual(controlCheckIds('toString'), []);
  assert.equal(controlNameOf('capabilities_restricted'), 'Capabilities');
  assert.equal(controlNameOf('restrictedVolumes'), 'Volume Types');
  assert.equal(controlNameOf('procMount'), '/proc Mount Type');
  assert.equal(controlNameOf('hostProbesAndHostLifecycle'), '');
});

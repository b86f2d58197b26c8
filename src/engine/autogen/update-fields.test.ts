import { test } from 'node:test';
import assert from 'node:assert/strict';
import { updateFields, updateFieldsText } from './update-fields.ts';
import type { UpdateFieldsKind } from './update-fields.ts';
import type { JsonValue } from '../api/json.ts';

// Kyverno pkg/autogen/v1/autogen_test.go TestUpdateGenRuleByte / TestUpdateCELFields.
const kyvernoCases: Array<{ input: string; kind: UpdateFieldsKind; cel: boolean; want: string }> = [
  { input: 'request.object.spec', kind: 'Pod', cel: false, want: 'request.object.spec.template.spec' },
  { input: 'request.oldObject.spec', kind: 'Pod', cel: false, want: 'request.oldObject.spec.template.spec' },
  { input: 'request.object.spec', kind: 'Cronjob', cel: false, want: 'request.object.spec.jobTemplate.spec.template.spec' },
  { input: 'request.oldObject.spec', kind: 'Cronjob', cel: false, want: 'request.oldObject.spec.jobTemplate.spec.template.spec' },
  { input: 'request.object.metadata', kind: 'Pod', cel: false, want: 'request.object.spec.template.metadata' },
  { input: 'object.spec', kind: 'Pod', cel: true, want: 'object.spec.template.spec' },
  { input: 'oldObject.spec', kind: 'Pod', cel: true, want: 'oldObject.spec.template.spec' },
  { input: 'object.spec', kind: 'Cronjob', cel: true, want: 'object.spec.jobTemplate.spec.template.spec' },
  { input: 'oldObject.spec', kind: 'Cronjob', cel: true, want: 'oldObject.spec.jobTemplate.spec.template.spec' },
  { input: 'object.metadata', kind: 'Pod', cel: true, want: 'object.spec.template.metadata' },
];

for (const c of kyvernoCases) {
  test(`updateFieldsText ${c.kind}${c.cel ? ' cel' : ''}: ${c.input}`, () => {
    assert.equal(updateFieldsText(c.input, c.kind, c.cel), c.want);
    assert.equal(updateFields(c.input, c.kind, c.cel), c.want);
  });
}

// Expected values: Kyverno's updateFields run in Go over json.Marshal of the input, then decoded.
const quirks: Array<{ name: string; input: JsonValue; pod: JsonValue; podCel: JsonValue; cron: JsonValue; cronCel: JsonValue }> = [
  {
    name: 'substring match inside a longer field name',
    input: '{{request.object.specimen}}',
    pod: '{{request.object.spec.template.specimen}}',
    podCel: '{{request.object.spec.template.specimen}}',
    cron: '{{request.object.spec.jobTemplate.spec.template.specimen}}',
    cronCel: '{{request.object.spec.jobTemplate.spec.template.specimen}}',
  },
  {
    name: 'metadata, oldObject spec and metadata in one string',
    input: '{{ request.object.metadata.labels.app }} / {{request.oldObject.spec.containers}} / {{request.oldObject.metadata.name}}',
    pod: '{{ request.object.spec.template.metadata.labels.app }} / {{request.oldObject.spec.template.spec.containers}} / {{request.oldObject.spec.template.metadata.name}}',
    podCel: '{{ request.object.spec.template.metadata.labels.app }} / {{request.oldObject.spec.template.spec.containers}} / {{request.oldObject.spec.template.metadata.name}}',
    cron: '{{ request.object.spec.jobTemplate.spec.template.metadata.labels.app }} / {{request.oldObject.spec.jobTemplate.spec.template.spec.containers}} / {{request.oldObject.spec.jobTemplate.spec.template.metadata.name}}',
    cronCel: '{{ request.object.spec.jobTemplate.spec.template.metadata.labels.app }} / {{request.oldObject.spec.jobTemplate.spec.template.spec.containers}} / {{request.oldObject.spec.jobTemplate.spec.template.metadata.name}}',
  },
  {
    name: 'CEL forms, including request.object and any *object.spec',
    input: 'object.spec.containers.all(c, has(c.x)) && oldObject.metadata.name == request.object.metadata.name && myobject.spec',
    pod: 'object.spec.containers.all(c, has(c.x)) && oldObject.metadata.name == request.object.spec.template.metadata.name && myobject.spec',
    podCel: 'object.spec.template.spec.containers.all(c, has(c.x)) && oldObject.spec.template.metadata.name == request.object.spec.template.metadata.name && myobject.spec.template.spec',
    cron: 'object.spec.containers.all(c, has(c.x)) && oldObject.metadata.name == request.object.spec.jobTemplate.spec.template.metadata.name && myobject.spec',
    cronCel: 'object.spec.jobTemplate.spec.template.spec.containers.all(c, has(c.x)) && oldObject.spec.jobTemplate.spec.template.metadata.name == request.object.spec.jobTemplate.spec.template.metadata.name && myobject.spec.jobTemplate.spec.template.spec',
  },
  {
    name: 'a carriage return is escaped as \\r and joins the match',
    input: 'a\request.object.spec',
    pod: 'a\request.object.spec.template.spec',
    podCel: 'a\request.object.spec.template.spec',
    cron: 'a\request.object.spec.jobTemplate.spec.template.spec',
    cronCel: 'a\request.object.spec.jobTemplate.spec.template.spec',
  },
  {
    name: 'HTML-escaped characters around a match',
    input: '<request.object.spec>&',
    pod: '<request.object.spec.template.spec>&',
    podCel: '<request.object.spec.template.spec>&',
    cron: '<request.object.spec.jobTemplate.spec.template.spec>&',
    cronCel: '<request.object.spec.jobTemplate.spec.template.spec>&',
  },
  {
    name: 'keys are rewritten too, other scalars untouched',
    input: { 'request.object.metadata.name': 'x', k: ['request.object.spec.a', 1.5, true, null] },
    pod: { 'request.object.spec.template.metadata.name': 'x', k: ['request.object.spec.template.spec.a', 1.5, true, null] },
    podCel: { 'request.object.spec.template.metadata.name': 'x', k: ['request.object.spec.template.spec.a', 1.5, true, null] },
    cron: {
      'request.object.spec.jobTemplate.spec.template.metadata.name': 'x',
      k: ['request.object.spec.jobTemplate.spec.template.spec.a', 1.5, true, null],
    },
    cronCel: {
      'request.object.spec.jobTemplate.spec.template.metadata.name': 'x',
      k: ['request.object.spec.jobTemplate.spec.template.spec.a', 1.5, true, null],
    },
  },
  {
    name: 'already nested paths are nested again',
    input: 'request.object.spec.template.spec',
    pod: 'request.object.spec.template.spec.template.spec',
    podCel: 'request.object.spec.template.spec.template.spec',
    cron: 'request.object.spec.jobTemplate.spec.template.spec.template.spec',
    cronCel: 'request.object.spec.jobTemplate.spec.template.spec.template.spec',
  },
  {
    name: 'other fields untouched',
    input: 'request.object.status',
    pod: 'request.object.status',
    podCel: 'request.object.status',
    cron: 'request.object.status',
    cronCel: 'request.object.status',
  },
  {
    name: 'tab before a match',
    input: 'tab\trequest.object.spec',
    pod: 'tab\trequest.object.spec.template.spec',
    podCel: 'tab\trequest.object.spec.template.spec',
    cron: 'tab\trequest.object.spec.jobTemplate.spec.template.spec',
    cronCel: 'tab\trequest.object.spec.jobTemplate.spec.template.spec',
  },
];

for (const c of quirks) {
  test(`updateFields: ${c.name}`, () => {
    assert.deepEqual(updateFields(c.input, 'Pod', false), c.pod);
    assert.deepEqual(updateFields(c.input, 'Pod', true), c.podCel);
    assert.deepEqual(updateFields(c.input, 'Cronjob', false), c.cron);
    assert.deepEqual(updateFields(c.input, 'Cronjob', true), c.cronCel);
  });
}

test('updateFields does not modify its input', () => {
  const input = { a: ['request.object.spec'] };
  updateFields(input, 'Pod', false);
  assert.deepEqual(input, { a: ['request.object.spec'] });
});

test('updateFields encodes invalid bytes (lone surrogates) as U+FFFD', () => {
  assert.equal(updateFields('a\udce9b', 'Pod', false), 'a\ufffdb');
});

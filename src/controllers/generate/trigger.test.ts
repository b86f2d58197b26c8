/**
 * The trigger of a generate UpdateRequest taken from its admission request (trigger.ts, Kyverno's
 * `GetTrigger` / `ExtractResources`): a subresource's object (PodExecOptions of `kubectl exec`) gets the
 * request's kind and namespace, which the generated resources' trigger labels carry.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import type { KubeApi } from '../../k8s/client/types.ts';
import { getTrigger, requestResources } from './trigger.ts';
import type { UpdateRequestSpec } from './update-request.ts';

const execRequest = {
  uid: 'u1',
  kind: { group: '', version: 'v1', kind: 'PodExecOptions' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  subResource: 'exec',
  name: 'nginx',
  namespace: 'test-generate-exec',
  operation: 'CONNECT',
  object: { kind: 'PodExecOptions', apiVersion: 'v1', stdin: true, stdout: true, tty: true, container: 'nginx', command: ['ls'] },
};

describe('generate trigger from the admission request', () => {
  test('ExtractResources: a PodExecOptions object gets the request namespace and kind', () => {
    const { newResource, oldResource } = requestResources(execRequest);
    assert.equal(oldResource, undefined);
    assert.deepEqual(newResource?.['metadata'], { namespace: 'test-generate-exec' });
    assert.equal(newResource?.['kind'], 'PodExecOptions');
    assert.equal(newResource?.['apiVersion'], 'v1');
    assert.equal((execRequest.object as Record<string, unknown>)['metadata'], undefined, 'the stored request is not changed');
  });

  test('ExtractResources: a Namespace object keeps no namespace; other objects keep theirs when the request has none', () => {
    const ns = requestResources({ kind: { group: '', version: 'v1', kind: 'Namespace' }, namespace: '', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } } });
    assert.deepEqual(ns.newResource?.['metadata'], { name: 'a' });
    const cm = requestResources({ kind: { group: '', version: 'v1', kind: 'ConfigMap' }, namespace: '', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } } });
    assert.deepEqual(cm.newResource?.['metadata'], { name: 'c', namespace: 'x' });
  });

  test('GetTrigger for CONNECT: the converted request object, without an API call', async () => {
    const spec = {
      requestType: 'generate',
      policy: 'zk-kafka-address',
      rule: '',
      deleteDownstream: false,
      resource: {},
      ruleContext: [{ rule: 'k-kafka-address', trigger: { apiVersion: 'v1', kind: 'PodExecOptions', namespace: 'test-generate-exec', name: 'nginx' }, deleteDownstream: false }],
      context: { userInfo: {}, admissionRequestInfo: { admissionRequest: execRequest, operation: 'CONNECT' } },
    } as unknown as UpdateRequestSpec;
    const api = new Proxy({}, { get: () => () => assert.fail('no API call expected') }) as unknown as KubeApi;
    const trigger = await getTrigger(api, spec, 0);
    assert.equal((trigger?.['metadata'] as Record<string, unknown>)['namespace'], 'test-generate-exec');
    assert.equal(trigger?.['kind'], 'PodExecOptions');
  });
});

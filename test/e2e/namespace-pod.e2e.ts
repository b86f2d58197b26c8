/**
 * Namespaces and pods through the whole API server chain: built-in admission (ServiceAccount,
 * DefaultTolerationSeconds) mutates the pod, kube-controller-manager provides the default service
 * account and finalizes the namespace on deletion. No node runs, so pods stay Pending.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';

import { eventually, kubeConfig, uniqueName } from './cluster.ts';

const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

describe('namespace and pod', () => {
  test('create a namespace and a pod, read it back mutated by admission, delete the namespace', async () => {
    const core = kubeConfig().makeApiClient(CoreV1Api);
    const ns = uniqueName('e2e-pod');
    const created = await core.createNamespace({ body: { metadata: { name: ns, labels: { 'e2e.kyverno-ts.io/suite': 'namespace-pod' } } } });
    assert.equal(created.status?.phase, 'Active');
    assert.equal(created.metadata?.labels?.['kubernetes.io/metadata.name'], ns, 'NamespaceLifecycle labels the namespace');

    // The ServiceAccount admission plugin rejects pods until the service-account controller made `default`.
    await eventually('serviceaccount default', async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace: ns })).metadata?.name);

    const pod: V1Pod = {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { containers: [{ name: 'pause', image: PAUSE_IMAGE }] },
    };
    const made = await core.createNamespacedPod({ namespace: ns, body: pod });
    assert.equal(made.metadata?.namespace, ns);
    assert.ok(made.metadata?.uid, 'has a uid');

    const read = await core.readNamespacedPod({ name: 'web', namespace: ns });
    assert.equal(read.spec?.serviceAccountName, 'default', 'ServiceAccount admission set the service account');
    assert.ok(
      read.spec?.volumes?.some((v) => v.name.startsWith('kube-api-access-') && v.projected !== undefined),
      'ServiceAccount admission added the projected token volume',
    );
    assert.deepEqual(
      read.spec?.tolerations?.map((t) => `${t.key}:${t.effect}:${t.tolerationSeconds}`).sort(),
      ['node.kubernetes.io/not-ready:NoExecute:300', 'node.kubernetes.io/unreachable:NoExecute:300'],
      'DefaultTolerationSeconds added its tolerations',
    );
    assert.equal(read.status?.phase, 'Pending');

    const list = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
    assert.deepEqual(list.items.map((p) => p.metadata?.name), ['web']);

    await core.deleteNamespace({ name: ns });
    await eventually(
      `namespace ${ns} to be finalized by the namespace controller`,
      async () => {
        try {
          await core.readNamespace({ name: ns });
          return undefined;
        } catch (e) {
          return (e as { code?: number }).code === 404 ? true : undefined;
        }
      },
      60_000,
    );
  });

  test('a pod in a namespace that does not exist is rejected', async () => {
    const core = kubeConfig().makeApiClient(CoreV1Api);
    await assert.rejects(
      core.createNamespacedPod({ namespace: uniqueName('e2e-missing'), body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: PAUSE_IMAGE }] } } }),
      (e: { code?: number }) => e.code === 404,
    );
  });
});

/**
 * CustomResourceDefinitions: the apiextensions server establishes a CRD, then serves, validates and
 * prunes its custom resources (as it will for Kyverno's policy CRDs).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { ApiextensionsV1Api, CustomObjectsApi, type V1CustomResourceDefinition } from '@kubernetes/client-node';

import { eventually, kubeConfig } from './cluster.ts';

const GROUP = 'e2e.kyverno-ts.io';
const PLURAL = 'widgets';
const CRD_NAME = `${PLURAL}.${GROUP}`;

const crd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: CRD_NAME },
  spec: {
    group: GROUP,
    scope: 'Cluster',
    names: { plural: PLURAL, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1 },
                  color: { type: 'string', _enum: ['red', 'blue'] }, // client-node names the schema's `enum` `_enum`
                },
              },
            },
          },
        },
      },
    ],
  },
};

describe('custom resource definition', () => {
  test('apply a CRD, wait until Established, then create, validate, prune and delete custom resources', async () => {
    const ext = kubeConfig().makeApiClient(ApiextensionsV1Api);
    const objects = kubeConfig().makeApiClient(CustomObjectsApi);
    await ext.createCustomResourceDefinition({ body: crd });
    try {
      const established = await eventually('the CRD to be Established', async () => {
        const c = await ext.readCustomResourceDefinition({ name: CRD_NAME });
        return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? c : undefined;
      });
      assert.equal(established.status?.acceptedNames?.kind, 'Widget');

      // The first requests after Established may still race the new discovery/handler; retry on 404.
      const made = (await eventually('the widgets endpoint', async () =>
        objects.createClusterCustomObject({
          group: GROUP,
          version: 'v1',
          plural: PLURAL,
          body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'small' }, spec: { size: 2, color: 'red', unknownField: 'dropped' } },
        }),
      )) as { metadata: { name: string; uid?: string }; spec: Record<string, unknown> };
      assert.equal(made.metadata.name, 'small');
      assert.deepEqual(made.spec, { size: 2, color: 'red' }, 'unknown fields are pruned');

      const read = (await objects.getClusterCustomObject({ group: GROUP, version: 'v1', plural: PLURAL, name: 'small' })) as { spec: Record<string, unknown> };
      assert.deepEqual(read.spec, { size: 2, color: 'red' });

      await assert.rejects(
        objects.createClusterCustomObject({
          group: GROUP,
          version: 'v1',
          plural: PLURAL,
          body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 0, color: 'green' } },
        }),
        (e: { code?: number; body?: string }) => {
          assert.equal(e.code, 422);
          assert.match(String(e.body), /spec\.size: Invalid value: 0: spec\.size in body should be greater than or equal to 1/);
          assert.match(String(e.body), /spec\.color: Unsupported value: \\"green\\": supported values: \\"red\\", \\"blue\\"/);
          return true;
        },
      );

      const list = (await objects.listClusterCustomObject({ group: GROUP, version: 'v1', plural: PLURAL })) as { items: { metadata: { name: string } }[] };
      assert.deepEqual(list.items.map((i) => i.metadata.name), ['small']);
    } finally {
      await ext.deleteCustomResourceDefinition({ name: CRD_NAME });
    }
    await eventually(
      'the CRD to be deleted',
      async () => {
        try {
          await ext.readCustomResourceDefinition({ name: CRD_NAME });
          return undefined;
        } catch (e) {
          return (e as { code?: number }).code === 404 ? true : undefined;
        }
      },
      60_000,
    );
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subjectAccessReview } from './access-review.ts';
import type { ApiResource, KubeApi, KubeObject } from './types.ts';

// [case, status the API server answers, allowed]
const table: Array<[string, KubeObject | undefined, boolean]> = [
  ['allowed', { allowed: true }, true],
  ['denied', { allowed: false, reason: 'no RBAC policy matched' }, false],
  ['no status', undefined, false],
];

for (const [name, status, allowed] of table) {
  test(`subjectAccessReview: ${name}`, async () => {
    const sent: Array<[ApiResource, KubeObject]> = [];
    const api = {
      create: async (res: ApiResource, obj: KubeObject) => {
        sent.push([res, obj]);
        return { ...obj, ...(status ? { status } : {}) };
      },
    } as unknown as KubeApi;
    const review = subjectAccessReview(api);
    const attrs = { group: '', version: 'v1', resource: 'serviceaccounts', subresource: '', namespace: 'ns', name: '', verb: 'create' };
    assert.equal(await review('system:serviceaccount:kyverno:bg', attrs), allowed);
    assert.equal(sent.length, 1);
    const [res, obj] = sent[0] as [ApiResource, KubeObject];
    assert.equal(`${res.group}/${res.version}/${res.resource}`, 'authorization.k8s.io/v1/subjectaccessreviews');
    // the user alone (no groups), as Kyverno's subject checker asks
    assert.deepEqual(obj['spec'], { user: 'system:serviceaccount:kyverno:bg', resourceAttributes: attrs });
  });
}

test('subjectAccessReview: a failed request rejects', async () => {
  const api = {
    create: async () => {
      throw new Error('forbidden');
    },
  } as unknown as KubeApi;
  await assert.rejects(subjectAccessReview(api)('u', { group: '', version: 'v1', resource: 'pods', subresource: '', namespace: '', name: '', verb: 'get' }), /forbidden/);
});

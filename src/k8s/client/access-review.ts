/**
 * SubjectAccessReviews (authorization.k8s.io/v1): whether a user (a Kyverno service account) may do
 * something, as Kyverno's subject checker asks it (pkg/auth/checker/subject.go): the user only, without
 * groups, one review per verb.
 */
import type { ApiResource, KubeApi } from './types.ts';

/** The resource attributes of a review (`ResourceAttributes`). */
export interface ResourceAttributes {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  verb: string;
}

/** Whether `user` is allowed; rejects when the review cannot be made. */
export type AccessReview = (user: string, attributes: ResourceAttributes) => Promise<boolean>;

const SUBJECT_ACCESS_REVIEWS: ApiResource = {
  group: 'authorization.k8s.io',
  version: 'v1',
  resource: 'subjectaccessreviews',
  kind: 'SubjectAccessReview',
  namespaced: false,
  verbs: ['create'],
  subresources: [],
};

/** Reviews through the API server (the caller needs `create` on subjectaccessreviews). */
export function subjectAccessReview(api: KubeApi): AccessReview {
  return async (user, a) => {
    const review = await api.create(SUBJECT_ACCESS_REVIEWS, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user,
        resourceAttributes: { group: a.group, version: a.version, resource: a.resource, subresource: a.subresource, namespace: a.namespace, name: a.name, verb: a.verb },
      },
    });
    return (review['status'] as { allowed?: boolean } | undefined)?.allowed === true;
  };
}

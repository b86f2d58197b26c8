/**
 * Subjects, roles and "no request info" detection; expected values from Kyverno's CheckSubjects /
 * SliceContains and Go's reflect.DeepEqual on the same inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Subject } from '../api/policy.ts';
import type { RequestUserInfo } from '../api/request.ts';
import { checkRoles, checkSubjects, compileUserInfo, isEmptyRequestInfo, isUserInfoGiven, USER_INFO_REASONS } from './user-info.ts';

export interface SubjectCase {
  name: string;
  subjects: Subject[];
  admissionInfo: RequestUserInfo;
  want: boolean;
}

const saUser = (ns: string, name: string): RequestUserInfo => ({ userInfo: { username: `system:serviceaccount:${ns}:${name}` } });

export const SUBJECT_CASES: SubjectCase[] = [
  { name: 'user exact', subjects: [{ kind: 'User', name: 'alice' }], admissionInfo: { userInfo: { username: 'alice' } }, want: true },
  { name: 'user wildcard', subjects: [{ kind: 'User', name: '*@example.com' }], admissionInfo: { userInfo: { username: 'bob@example.com' } }, want: true },
  { name: 'user mismatch', subjects: [{ kind: 'User', name: 'alice' }], admissionInfo: { userInfo: { username: 'Alice' } }, want: false },
  { name: 'group listed', subjects: [{ kind: 'Group', name: 'devs' }], admissionInfo: { userInfo: { username: 'u', groups: ['ops', 'devs'] } }, want: true },
  { name: 'group wildcard', subjects: [{ kind: 'Group', name: 'system:*' }], admissionInfo: { userInfo: { username: 'u', groups: ['system:authenticated'] } }, want: true },
  { name: 'group is not the username', subjects: [{ kind: 'Group', name: 'alice' }], admissionInfo: { userInfo: { username: 'alice' } }, want: false },
  { name: 'service account', subjects: [{ kind: 'ServiceAccount', namespace: 'kube-system', name: 'replicaset-controller' }], admissionInfo: saUser('kube-system', 'replicaset-controller'), want: true },
  { name: 'service account wildcards', subjects: [{ kind: 'ServiceAccount', namespace: '*', name: 'default' }], admissionInfo: saUser('team-a', 'default'), want: true },
  { name: 'service account other namespace', subjects: [{ kind: 'ServiceAccount', namespace: 'a', name: 'default' }], admissionInfo: saUser('b', 'default'), want: false },
  { name: 'service account without namespace', subjects: [{ kind: 'ServiceAccount', name: 'default' }], admissionInfo: saUser('b', 'default'), want: false },
  { name: 'unknown kind never matches', subjects: [{ kind: 'Robot', name: '*' }], admissionInfo: { userInfo: { username: 'r2' } }, want: false },
  { name: 'one of several', subjects: [{ kind: 'User', name: 'x' }, { kind: 'Group', name: 'g' }], admissionInfo: { userInfo: { username: 'u', groups: ['g'] } }, want: true },
  { name: 'User * matches an empty username', subjects: [{ kind: 'User', name: '*' }], admissionInfo: { roles: ['r'] }, want: true },
];

test('subjects', async (t) => {
  for (const c of SUBJECT_CASES) {
    await t.test(c.name, () => assert.equal(checkSubjects(c.subjects, c.admissionInfo.userInfo), c.want));
  }
});

test('roles: exact intersection', () => {
  assert.equal(checkRoles(['ns:admin', 'ns:dev'], ['ns:dev']), true);
  assert.equal(checkRoles(['ns:*'], ['ns:dev']), false);
  assert.equal(checkRoles(['ns:dev'], []), false);
  assert.equal(checkRoles(['ns:dev'], undefined), false);
});

test('compiled user info: AND of the given lists', () => {
  const m = compileUserInfo({ roles: ['ns:dev'], clusterRoles: ['view'], subjects: [{ kind: 'User', name: 'alice' }] });
  assert.equal(m.present, true);
  assert.equal(m.nonEmpty, true);
  assert.equal(m.check({ roles: ['ns:dev'], clusterRoles: ['view'], userInfo: { username: 'alice' } }), '');
  assert.equal(m.check({ roles: ['ns:ops'], clusterRoles: ['view'], userInfo: { username: 'alice' } }), USER_INFO_REASONS.roles);
  assert.equal(m.check({ roles: ['ns:dev'], userInfo: { username: 'alice' } }), USER_INFO_REASONS.clusterRoles);
  assert.equal(m.check({ roles: ['ns:dev'], clusterRoles: ['view'], userInfo: { username: 'bob' } }), USER_INFO_REASONS.subjects);
  assert.equal(m.check(undefined), USER_INFO_REASONS.roles);
  const empty = compileUserInfo({ roles: [] });
  assert.deepEqual([empty.present, empty.nonEmpty, empty.check(undefined)], [true, false, '']);
  assert.equal(isUserInfoGiven({}), false);
  assert.equal(isUserInfoGiven({ subjects: [] }), true);
  assert.equal(isUserInfoGiven(undefined), false);
});

/** [request info, Go's DeepEqual(info, RequestInfo{})] */
export const EMPTY_REQUEST_INFO_CASES: Array<[RequestUserInfo | undefined, boolean]> = [
  [undefined, true],
  [{}, true],
  [{ userInfo: {} }, true],
  [{ userInfo: { username: '' } }, true],
  [{ roles: [] }, false],
  [{ clusterRoles: ['x'] }, false],
  [{ userInfo: { groups: [] } }, false],
  [{ userInfo: { username: 'u' } }, false],
  [{ userInfo: { uid: 'x' } }, false],
  [{ userInfo: { extra: {} } }, false],
];

test('isEmptyRequestInfo (Go DeepEqual with the zero value)', () => {
  for (const [info, want] of EMPTY_REQUEST_INFO_CASES) assert.equal(isEmptyRequestInfo(info), want, JSON.stringify(info));
});

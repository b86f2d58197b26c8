import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepCopy, type JsonValue } from '../api/json.ts';
import { compilePattern, matchPattern, type PatternResult, patternResultToStatus } from './validate.ts';

type Case = { name: string; pattern: JsonValue; resource: JsonValue; want: PatternResult };

function plain(r: PatternResult): PatternResult {
  return r.ok ? { ok: true } : { ok: false, skip: r.skip, path: r.path, message: r.message };
}

// Expected values: Kyverno v1.19 validate.MatchPattern(resource, pattern) run by a Go program (resource and
// pattern decoded like Kubernetes decodes JSON). `message` is PatternError.Error().
const CASES: Case[] = [
  {
    name: "image tag not latest: pass",
    pattern: {"spec": {"containers": [{"image": "!*:latest"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "nginx:1.2"}]}},
    want: { ok: true },
  },
  {
    name: "image tag not latest: fail at the element",
    pattern: {"spec": {"containers": [{"image": "!*:latest"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "nginx:1.2"}, {"name": "b", "image": "nginx:latest"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/1/image/", message: "resource value 'nginx:latest' does not match '!*:latest' at path /spec/containers/1/image/" },
  },
  {
    name: "missing field vs ?*",
    pattern: {"spec": {"containers": [{"name": "?*", "resources": {"limits": {"memory": "?*"}}}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "x", "resources": {"limits": {}}}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/resources/limits/memory/", message: "resource value '<nil>' does not match '?*' at path /spec/containers/0/resources/limits/memory/" },
  },
  {
    name: "map pattern vs missing map",
    pattern: {"metadata": {"labels": {"team": "?*"}}},
    resource: {"metadata": {"name": "x"}},
    want: { ok: false, skip: false, path: "/metadata/labels/", message: "pattern and resource have different structures. Path: /metadata/labels/. Expected map[string]interface {}, found <nil>" },
  },
  {
    name: "map pattern vs string",
    pattern: {"spec": {"a": {"b": "c"}}},
    resource: {"spec": {"a": "str"}},
    want: { ok: false, skip: false, path: "/spec/a/", message: "pattern and resource have different structures. Path: /spec/a/. Expected map[string]interface {}, found string" },
  },
  {
    name: "map pattern vs number",
    pattern: {"spec": {"a": {"b": "c"}}},
    resource: {"spec": {"a": 3}},
    want: { ok: false, skip: false, path: "/spec/a/", message: "pattern and resource have different structures. Path: /spec/a/. Expected map[string]interface {}, found int64" },
  },
  {
    name: "array pattern vs map",
    pattern: {"spec": {"containers": [{"name": "*"}]}},
    resource: {"spec": {"containers": {"name": "a"}}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "validation rule failed at path /spec/containers/, resource does not satisfy the expected overlay pattern" },
  },
  {
    name: "empty pattern array",
    pattern: {"spec": {"list": []}},
    resource: {"spec": {"list": [1, 2]}},
    want: { ok: false, skip: false, path: "/spec/list/", message: "pattern Array empty" },
  },
  {
    name: "empty resource array passes",
    pattern: {"spec": {"containers": [{"image": "nginx"}]}},
    resource: {"spec": {"containers": []}},
    want: { ok: true },
  },
  {
    name: "scalar element pattern over array",
    pattern: {"spec": {"ports": [">1000"]}},
    resource: {"spec": {"ports": [8080, 80]}},
    want: { ok: false, skip: false, path: "/spec/ports/", message: "resource value '[8080 80]' does not match '>1000' at path /spec/ports/" },
  },
  {
    name: "scalar pattern vs array value",
    pattern: {"spec": {"ports": ">1000"}},
    resource: {"spec": {"ports": [8080, 9090]}},
    want: { ok: true },
  },
  {
    name: "scalar pattern vs empty array value",
    pattern: {"spec": {"ports": "?*"}},
    resource: {"spec": {"ports": []}},
    want: { ok: true },
  },
  {
    name: "nested arrays are positional",
    pattern: {"spec": {"m": [["a"], ["b*"]]}},
    resource: {"spec": {"m": [["a", "a"], ["bc"], ["z"]]}},
    want: { ok: true },
  },
  {
    name: "nested arrays shorter resource",
    pattern: {"spec": {"m": [["a"], ["b"]]}},
    resource: {"spec": {"m": [["a"]]}},
    want: { ok: false, skip: false, path: "", message: "validate Array failed, array length mismatch, resource Array len is 1 and pattern Array len is 2" },
  },
  {
    name: "nested arrays failure",
    pattern: {"spec": {"m": [["a"], ["b"]]}},
    resource: {"spec": {"m": [["a"], ["c"]]}},
    want: { ok: false, skip: false, path: "/spec/m/1/", message: "resource value '[c]' does not match 'b' at path /spec/m/1/" },
  },
  {
    name: "conditional anchor absent -> skip",
    pattern: {"spec": {"(hostNetwork)": true, "containers": [{"name": "x"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: conditional anchor key doesn't exist in the resource" },
  },
  {
    name: "conditional anchor mismatch -> skip",
    pattern: {"metadata": {"(name)": "prod-*"}, "spec": {"replicas": ">1"}},
    resource: {"metadata": {"name": "dev-1"}, "spec": {"replicas": 1}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'dev-1' does not match 'prod-*' at path /metadata/name/" },
  },
  {
    name: "conditional anchor match then fail",
    pattern: {"metadata": {"(name)": "prod-*"}, "spec": {"replicas": ">1"}},
    resource: {"metadata": {"name": "prod-1"}, "spec": {"replicas": 1}},
    want: { ok: false, skip: false, path: "/spec/replicas/", message: "resource value '1' does not match '>1' at path /spec/replicas/" },
  },
  {
    name: "conditional in array of maps: some skip",
    pattern: {"spec": {"containers": [{"(name)": "a*", "image": "nginx*"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "b", "image": "x"}, {"name": "ab", "image": "nginx:1"}]}},
    want: { ok: true },
  },
  {
    name: "conditional in array of maps: failure",
    pattern: {"spec": {"containers": [{"(name)": "a*", "image": "nginx*"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "b", "image": "x"}, {"name": "ab", "image": "busybox"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/1/image/", message: "resource value 'busybox' does not match 'nginx*' at path /spec/containers/1/image/" },
  },
  {
    name: "conditional in array of maps: all skip",
    pattern: {"spec": {"containers": [{"(name)": "a*", "image": "nginx*"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "b", "image": "x"}, {"name": "c", "image": "y"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'b' does not match 'a*' at path /spec/containers/0/name/; conditional anchor mismatch: resource value 'c' does not match 'a*' at path /spec/containers/1/name/" },
  },
  {
    name: "equality anchor absent passes",
    pattern: {"spec": {"=(hostNetwork)": false}},
    resource: {"spec": {}},
    want: { ok: true },
  },
  {
    name: "equality anchor present mismatch",
    pattern: {"spec": {"=(hostNetwork)": false}},
    resource: {"spec": {"hostNetwork": true}},
    want: { ok: false, skip: false, path: "/spec/hostNetwork/", message: "resource value 'true' does not match 'false' at path /spec/hostNetwork/" },
  },
  {
    name: "equality anchor nested maps",
    pattern: {"spec": {"=(securityContext)": {"=(runAsNonRoot)": true}}},
    resource: {"spec": {"securityContext": {"runAsNonRoot": false}}},
    want: { ok: false, skip: false, path: "/spec/securityContext/runAsNonRoot/", message: "resource value 'false' does not match 'true' at path /spec/securityContext/runAsNonRoot/" },
  },
  {
    name: "existence: one element matches",
    pattern: {"spec": {"^(containers)": [{"image": "nginx*"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "busybox"}, {"name": "b", "image": "nginx:1"}]}},
    want: { ok: true },
  },
  {
    name: "existence: none matches",
    pattern: {"spec": {"^(containers)": [{"image": "nginx*"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "busybox"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "existence anchor validation failed at path /spec/containers/" },
  },
  {
    name: "existence: resource not a list",
    pattern: {"spec": {"^(containers)": [{"image": "nginx*"}]}},
    resource: {"spec": {"containers": {"image": "nginx"}}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "invalid resource type map[string]interface {}: Existence ^ () anchor can be used only on list/array type resource" },
  },
  {
    name: "existence: pattern not a list",
    pattern: {"spec": {"^(containers)": {"image": "nginx*"}}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"image": "nginx"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "invalid pattern type map[string]interface {}: Pattern has to be of list to compare against resource" },
  },
  {
    name: "existence: pattern items not maps",
    pattern: {"spec": {"^(containers)": ["nginx*"]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"image": "nginx"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "invalid pattern type []interface {}: Pattern has to be of type map to compare against items in resource" },
  },
  {
    name: "existence: absent passes",
    pattern: {"spec": {"^(volumes)": [{"name": "x"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": []}},
    want: { ok: true },
  },
  {
    name: "existence: two pattern maps",
    pattern: {"spec": {"^(containers)": [{"name": "a"}, {"name": "b"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a"}, {"name": "c"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "existence anchor validation failed at path /spec/containers/" },
  },
  {
    name: "negation present",
    pattern: {"spec": {"X(hostPID)": "null"}},
    resource: {"spec": {"hostPID": false}},
    want: { ok: false, skip: false, path: "/spec/hostPID/", message: "negation anchor matched in resource: /spec/hostPID/ is not allowed" },
  },
  {
    name: "negation present null",
    pattern: {"spec": {"X(hostPID)": "null"}},
    resource: {"spec": {"hostPID": null}},
    want: { ok: false, skip: false, path: "/spec/hostPID/", message: "negation anchor matched in resource: /spec/hostPID/ is not allowed" },
  },
  {
    name: "negation absent",
    pattern: {"spec": {"X(hostPID)": "null", "containers": [{"name": "?*"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a"}]}},
    want: { ok: true },
  },
  {
    name: "negation inside conditional -> skip",
    pattern: {"spec": {"(securityContext)": {"X(privileged)": null}}},
    resource: {"spec": {"securityContext": {"privileged": true}}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: negation anchor matched in resource: /spec/securityContext/privileged/ is not allowed" },
  },
  {
    name: "global anchor mismatch -> skip",
    pattern: {"spec": {"containers": [{"<(image)": "nginx*", "imagePullPolicy": "Always"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "busybox", "imagePullPolicy": "Never"}]}},
    want: { ok: false, skip: true, path: "", message: "global anchor mismatch: resource value 'busybox' does not match 'nginx*' at path /spec/containers/0/image/" },
  },
  {
    name: "global anchor match then fail",
    pattern: {"spec": {"containers": [{"<(image)": "nginx*", "imagePullPolicy": "Always"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "nginx", "imagePullPolicy": "Never"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/imagePullPolicy/", message: "resource value 'Never' does not match 'Always' at path /spec/containers/0/imagePullPolicy/" },
  },
  {
    name: "global anchor absent",
    pattern: {"spec": {"<(priority)": ">1", "replicas": ">1"}},
    resource: {"spec": {"replicas": 1}},
    want: { ok: false, skip: false, path: "/spec/replicas/", message: "resource value '1' does not match '>1' at path /spec/replicas/" },
  },
  {
    name: "global anchors run before plain keys (skip wins)",
    pattern: {"spec": {"<(z)": "yes", "a": "x"}},
    resource: {"spec": {"z": "no", "a": "y"}},
    want: { ok: false, skip: true, path: "", message: "global anchor mismatch: resource value 'no' does not match 'yes' at path /spec/z/" },
  },
  {
    name: "nested-anchor keys run first, reverse order",
    pattern: {"spec": {"b": {"(k)": "v"}, "c": {"=(k)": "v"}, "a": "x"}},
    resource: {"spec": {"a": "y", "b": {"k": "w"}, "c": {"k": "w"}}},
    want: { ok: false, skip: false, path: "/spec/c/k/", message: "resource value 'w' does not match 'v' at path /spec/c/k/" },
  },
  {
    name: "plain keys alphabetical",
    pattern: {"spec": {"b": "1", "a": "2"}},
    resource: {"spec": {"a": "3", "b": "4"}},
    want: { ok: false, skip: false, path: "/spec/a/", message: "resource value '3' does not match '2' at path /spec/a/" },
  },
  {
    name: "star value: present",
    pattern: {"metadata": {"labels": "*"}},
    resource: {"metadata": {"labels": {"a": "b"}}},
    want: { ok: true },
  },
  {
    name: "star value: missing",
    pattern: {"spec": {"containers": [{"image": "*"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "a"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/", message: "/spec/containers/0//image not found" },
  },
  {
    name: "star value: null",
    pattern: {"spec": {"x": "*"}},
    resource: {"spec": {"x": null}},
    want: { ok: false, skip: false, path: "/spec/", message: "/spec//x not found" },
  },
  {
    name: "star value: empty string present",
    pattern: {"spec": {"x": "*"}},
    resource: {"spec": {"x": ""}},
    want: { ok: true },
  },
  {
    name: "missing list fails before anchors are tracked",
    pattern: {"spec": {"containers": [{"(name)": "a", "image": "nginx"}], "replicas": ">5"}},
    resource: {"spec": {"replicas": 1}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "validation rule failed at path /spec/containers/, resource does not satisfy the expected overlay pattern" },
  },
  {
    name: "missing existence anchor key with failure -> error",
    pattern: {"spec": {"^(volumes)": [{"name": "x"}], "replicas": ">5"}},
    resource: {"spec": {"replicas": 1}},
    want: { ok: false, skip: false, path: "", message: "resource value '1' does not match '>5' at path /spec/replicas/" },
  },
  {
    name: "negation anchor key absent does not count as missing",
    pattern: {"spec": {"X(hostPID)": null, "replicas": ">5"}},
    resource: {"spec": {"replicas": 1}},
    want: { ok: false, skip: false, path: "/spec/replicas/", message: "resource value '1' does not match '>5' at path /spec/replicas/" },
  },
  {
    name: "anchor key seen in one map only",
    pattern: {"spec": {"containers": [{"(name)": "a*", "image": "n*"}]}},
    resource: {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [{"image": "x"}, {"name": "ab", "image": "b"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/1/image/", message: "resource value 'b' does not match 'n*' at path /spec/containers/1/image/" },
  },
  {
    name: "labels wildcard key expands",
    pattern: {"metadata": {"labels": {"app.kubernetes.io/*": "?*"}}},
    resource: {"metadata": {"labels": {"app.kubernetes.io/name": ""}}},
    want: { ok: false, skip: false, path: "/metadata/labels/app.kubernetes.io/name/", message: "resource value '' does not match '?*' at path /metadata/labels/app.kubernetes.io/name/" },
  },
  {
    name: "labels wildcard key expands (pass)",
    pattern: {"metadata": {"labels": {"app.kubernetes.io/*": "?*"}}},
    resource: {"metadata": {"labels": {"app.kubernetes.io/name": "web"}}},
    want: { ok: true },
  },
  {
    name: "labels wildcard key without match stays literal",
    pattern: {"metadata": {"labels": {"app.kubernetes.io/*": "?*"}}},
    resource: {"metadata": {"labels": {"team": "a"}}},
    want: { ok: false, skip: false, path: "/metadata/labels/app.kubernetes.io/*/", message: "resource value '<nil>' does not match '?*' at path /metadata/labels/app.kubernetes.io/*/" },
  },
  {
    name: "annotations wildcard with anchors (apparmor style)",
    pattern: {"=(metadata)": {"=(annotations)": {"=(container.apparmor.security.beta.kubernetes.io/*)": "runtime/default | localhost/*"}}},
    resource: {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/c": "unconfined"}}},
    want: { ok: false, skip: false, path: "/metadata/annotations/container.apparmor.security.beta.kubernetes.io/c/", message: "resource value 'unconfined' does not match 'runtime/default | localhost/*' at path /metadata/annotations/container.apparmor.security.beta.kubernetes.io/c/" },
  },
  {
    name: "annotations wildcard with anchors (pass)",
    pattern: {"=(metadata)": {"=(annotations)": {"=(container.apparmor.security.beta.kubernetes.io/*)": "runtime/default | localhost/*"}}},
    resource: {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/c": "localhost/x"}}},
    want: { ok: true },
  },
  {
    name: "non-string label patterns are dropped when the resource has labels",
    pattern: {"metadata": {"labels": {"X(forbidden)": null, "app": "?*"}}},
    resource: {"metadata": {"labels": {"forbidden": "x", "app": "a"}}},
    want: { ok: true },
  },
  {
    name: "non-string label patterns kept when the resource has no labels",
    pattern: {"metadata": {"=(labels)": {"X(forbidden)": null}}},
    resource: {"metadata": {"name": "x"}},
    want: { ok: true },
  },
  {
    name: "metadata expansion persists across array elements",
    pattern: {"items": [{"metadata": {"labels": {"app*": "a*"}}}]},
    resource: {"items": [{"metadata": {"labels": {"app1": "a1"}}}, {"metadata": {"labels": {"app2": "a2"}}}]},
    want: { ok: false, skip: false, path: "/items/1/metadata/labels/app1/", message: "resource value '<nil>' does not match 'a*' at path /items/1/metadata/labels/app1/" },
  },
  {
    name: "message renders int64 and float64 values",
    pattern: {"spec": {"a": "<10", "b": "<1"}},
    resource: {"spec": {"a": 1000000, "b": 1.5}},
    want: { ok: false, skip: false, path: "/spec/a/", message: "resource value '1000000' does not match '<10' at path /spec/a/" },
  },
  {
    name: "message renders a map value",
    pattern: {"spec": {"a": "x"}},
    resource: {"spec": {"a": {"k": [1, "v", null, true]}}},
    want: { ok: false, skip: false, path: "/spec/a/", message: "resource value 'map[k:[1 v <nil> true]]' does not match 'x' at path /spec/a/" },
  },
  {
    name: "message renders number and null patterns",
    pattern: {"spec": {"a": 5, "b": null}},
    resource: {"spec": {"a": 6, "b": "x"}},
    want: { ok: false, skip: false, path: "/spec/a/", message: "resource value '6' does not match '5' at path /spec/a/" },
  },
  {
    name: "quantity and duration patterns",
    pattern: {"spec": {"memory": "<=1Gi", "timeout": "<1m", "cpu": "100m-2"}},
    resource: {"spec": {"memory": "512Mi", "timeout": "30s", "cpu": "500m"}},
    want: { ok: true },
  },
  {
    name: "bool pattern vs string",
    pattern: {"spec": {"a": true}},
    resource: {"spec": {"a": "true"}},
    want: { ok: false, skip: false, path: "/spec/a/", message: "resource value 'true' does not match 'true' at path /spec/a/" },
  },
  {
    name: "string pattern true vs bool",
    pattern: {"spec": {"a": "true"}},
    resource: {"spec": {"a": true}},
    want: { ok: true },
  },
  {
    name: "null pattern matches zero values",
    pattern: {"spec": {"a": null, "b": null, "c": null, "d": null}},
    resource: {"spec": {"a": 0, "b": "", "c": false}},
    want: { ok: true },
  },
  {
    name: "phase one: conditional failure plus non-skip failure",
    pattern: {"spec": {"(a)": "x", "=(b)": "y"}},
    resource: {"spec": {"a": "z", "b": "w"}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'z' does not match 'x' at path /spec/a/" },
  },
  {
    name: "phase one: nested skip plus applied sibling",
    pattern: {"spec": {"=(a)": {"(k)": "v"}, "=(b)": "y"}},
    resource: {"spec": {"a": {"k": "w"}, "b": "y"}},
    want: { ok: true },
  },
  {
    name: "phase one: only nested skips -> skip",
    pattern: {"spec": {"=(a)": {"(k)": "v"}}},
    resource: {"spec": {"a": {"k": "w"}}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'w' does not match 'v' at path /spec/a/k/" },
  },
  {
    name: "root is an array",
    pattern: [{"a": "b"}],
    resource: [{"a": "b"}, {"a": "c"}],
    want: { ok: false, skip: false, path: "/1/a/", message: "resource value 'c' does not match 'b' at path /1/a/" },
  },
  {
    name: "add-if-not-present is a literal key in validate",
    pattern: {"spec": {"+(a)": "x"}},
    resource: {"spec": {"a": "y"}},
    want: { ok: false, skip: false, path: "/spec/+(a)/", message: "resource value '<nil>' does not match 'x' at path /spec/+(a)/" },
  },
  {
    name: "conditional anchor on a map value",
    pattern: {"spec": {"(template)": {"(spec)": {"hostNetwork": true}}, "replicas": ">1"}},
    resource: {"spec": {"template": {"spec": {"hostNetwork": false}}, "replicas": 1}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: conditional anchor mismatch: resource value 'false' does not match 'true' at path /spec/template/spec/hostNetwork/" },
  },
  {
    name: "multiple skip errors are joined",
    pattern: {"spec": {"(a)": "x", "(b)": "y"}},
    resource: {"spec": {"a": "1", "b": "2"}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value '1' does not match 'x' at path /spec/a/; conditional anchor mismatch: resource value '2' does not match 'y' at path /spec/b/" },
  },
];

test('matchPattern matches Kyverno MatchPattern (structure, anchors, order, messages)', () => {
  for (const c of CASES) assert.deepEqual(plain(matchPattern(c.resource, c.pattern)), c.want, c.name);
});

// Pairs of JSON documents from Kyverno's validate_test.go, each used as pattern and as resource.
const KYVERNO_PAIRS: Case[] = [
  {
    name: 'validate_test.go pair 0',
    pattern: {"spec": {"template": {"spec": {"containers": [{"name": "?*", "resources": {"requests": {"cpu": "<4|8"}}}]}}}},
    resource: {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx"}}, "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "nginx", "image": "https://nirmata/nginx:latest", "imagePullPolicy": "Always", "readinessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 10}, "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 15, "periodSeconds": 11}, "resources": {"limits": {"memory": "2Gi", "cpu": 8}, "requests": {"memory": "512Mi", "cpu": "8"}}, "ports": [{"containerPort": 80}]}]}}}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 1',
    pattern: {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "game-web", "labels": {"originalLabel": "isHere"}}, "spec": {"selector": {"matchLabels": {"app": "nginxo"}}, "serviceName": "nginxo", "replicas": 3, "template": {"metadata": {"labels": {"app": "nginxo"}}, "spec": {"terminationGracePeriodSeconds": 10, "containers": [{"name": "nginxo", "image": "registry.k8s.io/nginx-but-no-slim:0.8", "ports": [{"containerPort": 8780, "name": "webp"}], "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginxo/html"}], "livenessProbe": {"periodSeconds": 11}}]}}, "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "my-storage-class", "resources": {"requests": {"storage": "1Gi"}}}}]}},
    resource: {"spec": {"template": {"spec": {"containers": [{"name": "*", "livenessProbe": "*"}]}}}},
    want: { ok: false, skip: false, path: "/apiVersion/", message: "resource value '<nil>' does not match 'apps/v1' at path /apiVersion/" },
  },
  {
    name: 'validate_test.go pair 2',
    pattern: {"spec": {"template": {"spec": {"containers": "*"}}}},
    resource: {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "game-web", "labels": {"originalLabel": "isHere"}}, "spec": {"selector": {"matchLabels": {"app": "nginxo"}}, "serviceName": "nginxo", "replicas": 3, "template": {"metadata": {"labels": {"app": "nginxo"}}, "spec": {"terminationGracePeriodSeconds": 10, "containers": [{"name": "nginxo", "image": "registry.k8s.io/nginx-but-no-slim:0.8", "ports": [{"containerPort": 8780, "name": "webp"}], "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginxo/html"}], "livenessProbe": {"periodSeconds": 11}}]}}, "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "my-storage-class", "resources": {"requests": {"storage": "1Gi"}}}}]}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 3',
    pattern: {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "game-web", "labels": {"originalLabel": "isHere"}}, "spec": {"selector": {"matchLabels": {"app": "nginxo"}}, "serviceName": "nginxo", "replicas": 3, "template": {"metadata": {"labels": {"app": "nginxo"}}, "spec": {"terminationGracePeriodSeconds": 10, "containers": [{"name": "nginxo", "image": "registry.k8s.io/nginx-but-no-slim:0.8", "ports": [{"containerPort": 8780, "name": "webp"}], "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginxo/html"}], "livenessProbe": null}]}}, "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "my-storage-class", "resources": {"requests": {"storage": "1Gi"}}}}]}},
    resource: {"spec": {"template": {"spec": {"containers": [{"name": "*", "livenessProbe": null}]}}}},
    want: { ok: false, skip: false, path: "/apiVersion/", message: "resource value '<nil>' does not match 'apps/v1' at path /apiVersion/" },
  },
  {
    name: 'validate_test.go pair 4',
    pattern: {"spec": {"template": {"spec": {"containers": [{"name": "*", "livenessProbe": null}]}}}},
    resource: {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "game-web", "labels": {"originalLabel": "isHere"}}, "spec": {"selector": {"matchLabels": {"app": "nginxo"}}, "serviceName": "nginxo", "replicas": 3, "template": {"metadata": {"labels": {"app": "nginxo"}}, "spec": {"terminationGracePeriodSeconds": 10, "containers": [{"name": "nginxo", "image": "registry.k8s.io/nginx-but-no-slim:0.8", "ports": [{"containerPort": 8780, "name": "webp"}], "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginxo/html"}]}]}}, "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "my-storage-class", "resources": {"requests": {"storage": "1Gi"}}}}]}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 5',
    pattern: {"list": [{"name": "nirmata-1", "object": [{"key1": "value1", "key2": "value2"}]}, {"name": "nirmata-1", "object": [{"key1": "not_value", "key2": "not_value"}]}]},
    resource: [{"(name)": "nirmata-*", "object": [{"(key1)": "value*", "key2": "value*"}]}],
    want: { ok: false, skip: false, path: "/", message: "pattern and resource have different structures. Path: /. Expected map[string]interface {}, found []interface {}" },
  },
  {
    name: 'validate_test.go pair 6',
    pattern: {"spec": {"containers": [{"name": "*", "resources": {"requests": {"memory": "$(<=./../../limits/memory)"}, "limits": {"memory": "2048Mi"}}}]}},
    resource: {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nirmata", "resources": {"requests": {"memory": "1024Mi"}, "limits": {"memory": "2048Mi"}}}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/resources/requests/memory/", message: "resource value '1024Mi' does not match '$(<=./../../limits/memory)' at path /spec/containers/0/resources/requests/memory/" },
  },
  {
    name: 'validate_test.go pair 7',
    pattern: {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nirmata", "resources": {"requests": {"memory": "1024Mi"}, "limits": {"memory": "2048Mi"}}}]}},
    resource: {"spec": {"containers": [{"name": "*", "resources": {"requests": {"memory": "$()"}, "limits": {"memory": "2048Mi"}}}]}},
    want: { ok: false, skip: false, path: "/apiVersion/", message: "resource value '<nil>' does not match 'apps/v1' at path /apiVersion/" },
  },
  {
    name: 'validate_test.go pair 8',
    pattern: {"spec": {"containers": [{"name": "*", "resources": {"requests": {"memory": "$"}, "limits": {"memory": "2048Mi"}}}]}},
    resource: {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nirmata", "resources": {"requests": {"memory": "1024Mi"}, "limits": {"memory": "2048Mi"}}}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/resources/requests/memory/", message: "resource value '1024Mi' does not match '$' at path /spec/containers/0/resources/requests/memory/" },
  },
  {
    name: 'validate_test.go pair 9',
    pattern: {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nirmata", "resources": {"requests": {"memory": "1024Mi"}, "lim(its": {"mem)ory": "2048Mi"}}}]}},
    resource: {"spec": {"containers": [{"name": "*", "resources": {"requests": {"memory": "$(>2048)"}, "limits": {"memory": "2048Mi"}}}]}},
    want: { ok: false, skip: false, path: "/apiVersion/", message: "resource value '<nil>' does not match 'apps/v1' at path /apiVersion/" },
  },
  {
    name: 'validate_test.go pair 10',
    pattern: {"spec": {"containers": [{"name": "*", "resources": {"requests": {"memory": "$(<=/spec/containers/0/resources/limits/memory)"}, "limits": {"memory": "2048Mi"}}}]}},
    resource: {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nirmata", "resources": {"requests": {"memory": "1024Mi"}, "limits": {"memory": "2048Mi"}}}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/resources/requests/memory/", message: "resource value '1024Mi' does not match '$(<=/spec/containers/0/resources/limits/memory)' at path /spec/containers/0/resources/requests/memory/" },
  },
  {
    name: 'validate_test.go pair 11',
    pattern: {"spec": {"containers": [{"name": "kyverno", "image": "kyverno.io/test:latest"}]}},
    resource: {"metadata": {"labels": {"app": "nirmata*"}}, "spec": {"containers": [{"(name)": "$(/metadata/labels/app)", "image": "nirmata.io*"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value 'nirmata.io*' does not match 'kyverno.io/test:latest' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 12',
    pattern: {"spec": {"containers": [{"name": "*", "resources": {"requests": {"memory": "$(<=/some/memory)"}, "limits": {"memory": "2048Mi"}}}]}},
    resource: {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nirmata", "resources": {"requests": {"memory": "1024Mi"}, "limits": {"memory": "2048Mi"}}}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/resources/requests/memory/", message: "resource value '1024Mi' does not match '$(<=/some/memory)' at path /spec/containers/0/resources/requests/memory/" },
  },
  {
    name: 'validate_test.go pair 13',
    pattern: [{"name": "nirmata-1", "object": [{"key1": "value5", "key2": "1value1"}]}],
    resource: {"metadata": {"annotations": {"test/*": "value1"}}},
    want: { ok: false, skip: false, path: "/", message: "validation rule failed at path /, resource does not satisfy the expected overlay pattern" },
  },
  {
    name: 'validate_test.go pair 14',
    pattern: {"metadata": {"annotations": {"test/b??": "v*"}}},
    resource: {"metadata": {"annotations": {"test/bar": "value1"}}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 15',
    pattern: {"metadata": {"annotations": {"test/bar": "value1"}}},
    resource: {"metadata": {"annotations": {"test/b??": "v*"}}},
    want: { ok: false, skip: false, path: "/metadata/annotations/test/bar/", message: "resource value '<nil>' does not match 'value1' at path /metadata/annotations/test/bar/" },
  },
  {
    name: 'validate_test.go pair 16',
    pattern: {"metadata": {"labels": {"*/test": "foo"}}},
    resource: {"metadata": {"labels": {"foo/test": "foo"}}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 17',
    pattern: {"metadata": {"labels": {"foo/aa?": "bar", "foo/789": "bar"}}},
    resource: {"metadata": {"labels": {"foo/ABC*": "bar"}}},
    want: { ok: false, skip: false, path: "/metadata/labels/foo/789/", message: "resource value '<nil>' does not match 'bar' at path /metadata/labels/foo/789/" },
  },
  {
    name: 'validate_test.go pair 18',
    pattern: {"=(metadata)": {"=(labels)": {"foo/P*": "bar", "foo/Q*": "bar2"}}},
    resource: {"metadata": {"labels": {"foo/PQR": "bar", "foo/QR": "bar2"}}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 19',
    pattern: {"metadata": {"labels": {"foo/123": "bar222"}}},
    resource: {"metadata": {"labels": {"foo/X*": "bar", "foo/A*": "bar2"}}},
    want: { ok: false, skip: false, path: "/metadata/labels/foo/123/", message: "resource value '<nil>' does not match 'bar222' at path /metadata/labels/foo/123/" },
  },
  {
    name: 'validate_test.go pair 20',
    pattern: {"=(metadata)": {"=(labels)": {"foo/1*": "bar", "foo/4*": "bar2"}}},
    resource: {"metadata": {"labels": {"foo/123": "bar"}}},
    want: { ok: false, skip: false, path: "/metadata/labels/foo/4*/", message: "resource value '<nil>' does not match 'bar2' at path /metadata/labels/foo/4*/" },
  },
  {
    name: 'validate_test.go pair 21',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.2.3", "imagePullPolicy": "Always"}]}},
    resource: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'nginx:1.2.3' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 22',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/imagePullPolicy/", message: "resource value 'Always' does not match '!Always' at path /spec/containers/0/imagePullPolicy/" },
  },
  {
    name: 'validate_test.go pair 23',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "imagePullPolicy": "Never"}]}},
    resource: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'nginx' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 24',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.2.3", "imagePullPolicy": "Never"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'nginx:1.2.3' does not match '*:latest | !*:*' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 25',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "imagePullPolicy": "Always"}, {"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}]}},
    resource: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'nginx' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 26',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.2.3", "imagePullPolicy": "Always"}, {"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'nginx:1.2.3' does not match '*:latest | !*:*' at path /spec/containers/0/image/; conditional anchor mismatch: resource value 'busybox:1.28' does not match '*:latest | !*:*' at path /spec/containers/1/image/" },
  },
  {
    name: 'validate_test.go pair 27',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "imagePullPolicy": "Never"}, {"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}]}},
    resource: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'nginx' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 28',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.2.3", "imagePullPolicy": "Never"}, {"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'nginx:1.2.3' does not match '*:latest | !*:*' at path /spec/containers/0/image/; conditional anchor mismatch: resource value 'busybox:1.28' does not match '*:latest | !*:*' at path /spec/containers/1/image/" },
  },
  {
    name: 'validate_test.go pair 29',
    pattern: {"spec": {"containers": [{"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}, {"name": "nginx", "image": "nginx", "imagePullPolicy": "Always"}]}},
    resource: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'busybox:1.28' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 30',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}, {"name": "nginx", "image": "nginx:1.2.3", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'busybox:1.28' does not match '*:latest | !*:*' at path /spec/containers/0/image/; conditional anchor mismatch: resource value 'nginx:1.2.3' does not match '*:latest | !*:*' at path /spec/containers/1/image/" },
  },
  {
    name: 'validate_test.go pair 31',
    pattern: {"spec": {"containers": [{"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}, {"name": "nginx", "image": "nginx", "imagePullPolicy": "Never"}]}},
    resource: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'busybox:1.28' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 32',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}, {"name": "nginx", "image": "nginx:1.2.3", "imagePullPolicy": "Never"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'busybox:1.28' does not match '*:latest | !*:*' at path /spec/containers/0/image/; conditional anchor mismatch: resource value 'nginx:1.2.3' does not match '*:latest | !*:*' at path /spec/containers/1/image/" },
  },
  {
    name: 'validate_test.go pair 33',
    pattern: {"spec": {"containers": [{"name": "busybox", "image": "busybox", "imagePullPolicy": "Always"}, {"name": "nginx", "image": "nginx", "imagePullPolicy": "Always"}]}},
    resource: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'busybox' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 34',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "busybox", "image": "busybox:1.2.3", "imagePullPolicy": "Always"}, {"name": "nginx", "image": "nginx:latest", "imagePullPolicy": "IfNotPresent"}]}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 35',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "imagePullPolicy": "Always"}]}},
    resource: {"spec": {"containers": [{"name": "*", "<(image)": "*:latest", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'nginx:latest' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 36',
    pattern: {"spec": {"containers": [{"name": "*", "<(image)": "*:latest", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/imagePullPolicy/", message: "resource value 'Always' does not match '!Always' at path /spec/containers/0/imagePullPolicy/" },
  },
  {
    name: 'validate_test.go pair 37',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "env": [{"name": "foo1", "value": "bar"}], "imagePullPolicy": "Always"}]}},
    resource: {"spec": {"containers": [{"name": "*", "<(image)": "nginx", "env": [{"<(name)": "foo", "<(value)": "bar"}], "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/env/0/name/", message: "resource value '<nil>' does not match 'foo1' at path /spec/containers/0/env/0/name/" },
  },
  {
    name: 'validate_test.go pair 38',
    pattern: {"spec": {"containers": [{"name": "*", "env": [{"<(name)": "foo", "<(value)": "bar"}], "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "env": [{"name": "foo1", "value": "bar"}], "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: true, path: "", message: "global anchor mismatch: resource value 'foo1' does not match 'foo' at path /spec/containers/0/env/0/name/" },
  },
  {
    name: 'validate_test.go pair 39',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "env": [{"name": "foo", "value": "bar"}], "imagePullPolicy": "IfNotpresent"}]}},
    resource: {"spec": {"containers": [{"name": "*", "env": [{"<(name)": "foo", "<(value)": "bar"}], "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/env/0/name/", message: "resource value '<nil>' does not match 'foo' at path /spec/containers/0/env/0/name/" },
  },
  {
    name: 'validate_test.go pair 40',
    pattern: {"metadata": {"<(name)": "nginx"}, "spec": {"imagePullSecrets": [{"name": "regcred"}]}},
    resource: {"metadata": {"name": "somename"}, "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}], "imagePullSecrets": [{"name": "cred"}]}},
    want: { ok: false, skip: true, path: "", message: "global anchor mismatch: resource value 'somename' does not match 'nginx' at path /metadata/name/" },
  },
  {
    name: 'validate_test.go pair 41',
    pattern: {"metadata": {"name": "nginx"}, "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}], "imagePullSecrets": [{"name": "cred"}]}},
    resource: {"metadata": {"labels": {"<(foo)": "bar"}}, "spec": {"containers": [{"name": "nginx", "image": "!*:latest"}]}},
    want: { ok: false, skip: false, path: "/metadata/name/", message: "resource value '<nil>' does not match 'nginx' at path /metadata/name/" },
  },
  {
    name: 'validate_test.go pair 42',
    pattern: {"metadata": {"labels": {"<(foo)": "bar"}}, "spec": {"containers": [{"name": "nginx", "image": "!*:latest"}]}},
    resource: {"metadata": {"name": "nginx", "labels": {"foo": "bar"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value 'nginx:latest' does not match '!*:latest' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 43',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx"}], "imagePullSecrets": [{"name": "cred"}]}},
    resource: {"spec": {"containers": [{"name": "*", "<(image)": "nginx"}], "imagePullSecrets": [{"name": "my-registry-secret"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'nginx' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 44',
    pattern: {"spec": {"containers": [{"name": "*", "<(image)": "nginx"}], "imagePullSecrets": [{"name": "my-registry-secret"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx"}], "imagePullSecrets": [{"name": "my-registry-secret"}]}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 45',
    pattern: {"metadata": {"labels": {"run": "nginx"}, "name": "nginx"}, "spec": {"containers": [{"image": "nginx", "name": "nginx"}]}},
    resource: {"metadata": {"labels": {"allow-docker": "true"}}, "(spec)": {"(volumes)": [{"(hostPath)": {"path": "/var/run/docker.sock"}}]}},
    want: { ok: false, skip: false, path: "/metadata/labels/run/", message: "resource value '<nil>' does not match 'nginx' at path /metadata/labels/run/" },
  },
  {
    name: 'validate_test.go pair 46',
    pattern: {"metadata": {"labels": {"allow-docker": "true"}}, "(spec)": {"(volumes)": [{"(hostPath)": {"path": "/var/run/docker.sock"}}]}},
    resource: {"metadata": {"labels": {"run": "nginx"}, "name": "nginx"}, "spec": {"containers": [{"image": "nginx", "name": "nginx"}], "volumes": [{"hostPath": {"path": "/randome/value"}}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: conditional anchor mismatch: conditional anchor mismatch: resource value '/randome/value' does not match '/var/run/docker.sock' at path /spec/volumes/0/hostPath/path/" },
  },
  {
    name: 'validate_test.go pair 47',
    pattern: {"metadata": {"labels": {"run": "nginx", "allow-docker": "true"}, "name": "nginx"}, "spec": {"containers": [{"image": "nginx", "name": "nginx"}], "volumes": [{"hostPath": {"path": "/var/run/docker.sock"}}]}},
    resource: {"metadata": {"labels": {"allow-docker": "true"}}, "(spec)": {"(volumes)": [{"(hostPath)": {"path": "/var/run/docker.sock"}}]}},
    want: { ok: false, skip: false, path: "/metadata/labels/run/", message: "resource value '<nil>' does not match 'nginx' at path /metadata/labels/run/" },
  },
  {
    name: 'validate_test.go pair 48',
    pattern: {"metadata": {"labels": {"allow-docker": "true"}}, "(spec)": {"(volumes)": [{"(hostPath)": {"path": "/var/run/docker.sock"}}]}},
    resource: {"metadata": {"labels": {"run": "nginx"}, "name": "nginx"}, "spec": {"containers": [{"image": "nginx", "name": "nginx"}], "volumes": [{"hostPath": {"path": "/var/run/docker.sock"}}]}},
    want: { ok: false, skip: false, path: "/metadata/labels/allow-docker/", message: "resource value '<nil>' does not match 'true' at path /metadata/labels/allow-docker/" },
  },
  {
    name: 'validate_test.go pair 49',
    pattern: {"spec": {"volumes": [{"name": "cache-volume", "emptyDir": {}}]}},
    resource: {"spec": {"=(initContainers)": [{"(name)": "!istio-init", "=(securityContext)": {"=(runAsUser)": ">0"}}], "=(containers)": [{"=(securityContext)": {"=(runAsUser)": ">0"}}]}},
    want: { ok: false, skip: false, path: "/spec/volumes/", message: "validation rule failed at path /spec/volumes/, resource does not satisfy the expected overlay pattern" },
  },
  {
    name: 'validate_test.go pair 50',
    pattern: {"spec": {"=(initContainers)": [{"(name)": "!istio-init", "=(securityContext)": {"=(runAsUser)": ">0"}}], "=(containers)": [{"=(securityContext)": {"=(runAsUser)": ">0"}}]}},
    resource: {"spec": {"initContainers": [{"name": "nginx", "securityContext": {"runAsUser": 0}}], "containers": [{"name": "nginx", "image": "nginx"}]}},
    want: { ok: false, skip: false, path: "/spec/initContainers/0/securityContext/runAsUser/", message: "resource value '0' does not match '>0' at path /spec/initContainers/0/securityContext/runAsUser/" },
  },
  {
    name: 'validate_test.go pair 51',
    pattern: {"spec": {"initContainers": [{"name": "istio-init", "securityContext": {"runAsUser": 0}}], "containers": [{"securityContext": {"runAsUser": 1000}}]}},
    resource: {"spec": {"=(initContainers)": [{"(name)": "!istio-init", "=(securityContext)": {"=(runAsUser)": ">0"}}], "=(containers)": [{"=(securityContext)": {"=(runAsUser)": ">0"}}]}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "validation rule failed at path /spec/containers/, resource does not satisfy the expected overlay pattern" },
  },
  {
    name: 'validate_test.go pair 52',
    pattern: {"spec": {"=(initContainers)": [{"(name)": "!istio-init", "=(securityContext)": {"=(runAsUser)": ">0"}}], "=(containers)": [{"=(securityContext)": {"=(runAsUser)": ">0"}}]}},
    resource: {"spec": {"containers": [{"securityContext": {"runAsUser": 1000}}]}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 53',
    pattern: {"spec": {"containers": [{"securityContext": {"runAsUser": 0}}]}},
    resource: {"spec": {"=(initContainers)": [{"(name)": "!istio-init", "=(securityContext)": {"=(runAsUser)": ">0"}}], "=(containers)": [{"=(securityContext)": {"=(runAsUser)": ">0"}}]}},
    want: { ok: false, skip: false, path: "/spec/containers/", message: "validation rule failed at path /spec/containers/, resource does not satisfy the expected overlay pattern" },
  },
  {
    name: 'validate_test.go pair 54',
    pattern: {"spec": {"=(volumes)": [{"(name)": "!credential-socket&!istio-data&!istio-envoy&!workload-certs&!workload-socket", "=(emptyDir)": {"sizeLimit": "?*"}}]}},
    resource: {"spec": {"volumes": [{"name": "credential-socket", "emptyDir": {"sizeLimit": "1Gi"}}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'credential-socket' does not match '!credential-socket&!istio-data&!istio-envoy&!workload-certs&!workload-socket' at path /spec/volumes/0/name/" },
  },
  {
    name: 'validate_test.go pair 55',
    pattern: {"spec": {"volumes": [{"name": "cache-volume", "emptyDir": {"sizeLimit": "1Gi"}}]}},
    resource: {"spec": {"=(volumes)": [{"(name)": "!credential-socket&!istio-data&!istio-envoy&!workload-certs&!workload-socket", "=(emptyDir)": {"sizeLimit": "?*"}}]}},
    want: { ok: false, skip: false, path: "/spec/volumes/", message: "validation rule failed at path /spec/volumes/, resource does not satisfy the expected overlay pattern" },
  },
  {
    name: 'validate_test.go pair 56',
    pattern: {"spec": {"=(volumes)": [{"(name)": "!credential-socket&!istio-data&!istio-envoy&!workload-certs&!workload-socket", "=(emptyDir)": {"sizeLimit": "?*"}}]}},
    resource: {"spec": {"volumes": [{"name": "cache-volume", "emptyDir": {}}]}},
    want: { ok: false, skip: false, path: "/spec/volumes/0/emptyDir/sizeLimit/", message: "resource value '<nil>' does not match '?*' at path /spec/volumes/0/emptyDir/sizeLimit/" },
  },
  {
    name: 'validate_test.go pair 57',
    pattern: {"spec": {"containers": [{"name": "nginx", "image": "nginx:v1", "imagePullPolicy": "Always"}]}},
    resource: {"spec": {"containers": [{"name": "*", "<(image)": "*:latest", "imagePullPolicy": "!Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/image/", message: "resource value '<nil>' does not match 'nginx:v1' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 58',
    pattern: {"spec": {"containers": [{"name": "*", "<(image)": "*:latest", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "imagePullPolicy": "IfNotPresent"}]}},
    want: { ok: true },
  },
  {
    name: 'validate_test.go pair 59',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.2.3", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'nginx:1.2.3' does not match '*:latest | !*:*' at path /spec/containers/0/image/" },
  },
  {
    name: 'validate_test.go pair 60',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "imagePullPolicy": "Always"}, {"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/imagePullPolicy/", message: "resource value 'Always' does not match '!Always' at path /spec/containers/0/imagePullPolicy/" },
  },
  {
    name: 'validate_test.go pair 61',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "busybox", "image": "busybox:1.28", "imagePullPolicy": "Always"}, {"name": "nginx", "image": "nginx", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/1/imagePullPolicy/", message: "resource value 'Always' does not match '!Always' at path /spec/containers/1/imagePullPolicy/" },
  },
  {
    name: 'validate_test.go pair 62',
    pattern: {"spec": {"containers": [{"name": "*", "(image)": "*:latest | !*:*", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "busybox", "image": "busybox", "imagePullPolicy": "Always"}, {"name": "nginx", "image": "nginx", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/imagePullPolicy/", message: "resource value 'Always' does not match '!Always' at path /spec/containers/0/imagePullPolicy/" },
  },
  {
    name: 'validate_test.go pair 63',
    pattern: {"spec": {"containers": [{"name": "*", "<(image)": "nginx", "env": [{"<(name)": "foo", "<(value)": "bar"}], "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx", "env": [{"name": "foo1", "value": "bar"}], "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: true, path: "", message: "global anchor mismatch: resource value 'foo1' does not match 'foo' at path /spec/containers/0/env/0/name/" },
  },
  {
    name: 'validate_test.go pair 64',
    pattern: {"metadata": {"<(name)": "nginx"}, "spec": {"imagePullSecrets": [{"name": "regcred"}]}},
    resource: {"metadata": {"name": "nginx"}, "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}], "imagePullSecrets": [{"name": "cred"}]}},
    want: { ok: false, skip: false, path: "/spec/imagePullSecrets/0/name/", message: "resource value 'cred' does not match 'regcred' at path /spec/imagePullSecrets/0/name/" },
  },
  {
    name: 'validate_test.go pair 65',
    pattern: {"metadata": {"labels": {"allow-docker": "true"}}, "(spec)": {"(volumes)": [{"(hostPath)": {"path": "/var/run/docker.sock"}}]}},
    resource: {"metadata": {"labels": {"run": "nginx"}, "name": "nginx"}, "spec": {"containers": [{"image": "nginx", "name": "nginx"}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: conditional anchor mismatch: conditional anchor key doesn't exist in the resource" },
  },
  {
    name: 'validate_test.go pair 66',
    pattern: {"spec": {"=(volumes)": [{"(name)": "!cache-volume", "=(emptyDir)": {"sizeLimit": "?*"}}]}},
    resource: {"spec": {"volumes": [{"name": "cache-volume", "emptyDir": {}}]}},
    want: { ok: false, skip: true, path: "", message: "conditional anchor mismatch: resource value 'cache-volume' does not match '!cache-volume' at path /spec/volumes/0/name/" },
  },
  {
    name: 'validate_test.go pair 67',
    pattern: {"spec": {"=(initContainers)": [{"(name)": "!istio-init", "=(securityContext)": {"=(runAsUser)": ">0"}}], "=(containers)": [{"=(securityContext)": {"=(runAsUser)": ">0"}}]}},
    resource: {"spec": {"containers": [{"securityContext": {"runAsUser": 0}}]}},
    want: { ok: false, skip: false, path: "/spec/containers/0/securityContext/runAsUser/", message: "resource value '0' does not match '>0' at path /spec/containers/0/securityContext/runAsUser/" },
  },
  {
    name: 'validate_test.go pair 68',
    pattern: {"spec": {"containers": [{"name": "*", "<(image)": "*:latest", "imagePullPolicy": "!Always"}]}},
    resource: {"spec": {"containers": [{"name": "nginx", "image": "nginx:v1", "imagePullPolicy": "Always"}]}},
    want: { ok: false, skip: true, path: "", message: "global anchor mismatch: resource value 'nginx:v1' does not match '*:latest' at path /spec/containers/0/image/" },
  },
];

test('matchPattern on the documents of Kyverno validate_test.go', () => {
  for (const c of KYVERNO_PAIRS) assert.deepEqual(plain(matchPattern(c.resource, c.pattern)), c.want, c.name);
});

test('a compiled pattern is reusable, does not mutate its inputs, and gives the same answers', () => {
  for (const c of CASES) {
    const pattern = deepCopy(c.pattern);
    const resource = deepCopy(c.resource);
    const compiled = compilePattern(pattern);
    assert.deepEqual(plain(compiled.match(resource)), c.want, c.name);
    assert.deepEqual(plain(compiled.match(resource)), c.want, `${c.name} (second run)`);
    assert.deepEqual(pattern, c.pattern, `${c.name}: pattern untouched`);
    assert.deepEqual(resource, c.resource, `${c.name}: resource untouched`);
  }
});

test('patternResultToStatus follows the validate handler', () => {
  assert.equal(patternResultToStatus({ ok: true }), 'pass');
  assert.equal(patternResultToStatus({ ok: false, skip: true, path: '', message: 'm' }), 'skip');
  assert.equal(patternResultToStatus({ ok: false, skip: false, path: '', message: 'm' }), 'error');
  assert.equal(patternResultToStatus({ ok: false, skip: false, path: '/spec/', message: 'm' }), 'fail');
  const byName = new Map(CASES.map((c) => [c.name, c]));
  const status = (name: string) => {
    const c = byName.get(name)!;
    return patternResultToStatus(matchPattern(c.resource, c.pattern));
  };
  assert.equal(status('image tag not latest: pass'), 'pass');
  assert.equal(status('image tag not latest: fail at the element'), 'fail');
  assert.equal(status('conditional anchor absent -> skip'), 'skip');
  assert.equal(status('missing existence anchor key with failure -> error'), 'error');
  assert.equal(status('missing list fails before anchors are tracked'), 'fail');
  assert.equal(status('nested arrays shorter resource'), 'error');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../../api/json.ts';
import { deepCopy } from '../../api/json.ts';
import { PatchError } from './patch-error.ts';
import { processStrategicMergePatch, strategicMergePatch } from './strategic-merge.ts';

interface Case {
  name: string;
  resource: JsonObject;
  patch: JsonValue;
  want?: JsonValue;
  wantError?: string;
  panic?: boolean;
}

// Expected values: Kyverno v1.19's patch.ProcessStrategicMergePatch (anchor preprocessing + kustomize
// patchstrategicmerge over kyaml v0.21.1), run by a Go program on each case. None of these patches has
// anchors, so the condition matcher is never consulted.
const kyvernoFlow: Case[] = [
  { name: "containers merge by name", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}, patch: {"spec":{"containers":[{"name":"b","image":"z"},{"name":"c","image":"w"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"z","name":"b"},{"image":"w","name":"c"},{"image":"x","name":"a"}]}} },
  { name: "env by name", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","env":[{"name":"E1","value":"1"},{"name":"E2","value":"2"}]}]}}, patch: {"spec":{"containers":[{"name":"a","env":[{"name":"E2","value":"x"},{"name":"E3","value":"3"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"env":[{"name":"E2","value":"x"},{"name":"E3","value":"3"},{"name":"E1","value":"1"}],"name":"a"}]}} },
  { name: "env delete by $patch", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","env":[{"name":"E1","value":"1"},{"name":"E2","value":"2"}]}]}}, patch: {"spec":{"containers":[{"name":"a","env":[{"name":"E2","$patch":"delete"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"env":[{"name":"E1","value":"1"}],"name":"a"}]}} },
  { name: "ports with protocol", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":80,"protocol":"UDP"}]}]}}, patch: {"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"UDP","name":"u"},{"containerPort":81}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":81},{"containerPort":80,"protocol":"TCP"},{"containerPort":80,"name":"u","protocol":"UDP"}]}]}} },
  { name: "ports patch without protocol", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"}]}]}}, patch: {"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"}]}]}} },
  { name: "ports dest without protocol", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}]}]}}, patch: {"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP","name":"http"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}]}]}} },
  { name: "ports string vs int", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}]}]}}, patch: {"spec":{"containers":[{"name":"a","ports":[{"containerPort":"80","name":"http"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":"80","name":"http"}]}]}} },
  { name: "volumeMounts by mountPath", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","volumeMounts":[{"name":"v","mountPath":"/a"}]}]}}, patch: {"spec":{"containers":[{"name":"a","volumeMounts":[{"name":"w","mountPath":"/a"},{"name":"v","mountPath":"/b"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/a","name":"w"},{"mountPath":"/b","name":"v"}]}]}} },
  { name: "volumes retainKeys name", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}, patch: {"spec":{"volumes":[{"name":"v","hostPath":{"path":"/x"}}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"volumes":[{"emptyDir":{},"hostPath":{"path":"/x"},"name":"v"}]}} },
  { name: "finalizers primitive merge", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["a","b"]},"spec":{}}, patch: {"metadata":{"finalizers":["c","a"]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"finalizers":["c","a","b"],"name":"p"},"spec":{}} },
  { name: "finalizers delete", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["a","b"]},"spec":{}}, patch: {"metadata":{"finalizers":null}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}} },
  { name: "finalizers $patch replace", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["a","b"]},"spec":{}}, patch: {"metadata":{"finalizers":[{"$patch":"replace"},"c"]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"finalizers":["c"],"name":"p"},"spec":{}} },
  { name: "tolerations replaced", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"tolerations":[{"key":"a"},{"key":"b"}]}}, patch: {"spec":{"tolerations":[{"key":"c"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"tolerations":[{"key":"c"}]}} },
  { name: "args replaced", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","args":["1","2"]}]}}, patch: {"spec":{"containers":[{"name":"a","args":["3"]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"args":["3"],"name":"a"}]}} },
  { name: "null deletes", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"}],"hostNetwork":true}}, patch: {"spec":{"hostNetwork":null}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"x","name":"a"}]}} },
  { name: "null for missing", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[]}}, patch: {"spec":{"foo":null}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[]}} },
  { name: "keep null in dest", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[],"foo":null}}, patch: {"spec":{"bar":1}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"bar":1,"containers":[],"foo":null}} },
  { name: "$patch replace map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsUser":1,"runAsGroup":2}}}, patch: {"spec":{"securityContext":{"$patch":"replace","runAsUser":3}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsUser":3}}} },
  { name: "$patch delete map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsUser":1,"runAsGroup":2}}}, patch: {"spec":{"securityContext":{"$patch":"delete"}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}} },
  { name: "$patch merge map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsUser":1}}}, patch: {"spec":{"securityContext":{"$patch":"merge","runAsGroup":3}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsGroup":3,"runAsUser":1}}} },
  { name: "$patch unknown map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsUser":1}}}, patch: {"spec":{"securityContext":{"$patch":"foo"}}}, wantError: "unknown patch strategy 'foo'" },
  { name: "$patch unknown new map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}, patch: {"spec":{"securityContext":{"$patch":"foo","a":1}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"$patch":"foo","a":1}}} },
  { name: "$patch replace new map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}, patch: {"spec":{"securityContext":{"$patch":"replace","a":1}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"a":1}}} },
  { name: "$patch delete new map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}, patch: {"spec":{"securityContext":{"$patch":"delete","a":1}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}} },
  { name: "$patch replace list", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"b"}]}}, patch: {"spec":{"containers":[{"$patch":"replace"},{"name":"c"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]}} },
  { name: "$patch delete list", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"b"}]}}, patch: {"spec":{"containers":[{"$patch":"delete"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}} },
  { name: "$patch replace unkeyed list", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"tolerations":[{"key":"a"}]}}, patch: {"spec":{"tolerations":[{"$patch":"replace"},{"key":"c"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"tolerations":[{"$patch":"replace"},{"key":"c"}]}} },
  { name: "$patch in new keyed list", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}, patch: {"spec":{"containers":[{"$patch":"replace"},{"name":"c"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"$patch":"replace"}]}} },
  { name: "retainKeys etc literal", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}, patch: {"spec":{"$retainKeys":["volumes"],"volumes":[{"name":"v","$retainKeys":["name","hostPath"],"hostPath":{"path":"/x"}}],"$setElementOrder/volumes":[{"name":"v"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"$retainKeys":["volumes"],"$setElementOrder/volumes":[{"name":"v"}],"volumes":[{"$retainKeys":["name","hostPath"],"emptyDir":{},"hostPath":{"path":"/x"},"name":"v"}]}} },
  { name: "number over string", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"x","b":"1"}},"spec":{}}, patch: {"metadata":{"labels":{"a":5,"b":true,"c":7}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"a":"5","b":"true","c":7},"name":"p"},"spec":{}} },
  { name: "string over number", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"priority":5}}, patch: {"spec":{"priority":"6"}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"priority":"6"}} },
  { name: "bool over string in element", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x","tty":"y"}]}}, patch: {"spec":{"containers":[{"name":"a","image":1.5,"tty":false}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"1.5","name":"a","tty":"false"}]}} },
  { name: "type mismatch map over scalar", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":"a"}}, patch: {"spec":{"x":{"y":1}}}, wantError: "wrong node kind: expected ScalarNode but got MappingNode: node contents:\n{\"y\": 1}\n" },
  { name: "type mismatch list over map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":{"y":1}}}, patch: {"spec":{"x":[1]}}, wantError: "wrong node kind: expected MappingNode but got SequenceNode: node contents:\n[1]\n" },
  { name: "type mismatch scalar over list", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":[1]}}, patch: {"spec":{"x":"a"}}, wantError: "wrong node kind: expected SequenceNode but got ScalarNode: node contents:\n\"a\"\n" },
  { name: "scalar over map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":{"y":1}}}, patch: {"spec":{"x":"a"}}, wantError: "wrong node kind: expected MappingNode but got ScalarNode: node contents:\n\"a\"\n" },
  { name: "dest container without name", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"x"},{"name":"b","image":"y"}]}}, patch: {"spec":{"containers":[{"name":"c","image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"x"}]}} },
  { name: "patch container without name", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}, patch: {"spec":{"containers":[{"image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[]}} },
  { name: "dest null element", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[null,{"name":"b","image":"y"}]}}, patch: {"spec":{"containers":[{"name":"c","image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"z","name":"c"}]}} },
  { name: "dest empty element", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{},{"name":"b","image":"y"}]}}, patch: {"spec":{"containers":[{"name":"b","image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"z","name":"b"}]}} },
  { name: "dest duplicate names", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"1"},{"name":"a","image":"2"}]}}, patch: {"spec":{"containers":[{"name":"a","tty":true}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"2","name":"a"}]}} },
  { name: "patch duplicate names", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"1"}]}}, patch: {"spec":{"containers":[{"name":"a","image":"2"},{"name":"a","tty":true}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"2","name":"a"}]}} },
  { name: "deployment template", resource: {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"}]}}}}, patch: {"spec":{"template":{"spec":{"containers":[{"name":"b","image":"y"}]}}}}, want: {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"image":"y","name":"b"},{"image":"x","name":"a"}]}}}} },
  { name: "cronjob template", resource: {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A","value":"1"}]}]}}}}}}, patch: {"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"B","value":"2"}]}]}}}}}}, want: {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"B","value":"2"},{"name":"A","value":"1"}],"image":"x","name":"a"}]}}}}}} },
  { name: "crd lists replaced", resource: {"apiVersion":"example.com/v1","kind":"Foo","metadata":{"name":"f"},"spec":{"containers":[{"name":"a","image":"x"}]}}, patch: {"spec":{"containers":[{"name":"b","image":"y"}]}}, want: {"apiVersion":"example.com/v1","kind":"Foo","metadata":{"name":"f"},"spec":{"containers":[{"image":"y","name":"b"}]}} },
  { name: "unknown new k8s kind (batch/v1beta1 CronJob is known, autoscaling/v2 HPA not)", resource: {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h","finalizers":["a"]},"spec":{"metrics":[{"type":"Resource"}]}}, patch: {"metadata":{"finalizers":["b"]},"spec":{"metrics":[{"type":"Pods"}]}}, want: {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"finalizers":["b"],"name":"h"},"spec":{"metrics":[{"type":"Pods"}]}} },
  { name: "nested apiVersion/kind in CRD", resource: {"apiVersion":"example.com/v1","kind":"Foo","metadata":{"name":"f"},"spec":{"pod":{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","image":"x"}]}}}}, patch: {"spec":{"pod":{"spec":{"containers":[{"name":"b","image":"y"}]}}}}, want: {"apiVersion":"example.com/v1","kind":"Foo","metadata":{"name":"f"},"spec":{"pod":{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"image":"y","name":"b"},{"image":"x","name":"a"}]}}}} },
  { name: "patch supplies kind", resource: {"metadata":{"name":"f"},"spec":{"containers":[{"name":"a","image":"x"}]}}, patch: {"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"b","image":"y"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"f"},"spec":{"containers":[{"image":"y","name":"b"},{"image":"x","name":"a"}]}} },
  { name: "root $patch replace", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":1}}, patch: {"$patch":"replace","apiVersion":"v1","kind":"Pod","metadata":{"name":"q"}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"q"}} },
  { name: "root $patch delete", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":1}}, patch: {"$patch":"delete"}, wantError: "filter cannot create or delete objects" },
  { name: "root null", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":1}}, patch: null, wantError: "filter cannot create or delete objects" },
  { name: "empty patch", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}}, patch: {}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}} },
  { name: "keyed list null elem in patch", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}}, patch: {"spec":{"containers":[null,{"name":"b"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"b"}]}} },
  { name: "keyed list scalar elem in patch", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}}, patch: {"spec":{"containers":["x",{"name":"b"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"b"}]}} },
  { name: "keyed list empty", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}}, patch: {"spec":{"containers":[]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}} },
  { name: "imagePullSecrets", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"imagePullSecrets":[{"name":"a"}]}}, patch: {"spec":{"imagePullSecrets":[{"name":"regcred"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"imagePullSecrets":[{"name":"regcred"},{"name":"a"}]}} },
  { name: "hostAliases by ip", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"hostAliases":[{"ip":"1.1.1.1","hostnames":["a"]}]}}, patch: {"spec":{"hostAliases":[{"ip":"1.1.1.1","hostnames":["b"]},{"ip":"2.2.2.2","hostnames":["c"]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"hostAliases":[{"hostnames":["b"],"ip":"1.1.1.1"},{"hostnames":["c"],"ip":"2.2.2.2"}]}} },
  { name: "topologySpread 2 keys", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"topologySpreadConstraints":[{"topologyKey":"z","whenUnsatisfiable":"DoNotSchedule","maxSkew":1}]}}, patch: {"spec":{"topologySpreadConstraints":[{"topologyKey":"z","whenUnsatisfiable":"DoNotSchedule","maxSkew":2},{"topologyKey":"z","whenUnsatisfiable":"ScheduleAnyway","maxSkew":3}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"topologySpreadConstraints":[{"maxSkew":3,"topologyKey":"z","whenUnsatisfiable":"ScheduleAnyway"},{"maxSkew":2,"topologyKey":"z","whenUnsatisfiable":"DoNotSchedule"}]}} },
  { name: "topologySpread missing second key", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"topologySpreadConstraints":[{"topologyKey":"z","whenUnsatisfiable":"DoNotSchedule","maxSkew":1}]}}, patch: {"spec":{"topologySpreadConstraints":[{"topologyKey":"z","maxSkew":2}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"z","whenUnsatisfiable":"DoNotSchedule"}]}} },
  { name: "service ports", resource: {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":8080}]}}, patch: {"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":9090},{"port":443}]}}, want: {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":443},{"port":80,"protocol":"TCP","targetPort":9090}]}} },
  { name: "configmap data", resource: {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}, patch: {"data":{"b":2,"a":null}}, want: {"apiVersion":"v1","data":{"b":2},"kind":"ConfigMap","metadata":{"name":"c"}} },
  { name: "ownerReferences by uid", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","ownerReferences":[{"uid":"1","name":"a","kind":"K","apiVersion":"v1"}]},"spec":{}}, patch: {"metadata":{"ownerReferences":[{"uid":"2","name":"b","kind":"K","apiVersion":"v1"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","ownerReferences":[{"apiVersion":"v1","kind":"K","name":"b","uid":"2"},{"apiVersion":"v1","kind":"K","name":"a","uid":"1"}]},"spec":{}} },
  { name: "container merge empty result", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"}]}}, patch: {"spec":{"containers":[{"name":"a","image":null}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}} },
  { name: "float key", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":1.5}]}]}}, patch: {"spec":{"containers":[{"name":"a","ports":[{"containerPort":1.5,"name":"x"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","ports":[{"containerPort":1.5,"name":"x"}]}]}} },
  { name: "unicode keys order", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"z":1,"é":2}}, patch: {"spec":{"ä":1,"a":{"b":[1,{"c":null}]}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":{"b":[1,{"c":null}]},"z":1,"ä":1,"é":2}} },
  { name: "null list element unkeyed", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"args":[1]}}, patch: {"spec":{"args":[null,"a"]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"args":[null,"a"]}} },
  { name: "primitive list with numbers", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":[1,"1","a"]},"spec":{}}, patch: {"metadata":{"finalizers":["1",2,true]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"finalizers":["1",2,true,"a"],"name":"p"},"spec":{}} },
  { name: "primitive list with maps", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":[{"a":1},"x"]},"spec":{}}, patch: {"metadata":{"finalizers":[{"b":1},"y"]}}, wantError: "wrong node kind: expected ScalarNode but got MappingNode: node contents:\n{\"a\": 1, \"b\": 1}\n" },
  { name: "primitive list delete directive", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["a"]},"spec":{}}, patch: {"metadata":{"finalizers":[{"$patch":"delete"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}} },
  { name: "podCIDRs on node", resource: {"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"spec":{"podCIDRs":["10.0.0.0/24"]}}, patch: {"spec":{"podCIDRs":["10.0.1.0/24"]}}, want: {"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"spec":{"podCIDRs":["10.0.1.0/24","10.0.0.0/24"]}} },
  { name: "deep new subtree with $patch delete inside", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}, patch: {"spec":{"a":{"b":{"$patch":"delete"},"c":1}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":{"c":1}}} },
  { name: "new keyed list with null inside elem", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}, patch: {"spec":{"containers":[{"name":"a","image":null}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}} },
  { name: "dest null map replaced by map", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":null}}, patch: {"spec":{"securityContext":{"runAsUser":1}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsUser":1}}} },
  { name: "dest null list replaced", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":null}}, patch: {"spec":{"containers":[{"name":"a"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]}} },
  { name: "dest scalar null keyed", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","env":null}]}}, patch: {"spec":{"containers":[{"name":"a","env":[{"name":"x","value":"y"}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"env":[{"name":"x","value":"y"}],"name":"a"}]}} },
  { name: "big ints", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"n":9007199254740991}}, patch: {"spec":{"m":123456789012,"f":0.000001,"g":1e-7,"h":1e+21}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"f":0.000001,"g":1e-7,"h":1e+21,"m":123456789012,"n":9007199254740991}} },
  { name: "keys with special chars", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"a/b":"x"}},"spec":{}}, patch: {"metadata":{"annotations":{"a/b":"y","c~d":"z","<<":"m"}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"<<":"m","a/b":"y","c~d":"z"},"name":"p"},"spec":{}} },
  { name: "string that looks like number in label", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{}},"spec":{}}, patch: {"metadata":{"labels":{"a":"0755","b":"true","c":"null","d":""}}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"a":"0755","b":"true","c":"null","d":""},"name":"p"},"spec":{}} },
];

// Expected values: kustomize's patchstrategicmerge filter alone (filtersutil.ApplyToJSON), run by a Go
// program: the merge without Kyverno's preprocessing (which would drop empty maps and lists).
const mergeOnly: Case[] = [
  { name: "anchor-looking keys are literal keys to the merge", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"}]}}, patch: {"spec":{"containers":[{"(name)":"a","image":"y"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[]}} },
  { name: "empty maps are kept by the merge alone", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}, patch: {"metadata":{"labels":{}},"spec":{"containers":[{"name":"a","ports":[{}]}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"labels":{},"name":"p"},"spec":{"containers":[{"name":"a","ports":[]}]}} },
  { name: "keyed list without keys in patch element", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"},{"name":"b"}]}}, patch: {"spec":{"containers":[{"image":"z"}]}}, want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[]}} },
  { name: "root $patch delete", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}, patch: {"$patch":"delete"}, wantError: "filter cannot create or delete objects" },
  { name: "root null", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}, patch: null, wantError: "filter cannot create or delete objects" },
  { name: "root list", resource: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}, patch: [1], wantError: "wrong node kind: expected MappingNode but got SequenceNode: node contents:\n[1]\n" },
];

const noConditions = (): string | undefined => {
  throw new Error('no anchors in these cases');
};

function check(c: Case, run: () => JsonValue): void {
  if (c.wantError !== undefined) {
    assert.throws(run, (err: unknown) => {
      assert.ok(err instanceof PatchError);
      assert.equal(err.code, 'PATCH');
      assert.equal(err.message, c.wantError);
      if (c.panic) assert.equal(err.reason, 'PANIC');
      return true;
    });
    return;
  }
  assert.deepEqual(run(), c.want);
}

test('strategic merge patch: Kyverno flow (preprocessing + kyaml merge)', async (t) => {
  for (const c of kyvernoFlow) {
    await t.test(c.name, () => {
      check(c, () => {
        const r = processStrategicMergePatch(c.resource, c.patch, noConditions);
        assert.equal(r.skipped, false);
        return r.resource;
      });
    });
  }
});

test('strategic merge patch: kyaml merge alone', async (t) => {
  for (const c of mergeOnly) await t.test(c.name, () => check(c, () => strategicMergePatch(c.resource, c.patch)));
});

test('strategic merge patch does not modify its inputs', () => {
  const resource: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { a: 'x' } },
    spec: { containers: [{ name: 'a', image: 'x', env: [{ name: 'E', value: '1' }] }] },
  };
  const patch: JsonObject = {
    metadata: { labels: { a: 5 } },
    spec: { containers: [{ name: 'a', env: [{ name: 'E', $patch: 'delete' }] }, { name: 'b' }] },
  };
  const r0 = deepCopy(resource);
  const p0 = deepCopy(patch);
  const out = strategicMergePatch(resource, patch);
  assert.deepEqual(resource, r0);
  // expected: kustomize's filter on the same input (Go)
  assert.deepEqual(patch, p0);
  assert.deepEqual(out, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { a: '5' } },
    spec: { containers: [{ name: 'a', image: 'x', env: [] }, { name: 'b' }] },
  });
});

test('a __proto__ key is an ordinary field', () => {
  const resource = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"__proto__":"x"}}') as JsonObject;
  const out = strategicMergePatch(resource, JSON.parse('{"data":{"__proto__":"y","b":"z"}}') as JsonValue);
  const data = out['data'] as JsonObject;
  assert.equal(Object.getPrototypeOf(data), Object.prototype);
  assert.deepEqual(Object.keys(data).sort(), ['__proto__', 'b']);
  assert.equal(data['__proto__'], 'y');
});

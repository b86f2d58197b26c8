{{/* Names, labels, value checks and the policy selection shared by the templates and NOTES. */}}

{{/* The chart name (nameOverride wins). */}}
{{- define "kyverno.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name: fullnameOverride, else the release name when it contains the chart name, else <release>-<name>. */}}
{{- define "kyverno.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "kyverno.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kyverno.namespace" -}}
{{- .Release.Namespace -}}
{{- end -}}

{{- define "kyverno.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "kyverno.labels" -}}
helm.sh/chart: {{ include "kyverno.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: {{ include "kyverno.fullname" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* ---- admission controller ---- */}}

{{- define "kyverno.admission.name" -}}
{{- printf "%s-admission-controller" (include "kyverno.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The webhook Service; `kyverno serve --serviceName` and the serving certificate use the same name. */}}
{{- define "kyverno.admission.serviceName" -}}
{{- printf "%s-svc" (include "kyverno.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kyverno.admission.serviceAccountName" -}}
{{- default (include "kyverno.admission.name" .) .Values.admissionController.rbac.serviceAccount.name -}}
{{- end -}}

{{- define "kyverno.admission.roleName" -}}
{{- printf "%s:admission-controller" (include "kyverno.fullname" .) -}}
{{- end -}}

{{- define "kyverno.admission.matchLabels" -}}
app.kubernetes.io/component: admission-controller
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: {{ include "kyverno.fullname" . }}
{{- end -}}

{{- define "kyverno.admission.labels" -}}
{{ include "kyverno.labels" . }}
app.kubernetes.io/component: admission-controller
app.kubernetes.io/name: {{ include "kyverno.admission.name" . }}
{{- end -}}

{{/* Replicas: admissionController.replicas, else replicaCount, else 1; below 1 is refused. */}}
{{- define "kyverno.admission.replicas" -}}
{{- $r := .Values.admissionController.replicas -}}
{{- if kindIs "invalid" $r -}}{{- $r = .Values.replicaCount -}}{{- end -}}
{{- if kindIs "invalid" $r -}}{{- $r = 1 -}}{{- end -}}
{{- if lt (int $r) 1 -}}
{{- fail (printf "admissionController.replicas must be at least 1, got %v" $r) -}}
{{- end -}}
{{- int $r -}}
{{- end -}}

{{- define "kyverno.admission.image" -}}
{{- $img := .Values.admissionController.image -}}
{{- $tag := toString (default .Chart.AppVersion $img.tag) -}}
{{- if $img.registry -}}
{{- printf "%s/%s:%s" $img.registry $img.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $img.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "kyverno.serviceMonitor.namespace" -}}
{{- default (include "kyverno.namespace" .) .Values.admissionController.serviceMonitor.namespace -}}
{{- end -}}

{{/* ---- the kyverno ConfigMap ---- */}}

{{- define "kyverno.config.name" -}}
{{- default (include "kyverno.fullname" .) .Values.config.name -}}
{{- end -}}

{{/* The `kyverno-metrics` ConfigMap (Kyverno's name: `<fullname>-metrics`), read by `kyverno controllers` (env METRICS_CONFIG). */}}
{{- define "kyverno.metricsConfig.name" -}}
{{- if .Values.metricsConfig.create -}}
{{- default (printf "%s-metrics" (include "kyverno.fullname" .)) .Values.metricsConfig.name -}}
{{- else -}}
{{- required "metricsConfig.name is required when metricsConfig.create is false" .Values.metricsConfig.name -}}
{{- end -}}
{{- end -}}

{{/* Excluded namespaces, one per line: config.excludedNamespaces plus the release namespace. */}}
{{- define "kyverno.config.excludedNamespaces" -}}
{{- $list := .Values.config.excludedNamespaces | default list -}}
{{- if .Values.config.excludeKyvernoNamespace -}}
{{- $list = append $list (include "kyverno.namespace" .) -}}
{{- end -}}
{{- join "\n" (uniq $list) -}}
{{- end -}}

{{/* resourceFilters entries, one per line: excluded namespaces, config.resourceFilters, then the chart's own objects. */}}
{{- define "kyverno.config.resourceFilters" -}}
{{- $ns := include "kyverno.namespace" . -}}
{{- $filters := list -}}
{{- range (include "kyverno.config.excludedNamespaces" . | splitList "\n" | compact) -}}
{{- $filters = append $filters (printf "[*/*,%s,*]" .) -}}
{{- end -}}
{{- $filters = concat $filters (.Values.config.resourceFilters | default list) -}}
{{- $admission := include "kyverno.admission.name" . -}}
{{- $role := include "kyverno.admission.roleName" . -}}
{{- $sa := include "kyverno.admission.serviceAccountName" . -}}
{{- $svc := include "kyverno.admission.serviceName" . -}}
{{- $filters = concat $filters (list
  (printf "[ClusterRole,*,%s]" $role)
  (printf "[ClusterRole,*,%s:core]" $role)
  (printf "[ClusterRoleBinding,*,%s]" $role)
  (printf "[ServiceAccount,%s,%s]" $ns $sa)
  (printf "[ServiceAccount/?*,%s,%s]" $ns $sa)
  (printf "[Role,%s,%s]" $ns $role)
  (printf "[RoleBinding,%s,%s]" $ns $role)
  (printf "[ConfigMap,%s,%s]" $ns (include "kyverno.config.name" .))
  (printf "[ConfigMap,%s,%s]" $ns (include "kyverno.metricsConfig.name" .))
  (printf "[Deployment,%s,%s]" $ns $admission)
  (printf "[Deployment/?*,%s,%s]" $ns $admission)
  (printf "[Pod,%s,%s-*]" $ns $admission)
  (printf "[Pod/?*,%s,%s-*]" $ns $admission)
  (printf "[PodDisruptionBudget,%s,%s]" $ns $admission)
  (printf "[Service,%s,%s]" $ns $svc)
  (printf "[Service,%s,%s-metrics]" $ns $svc)
  (printf "[ServiceMonitor,%s,%s]" (include "kyverno.serviceMonitor.namespace" .) $admission)
  (printf "[Secret,%s,%s.%s.svc.*]" $ns $svc $ns)
) -}}
{{- range (list "background-controller" "reports-controller" "cleanup-controller") -}}
{{- $c := dict "root" $ "component" . -}}
{{- if include "kyverno.controller.enabled" $c -}}
{{- $filters = concat $filters (include "kyverno.controller.resourceFilters" $c | splitList "\n") -}}
{{- end -}}
{{- end -}}
{{- join "\n" $filters -}}
{{- end -}}

{{/* ---- bundled policies ---- */}}

{{/* The Pod Security Standards profile, checked. */}}
{{- define "kyverno.policies.standard" -}}
{{- $s := toString .Values.podSecurityStandard -}}
{{- if not (has $s (list "privileged" "baseline" "restricted" "custom")) -}}
{{- fail (printf "podSecurityStandard must be privileged, baseline, restricted or custom, got %q" $s) -}}
{{- end -}}
{{- $s -}}
{{- end -}}

{{/* A validationFailureAction spelled Audit/Enforce (lower case accepted), normalised; anything else fails. */}}
{{- define "kyverno.policies.action" -}}
{{- $a := toString . -}}
{{- if eq (lower $a) "audit" -}}
Audit
{{- else if eq (lower $a) "enforce" -}}
Enforce
{{- else -}}
{{- fail (printf "validationFailureAction must be Audit or Enforce (audit and enforce are accepted), got %q" $a) -}}
{{- end -}}
{{- end -}}

{{/* Policy names of one library folder (dict "root" $ "dir" "pod-security/baseline"), one per line. */}}
{{- define "kyverno.policies.names" -}}
{{- $names := list -}}
{{- range $path, $_ := .root.Files.Glob (printf "policies/%s/*.yaml" .dir) -}}
{{- $names = append $names (trimSuffix ".yaml" (base $path)) -}}
{{- end -}}
{{- join "\n" $names -}}
{{- end -}}

{{/*
The library files to install, one per line as `<folder>/<name>` (e.g. `pod-security/baseline/disallow-host-path`),
after checking every value that names policies or rules. NOTES and templates/policies.yaml both use it.
*/}}
{{- define "kyverno.policies.selected" -}}
{{- $v := .Values -}}
{{- $std := include "kyverno.policies.standard" . -}}
{{- $baseline := include "kyverno.policies.names" (dict "root" . "dir" "pod-security/baseline") | splitList "\n" | compact -}}
{{- $restricted := include "kyverno.policies.names" (dict "root" . "dir" "pod-security/restricted") | splitList "\n" | compact -}}
{{- $other := include "kyverno.policies.names" (dict "root" . "dir" "best-practices") | splitList "\n" | compact -}}
{{- $pss := concat $baseline $restricted -}}
{{- $custom := $v.podSecurityPolicies | default list -}}
{{- range $custom -}}
{{- if not (has (toString .) $pss) -}}
{{- fail (printf "podSecurityPolicies: %q is not a pod-security policy of the chart (%s)" (toString .) (join ", " $pss)) -}}
{{- end -}}
{{- end -}}
{{- $addRestricted := $v.includeRestrictedPolicies | default list -}}
{{- range $addRestricted -}}
{{- if not (has (toString .) $restricted) -}}
{{- fail (printf "includeRestrictedPolicies: %q is not a restricted policy of the chart (%s)" (toString .) (join ", " $restricted)) -}}
{{- end -}}
{{- end -}}
{{- $others := $v.includeOtherPolicies | default list -}}
{{- range $others -}}
{{- if not (or (eq (toString .) "*") (has (toString .) $other)) -}}
{{- fail (printf "includeOtherPolicies: %q is not a best-practice policy of the chart (%s, or *)" (toString .) (join ", " $other)) -}}
{{- end -}}
{{- end -}}
{{- $all := concat $pss $other -}}
{{- range $key, $_ := ($v.validationFailureActionByPolicy | default dict) -}}
{{- if not (has $key $all) -}}
{{- fail (printf "validationFailureActionByPolicy: %q is not a policy of the chart" $key) -}}
{{- end -}}
{{- end -}}
{{- range $key, $_ := ($v.podSecuritySeverityByPolicy | default dict) -}}
{{- if not (has $key $pss) -}}
{{- fail (printf "podSecuritySeverityByPolicy: %q is not a pod-security policy of the chart" $key) -}}
{{- end -}}
{{- end -}}
{{- $selected := list -}}
{{- range $baseline -}}
{{- if or (eq $std "baseline") (eq $std "restricted") (and (eq $std "custom") (has . $custom)) -}}
{{- $selected = append $selected (printf "pod-security/baseline/%s" .) -}}
{{- end -}}
{{- end -}}
{{- range $restricted -}}
{{- if or (eq $std "restricted") (and (eq $std "custom") (has . $custom)) (has . $addRestricted) -}}
{{- $selected = append $selected (printf "pod-security/restricted/%s" .) -}}
{{- end -}}
{{- end -}}
{{- range $other -}}
{{- if or (has "*" $others) (has . $others) -}}
{{- $selected = append $selected (printf "best-practices/%s" .) -}}
{{- end -}}
{{- end -}}
{{- join "\n" $selected -}}
{{- end -}}

{{/* Every policy and rule name of the library, one per line (the keys policyExclude may use). */}}
{{- define "kyverno.policies.excludeKeys" -}}
{{- $keys := list -}}
{{- range $path, $_ := .Files.Glob "policies/**.yaml" -}}
{{- $p := $.Files.Get $path | fromYaml -}}
{{- $keys = append $keys $p.metadata.name -}}
{{- range $p.spec.rules -}}
{{- $keys = append $keys .name -}}
{{- end -}}
{{- end -}}
{{- join "\n" (uniq $keys) -}}
{{- end -}}

{{/*
One library policy as installed (dict "root" $ "entry" "pod-security/baseline/disallow-host-path"): the
file unchanged except spec.validationFailureAction (and any rule-level validate.failureAction),
spec.background, the severity annotation of pod-security policies, the chart's labels, and the
exclusions of policyExclude.
*/}}
{{- define "kyverno.policies.render" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $path := printf "policies/%s.yaml" .entry -}}
{{- $p := $root.Files.Get $path | fromYaml -}}
{{- if hasKey $p "Error" -}}
{{- fail (printf "%s: %s" $path $p.Error) -}}
{{- end -}}
{{- $name := $p.metadata.name -}}
{{- $action := include "kyverno.policies.action" (default $v.validationFailureAction (index ($v.validationFailureActionByPolicy | default dict) $name)) -}}
{{- $_ := set $p.spec "validationFailureAction" $action -}}
{{- if kindIs "bool" $v.background -}}
{{- $_ := set $p.spec "background" $v.background -}}
{{- end -}}
{{- $meta := $p.metadata -}}
{{- $labels := merge (include "kyverno.labels" $root | fromYaml) ($meta.labels | default dict) -}}
{{- $_ := set $meta "labels" $labels -}}
{{- if hasPrefix "pod-security/" .entry -}}
{{- $severity := $v.podSecuritySeverity -}}
{{- $byPolicy := $v.podSecuritySeverityByPolicy | default dict -}}
{{- if hasKey $byPolicy $name -}}
{{- $severity = index $byPolicy $name -}}
{{- end -}}
{{- if $severity -}}
{{- if not (has (toString $severity) (list "low" "medium" "high" "critical")) -}}
{{- fail (printf "severity of %s must be low, medium, high or critical, got %q" $name (toString $severity)) -}}
{{- end -}}
{{- $annotations := $meta.annotations | default dict -}}
{{- $_ := set $annotations "policies.kyverno.io/severity" (toString $severity) -}}
{{- $_ := set $meta "annotations" $annotations -}}
{{- end -}}
{{- end -}}
{{- $excludes := $v.policyExclude | default dict -}}
{{- range $rule := $p.spec.rules -}}
{{- $exclude := merge (deepCopy (index $excludes $rule.name | default dict)) (deepCopy (index $excludes $name | default dict)) ($rule.exclude | default dict) -}}
{{- if $exclude -}}
{{- $_ := set $rule "exclude" $exclude -}}
{{- end -}}
{{- if and $rule.validate (hasKey $rule.validate "failureAction") -}}
{{- $_ := set $rule.validate "failureAction" $action -}}
{{- end -}}
{{- end -}}
{{- toYaml $p -}}
{{- end -}}

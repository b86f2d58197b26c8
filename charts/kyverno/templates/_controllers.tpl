{{/*
The in-cluster controllers (`kyverno controllers`), one Deployment per component as Kyverno deploys
them: background-controller, reports-controller and cleanup-controller. Every helper takes
(dict "root" $ "component" "background-controller"); the component's values are read from
kyverno.controller.values. The per-component parts (controller groups, Leases, RBAC rules) live in
background-controller.yaml, reports-controller.yaml and cleanup-controller.yaml.
*/}}

{{/* The values of a component: backgroundController, reportsController or cleanupController. */}}
{{- define "kyverno.controller.valuesKey" -}}
{{- $parts := splitList "-" .component -}}
{{- printf "%s%s" (index $parts 0) (title (index $parts 1)) -}}
{{- end -}}

{{- define "kyverno.controller.values" -}}
{{- index .root.Values (include "kyverno.controller.valuesKey" .) | toYaml -}}
{{- end -}}

{{- define "kyverno.controller.name" -}}
{{- printf "%s-%s" (include "kyverno.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kyverno.controller.roleName" -}}
{{- printf "%s:%s" (include "kyverno.fullname" .root) .component -}}
{{- end -}}

{{/*
The ServiceAccount: rbac.serviceAccount.name, else the Deployment's name. The background controller's is
`kyverno-background-controller` whatever the release name: `kyverno serve` recognises the background
controller's own requests by that name in its namespace (Kyverno's default), so that they trigger no
generate or mutate-existing work of their own.
*/}}
{{- define "kyverno.controller.serviceAccountName" -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- $default := include "kyverno.controller.name" . -}}
{{- if eq .component "background-controller" -}}{{- $default = "kyverno-background-controller" -}}{{- end -}}
{{- default $default ((($v.rbac | default dict).serviceAccount | default dict).name) -}}
{{- end -}}

{{- define "kyverno.controller.matchLabels" -}}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: {{ include "kyverno.fullname" .root }}
{{- end -}}

{{- define "kyverno.controller.labels" -}}
{{ include "kyverno.labels" .root }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/name: {{ include "kyverno.controller.name" . }}
{{- end -}}

{{/* Replicas: <component>.replicas, else 1; below 1 is refused. */}}
{{- define "kyverno.controller.replicas" -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- $r := $v.replicas -}}
{{- if kindIs "invalid" $r -}}{{- $r = 1 -}}{{- end -}}
{{- if lt (int $r) 1 -}}
{{- fail (printf "%s.replicas must be at least 1, got %v" (include "kyverno.controller.valuesKey" .) $r) -}}
{{- end -}}
{{- int $r -}}
{{- end -}}

{{/* The image: the component's image fields, each falling back to admissionController.image (one image runs every component). */}}
{{- define "kyverno.controller.image" -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- $img := $v.image | default dict -}}
{{- $base := .root.Values.admissionController.image -}}
{{- $registry := default $base.registry $img.registry -}}
{{- $repository := default $base.repository $img.repository -}}
{{- $tag := toString (default (default .root.Chart.AppVersion $base.tag) $img.tag) -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry $repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "kyverno.controller.pullPolicy" -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- default .root.Values.admissionController.image.pullPolicy (($v.image | default dict).pullPolicy) -}}
{{- end -}}

{{/* Whether the component is installed. */}}
{{- define "kyverno.controller.enabled" -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- if $v.enabled -}}true{{- end -}}
{{- end -}}

{{/*
The Deployment: (dict "root" $ "component" "background-controller" "groups" (list "background") "args" (list ...)).
`kyverno controllers --controllers <groups>`: each group runs only in the replica that holds its Lease, so
replicas beyond the first are warm standbys. The probes are served by `--health-listen` (plain HTTP), the
Prometheus metrics by `--metricsPort` (port `metrics`, <component>.metering; controller-metrics.yaml
adds the metrics Service), configured by the `kyverno-metrics` ConfigMap (env METRICS_CONFIG).
*/}}
{{- define "kyverno.controller.deployment" -}}
{{- $root := .root -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- $name := include "kyverno.controller.name" . -}}
{{- $metering := $v.metering | default dict -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ include "kyverno.namespace" $root }}
  labels:
    {{- include "kyverno.controller.labels" . | nindent 4 }}
spec:
  replicas: {{ include "kyverno.controller.replicas" . }}
  revisionHistoryLimit: 10
  {{- with $v.updateStrategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "kyverno.controller.matchLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "kyverno.controller.labels" . | nindent 8 }}
    spec:
      serviceAccountName: {{ include "kyverno.controller.serviceAccountName" . }}
      # the API token comes through the projected volume below (restrict-automount-sa-token)
      automountServiceAccountToken: false
      {{- with ($v.imagePullSecrets | default $root.Values.admissionController.imagePullSecrets) }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . | quote }}
      {{- end }}
      {{- if $v.antiAffinity }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 1
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "kyverno.controller.matchLabels" . | nindent 20 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "kyverno.controller.image" . | quote }}
          imagePullPolicy: {{ include "kyverno.controller.pullPolicy" . }}
          args:
            - controllers
            - --controllers={{ join "," .groups }}
            - --kyvernoNamespace={{ include "kyverno.namespace" $root }}
            - --health-listen=:{{ $v.server.port }}
            {{- if $metering.disabled }}
            - --disableMetrics=true
            {{- else }}
            - --metricsPort={{ $metering.port }}
            {{- end }}
            {{- range .args }}
            - {{ . }}
            {{- end }}
            - --v={{ $v.logVerbosity }}
            {{- range $v.extraArgs }}
            - {{ . | quote }}
            {{- end }}
          env:
            - name: KYVERNO_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            # the leader election identity
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: KYVERNO_SERVICEACCOUNT_NAME
              value: {{ include "kyverno.controller.serviceAccountName" . }}
            - name: KYVERNO_DEPLOYMENT
              value: {{ $name }}
            - name: INIT_CONFIG
              value: {{ include "kyverno.config.name" $root }}
            - name: METRICS_CONFIG
              value: {{ include "kyverno.metricsConfig.name" $root }}
            - name: TMPDIR
              value: /tmp
            {{- with $v.extraEnvVars }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: health
              containerPort: {{ $v.server.port }}
              protocol: TCP
            {{- if not $metering.disabled }}
            - name: metrics
              containerPort: {{ $metering.port }}
              protocol: TCP
            {{- end }}
          startupProbe:
            httpGet:
              path: /health/liveness
              port: health
            periodSeconds: 6
            failureThreshold: 20
          livenessProbe:
            httpGet:
              path: /health/liveness
              port: health
            periodSeconds: 30
            timeoutSeconds: 5
            failureThreshold: 2
          readinessProbe:
            httpGet:
              path: /health/readiness
              port: health
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 6
          {{- with $v.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: serviceaccount-token
              mountPath: /var/run/secrets/kubernetes.io/serviceaccount
              readOnly: true
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        - name: serviceaccount-token
          projected:
            defaultMode: 292 # 0444: read-only for everyone
            sources:
              - serviceAccountToken:
                  path: token
                  expirationSeconds: 3607
              - configMap:
                  name: kube-root-ca.crt
                  items:
                    - key: ca.crt
                      path: ca.crt
              - downwardAPI:
                  items:
                    - path: namespace
                      fieldRef:
                        apiVersion: v1
                        fieldPath: metadata.namespace
{{- end -}}

{{/*
The metrics Service `<name>-metrics` (port `metrics-port`, as Kyverno's chart names them) when the component
serves metrics and <component>.metricsService.create; and its ServiceMonitor with
<component>.serviceMonitor.enabled.
*/}}
{{- define "kyverno.controller.metricsService" -}}
{{- $root := .root -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- $metering := $v.metering | default dict -}}
{{- $svc := $v.metricsService | default dict -}}
{{- $sm := $v.serviceMonitor | default dict -}}
{{- $name := include "kyverno.controller.name" . -}}
{{- $key := include "kyverno.controller.valuesKey" . -}}
{{- $serves := and (not $metering.disabled) $svc.create -}}
{{- if and $sm.enabled (not $serves) }}
{{- fail (printf "%s.serviceMonitor.enabled needs %s.metricsService.create and metrics (%s.metering.disabled false)" $key $key $key) }}
{{- end }}
{{- if $serves }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}-metrics
  namespace: {{ include "kyverno.namespace" $root }}
  labels:
    {{- include "kyverno.controller.labels" . | nindent 4 }}
    app.kubernetes.io/metrics: "true"
  {{- with $svc.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $svc.type | default "ClusterIP" }}
  selector:
    {{- include "kyverno.controller.matchLabels" . | nindent 4 }}
  ports:
    - name: metrics-port
      port: {{ $svc.port }}
      targetPort: metrics
      protocol: TCP
      {{- if and (eq ($svc.type | default "ClusterIP") "NodePort") $svc.nodePort }}
      nodePort: {{ $svc.nodePort }}
      {{- end }}
  {{- with $svc.trafficDistribution }}
  trafficDistribution: {{ . }}
  {{- end }}
{{- end }}
{{- if $sm.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ $name }}
  namespace: {{ include "kyverno.controller.serviceMonitorNamespace" . }}
  labels:
    {{- include "kyverno.controller.labels" . | nindent 4 }}
    {{- with $sm.additionalLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  namespaceSelector:
    matchNames:
      - {{ include "kyverno.namespace" $root }}
  selector:
    matchLabels:
      {{- include "kyverno.controller.matchLabels" . | nindent 6 }}
      app.kubernetes.io/metrics: "true"
  endpoints:
    - port: metrics-port
      path: /metrics
      scheme: http
      interval: {{ $sm.interval }}
      scrapeTimeout: {{ $sm.scrapeTimeout }}
{{- end }}
{{- end -}}

{{- define "kyverno.controller.serviceMonitorNamespace" -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- default (include "kyverno.namespace" .root) (($v.serviceMonitor | default dict).namespace) -}}
{{- end -}}

{{/* A PodDisruptionBudget when the component runs more than one replica (and the values ask for one). */}}
{{- define "kyverno.controller.podDisruptionBudget" -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- if and $v.podDisruptionBudget.enabled (gt (int (include "kyverno.controller.replicas" .)) 1) }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "kyverno.controller.name" . }}
  namespace: {{ include "kyverno.namespace" .root }}
  labels:
    {{- include "kyverno.controller.labels" . | nindent 4 }}
spec:
  minAvailable: {{ $v.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "kyverno.controller.matchLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
RBAC of a component: (dict "root" $ "component" "reports-controller" "clusterRules" "<YAML list>"
"roleRules" "<YAML list>" "leases" (list "kyverno-reports-controller")). The ServiceAccount; a ClusterRole
aggregating every ClusterRole labelled rbac.kyverno.io/aggregate-to-<component>: "true", or carrying the
component's selector labels (app.kubernetes.io/component, instance, part-of), as Kyverno's chart
aggregates them (the core rules carry both; users add rules for the resources their policies touch the
same way, or with rbac.coreClusterRole.extraResources, or rbac.clusterRole.extraResources in a ClusterRole
of their own, <role>:additional); optionally a binding to the `view` ClusterRole (read access for scans
and triggers, as Kyverno's chart does); and a Role in the release namespace for the component's Leases
(create, and get/update of its own names only).
*/}}
{{- define "kyverno.controller.rbac" -}}
{{- $root := .root -}}
{{- $v := include "kyverno.controller.values" . | fromYaml -}}
{{- if $v.rbac.create }}
{{- $role := include "kyverno.controller.roleName" . }}
{{- $sa := include "kyverno.controller.serviceAccountName" . }}
{{- $ns := include "kyverno.namespace" $root }}
{{- $labels := include "kyverno.controller.labels" . }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $sa }}
  namespace: {{ $ns }}
  labels:
    {{- $labels | nindent 4 }}
  {{- with $v.rbac.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ $role }}
  labels:
    {{- $labels | nindent 4 }}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels:
        rbac.kyverno.io/aggregate-to-{{ .component }}: "true"
    - matchLabels:
        {{- include "kyverno.controller.matchLabels" . | nindent 8 }}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ $role }}:core
  labels:
    {{- $labels | nindent 4 }}
    rbac.kyverno.io/aggregate-to-{{ .component }}: "true"
rules:
  # every component: the policies and exceptions it evaluates, namespaces (namespaceSelector), ConfigMaps
  # (the kyverno ConfigMap and configMap context entries), events and CRDs
  - apiGroups: [kyverno.io]
    resources: [clusterpolicies, policies, policyexceptions]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [namespaces, configmaps]
    verbs: [get, list, watch]
  - apiGroups: ["", events.k8s.io]
    resources: [events]
    verbs: [create, patch, update]
  # CRDs (metadata only): discovery is invalidated when one is added, changed or deleted (--crdWatcher)
  - apiGroups: [apiextensions.k8s.io]
    resources: [customresourcedefinitions]
    verbs: [get, list, watch]
  {{- with .clusterRules }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with $v.rbac.coreClusterRole.extraResources }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with ($v.rbac.clusterRole).extraResources }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ $role }}:additional
  labels:
    {{- $labels | nindent 4 }}
rules:
  {{- toYaml . | nindent 2 }}
{{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ $role }}
  labels:
    {{- $labels | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ $role }}
subjects:
  - kind: ServiceAccount
    name: {{ $sa }}
    namespace: {{ $ns }}
{{- if $v.rbac.createViewRoleBinding }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ $role }}:view
  labels:
    {{- $labels | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ $v.rbac.viewRoleName }}
subjects:
  - kind: ServiceAccount
    name: {{ $sa }}
    namespace: {{ $ns }}
{{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ $role }}
  namespace: {{ $ns }}
  labels:
    {{- $labels | nindent 4 }}
rules:
  # leader election: a Lease per controller group
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [create]
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    resourceNames: {{ toJson .leases }}
    verbs: [get, update]
  {{- with .roleRules }}
  {{- . | nindent 2 }}
  {{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $role }}
  namespace: {{ $ns }}
  labels:
    {{- $labels | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ $role }}
subjects:
  - kind: ServiceAccount
    name: {{ $sa }}
    namespace: {{ $ns }}
{{- end }}
{{- end -}}

{{/* Resource filters for a component's own objects (kyverno.config.resourceFilters), one per line. */}}
{{- define "kyverno.controller.resourceFilters" -}}
{{- $ns := include "kyverno.namespace" .root -}}
{{- $name := include "kyverno.controller.name" . -}}
{{- $role := include "kyverno.controller.roleName" . -}}
{{- $sa := include "kyverno.controller.serviceAccountName" . -}}
{{- $filters := list
  (printf "[ClusterRole,*,%s]" $role)
  (printf "[ClusterRole,*,%s:core]" $role)
  (printf "[ClusterRoleBinding,*,%s]" $role)
  (printf "[ClusterRoleBinding,*,%s:view]" $role)
  (printf "[ServiceAccount,%s,%s]" $ns $sa)
  (printf "[ServiceAccount/?*,%s,%s]" $ns $sa)
  (printf "[Role,%s,%s]" $ns $role)
  (printf "[RoleBinding,%s,%s]" $ns $role)
  (printf "[Deployment,%s,%s]" $ns $name)
  (printf "[Deployment/?*,%s,%s]" $ns $name)
  (printf "[Pod,%s,%s-*]" $ns $name)
  (printf "[Pod/?*,%s,%s-*]" $ns $name)
  (printf "[PodDisruptionBudget,%s,%s]" $ns $name)
  (printf "[Service,%s,%s-metrics]" $ns $name)
  (printf "[ServiceMonitor,%s,%s]" (include "kyverno.controller.serviceMonitorNamespace" .) $name)
-}}
{{- join "\n" $filters -}}
{{- end -}}

{{- define "smm-operator.labels" -}}
app.kubernetes.io/name: smm-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: smm
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "smm-operator.selector" -}}
app.kubernetes.io/name: smm-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

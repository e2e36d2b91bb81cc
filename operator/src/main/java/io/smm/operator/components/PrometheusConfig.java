package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.smm.api.telemetry.MeshRecordingRules;
import java.util.List;
import java.util.Map;

/**
 * The install's Prometheus configuration: Istio's standard scrape of annotated pods (istiod's
 * monitoring port, and every injected pod's merged agent + Envoy metrics on 15020
 * /stats/prometheus, which Istio's prometheus.io annotations point at), with the namespace and pod
 * labels the product's queries use. Served under /prometheus, as the seed's
 * smm-prometheus.smm-system.svc.cluster.local:59090/prometheus.
 */
final class PrometheusConfig {

  static final String FILE = "prometheus.yml";
  static final String ROUTE_PREFIX = "/prometheus";

  private PrometheusConfig() {}

  static String yaml(ControlPlaneConfig config) {
    String interval = config.text("smm.prometheus.scrapeInterval", "15s");
    return """
        global:
          scrape_interval: %s
          evaluation_interval: %s
        scrape_configs:
        - job_name: kubernetes-pods
          kubernetes_sd_configs:
          - role: pod
          relabel_configs:
          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
            action: keep
            regex: "true"
          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
            action: replace
            target_label: __metrics_path__
            regex: (.+)
          - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
            action: replace
            regex: ([^:]+)(?::\\d+)?;(\\d+)
            replacement: $1:$2
            target_label: __address__
          - action: labelmap
            regex: __meta_kubernetes_pod_label_(.+)
          - source_labels: [__meta_kubernetes_namespace]
            target_label: namespace
          - source_labels: [__meta_kubernetes_pod_name]
            target_label: pod
          - source_labels: [__meta_kubernetes_pod_phase]
            regex: Pending|Succeeded|Failed|Completed
            action: drop
        """.formatted(interval, interval);
  }

  /** The configuration beside the Prometheus Deployment, which mounts it at /etc/prometheus. */
  static final ServiceComponent.Beside CONFIG_MAP = (app, namespace, config) -> List.of(configMap(app, namespace, config));

  /**
   * The mesh's recording rules ({@link MeshRecordingRules}) as a PrometheusRule beside Prometheus,
   * where the SLOs' rules are too: the topology reads their series, and the raw metrics without them.
   */
  static final ServiceComponent.Beside MESH_RULES = (app, namespace, config) -> List.of(meshRules(namespace));

  static GenericKubernetesResource meshRules(String namespace) {
    return new GenericKubernetesResourceBuilder().withApiVersion("monitoring.coreos.com/v1").withKind("PrometheusRule")
        .withNewMetadata().withName(MeshRecordingRules.GROUP).withNamespace(namespace).endMetadata()
        .addToAdditionalProperties("spec", Map.of("groups", List.of(MeshRecordingRules.group())))
        .build();
  }

  static ConfigMap configMap(String app, String namespace, ControlPlaneConfig config) {
    return new ConfigMapBuilder().withNewMetadata().withName(app + "-config").withNamespace(namespace).endMetadata()
        .addToData(FILE, yaml(config)).build();
  }
}

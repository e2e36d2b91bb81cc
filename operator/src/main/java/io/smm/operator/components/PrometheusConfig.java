package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;

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

  static ConfigMap configMap(String app, String namespace, ControlPlaneConfig config) {
    return new ConfigMapBuilder().withNewMetadata().withName(app + "-config").withNamespace(namespace).endMetadata()
        .addToData(FILE, yaml(config)).build();
  }
}

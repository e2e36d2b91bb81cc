package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.smm.api.telemetry.MeshRecordingRules;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private PrometheusConfig() {}

  static String yaml(ControlPlaneConfig config) {
    String interval = config.text("smm.prometheus.scraping.frequency.interval", "15s");
    String timeout = config.text("smm.prometheus.scraping.frequency.timeout", "");
    return """
        global:
          scrape_interval: %s
          evaluation_interval: %s
        """.formatted(interval, interval)
        + (timeout.isEmpty() ? "" : "  scrape_timeout: " + timeout + "\n")
        + """
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
        """ + alerting(config) + remoteWrite(config);
  }

  /** smm.prometheus.alertmanager.static: the Alertmanagers alerts go to (seed 2.10.2.3). */
  static String alerting(ControlPlaneConfig config) {
    List<String> targets = new ArrayList<>();
    config.at("smm.prometheus.alertmanager.static").forEach(a -> targets.add(a.path("host").asText() + ":" + a.path("port").asInt()));
    if (targets.isEmpty()) {
      return "";
    }
    ObjectNode root = YAML.createObjectNode();
    root.putObject("alerting").putArray("alertmanagers").addObject().putArray("static_configs").addObject()
        .set("targets", YAML.valueToTree(targets));
    return toYaml(root);
  }

  /** smm.prometheus.remoteWrite: Prometheus' remote_write, for a long-term store of the user's own. */
  static String remoteWrite(ControlPlaneConfig config) {
    JsonNode targets = config.at("smm.prometheus.remoteWrite");
    if (!targets.isArray() || targets.isEmpty()) {
      return "";
    }
    ObjectNode root = YAML.createObjectNode();
    targets.forEach(t -> {
      ObjectNode one = root.withArray("remote_write").addObject().put("url", t.path("url").asText());
      if (t.hasNonNull("name")) {
        one.put("name", t.path("name").asText());
      }
    });
    return toYaml(root);
  }

  private static String toYaml(ObjectNode n) {
    try {
      return YAML.writeValueAsString(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

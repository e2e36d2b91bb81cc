package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Grafana dashboards the product ships (mesh, service, workload, control plane, SLO; JSON in
 * resources io/smm/operator/grafana) and the provisioning that loads them into the grafana
 * component: a Prometheus data source named "Prometheus" (the dashboards' data source) at the
 * ControlPlane's Prometheus, and a file provider for the dashboards, all in ConfigMap
 * {@code smm-grafana-config} mounted at /etc/grafana/provisioning. Grafana serves under /grafana,
 * anonymous users can view.
 */
public final class GrafanaDashboards {

  /** The dashboards, by file name (uid smm-NAME). */
  public static final List<String> NAMES = List.of("mesh", "service", "workload", "control-plane", "slo");
  static final String PROVISIONING = "/etc/grafana/provisioning";
  static final String DASHBOARDS_DIR = "dashboards/smm";

  private GrafanaDashboards() {}

  /** A shipped dashboard's JSON. */
  public static String json(String name) {
    try (InputStream in = GrafanaDashboards.class.getResourceAsStream("/io/smm/operator/grafana/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("dashboard " + name + " is missing from the operator's resources");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where each key of the ConfigMap goes under /etc/grafana/provisioning. */
  static Map<String, String> layout() {
    Map<String, String> layout = new LinkedHashMap<>();
    layout.put("datasources.yaml", "datasources/smm.yaml");
    layout.put("dashboards.yaml", "dashboards/smm.yaml");
    NAMES.forEach(n -> layout.put(n + ".json", DASHBOARDS_DIR + "/" + n + ".json"));
    return layout;
  }

  /** Grafana's settings: served under /grafana (the backend's path to it), anonymous viewers. */
  static Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GF_SERVER_ROOT_URL", "%(protocol)s://%(domain)s:%(http_port)s/grafana/");
    env.put("GF_SERVER_SERVE_FROM_SUB_PATH", "true");
    env.put("GF_AUTH_ANONYMOUS_ENABLED", "true");
    env.put("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer");
    env.put("GF_PATHS_PROVISIONING", PROVISIONING);
    return env;
  }

  static final ServiceComponent.Beside CONFIG = (app, namespace, config) -> List.of(configMap(app, namespace, config));

  static ConfigMap configMap(String app, String namespace, ControlPlaneConfig config) {
    String prometheusNamespace = config.text("smm.prometheus.namespace", config.smmNamespace());
    Map<String, String> data = new LinkedHashMap<>();
    data.put("datasources.yaml", """
        apiVersion: 1
        datasources:
          - name: Prometheus
            type: prometheus
            access: proxy
            url: http://smm-prometheus.%s.svc.cluster.local:59090%s
            isDefault: true
            editable: false
        """.formatted(prometheusNamespace, PrometheusConfig.ROUTE_PREFIX));
    data.put("dashboards.yaml", """
        apiVersion: 1
        providers:
          - name: smm
            folder: Service Mesh Manager
            type: file
            disableDeletion: true
            allowUiUpdates: false
            options:
              path: %s/%s
        """.formatted(PROVISIONING, DASHBOARDS_DIR));
    NAMES.forEach(n -> data.put(n + ".json", json(n)));
    ConfigMap map = new ConfigMapBuilder().withNewMetadata().withName(app + "-config").withNamespace(namespace).endMetadata()
        .withData(data).build();
    Workloads.label(map, app, "grafana");
    return map;
  }
}

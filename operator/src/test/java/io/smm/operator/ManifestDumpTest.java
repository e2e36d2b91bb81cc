package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.telemetry.MeshRecordingRules;
import io.smm.operator.components.GrafanaDashboards;
import io.smm.operator.demo.DemoResources;
import io.smm.sandbox.kube.OpenApiValidator;
import io.smm.sandbox.testing.Conformance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `smm install --dump-resources` needs no cluster and prints every object that will exist,
 * including what the Istio operator part renders; every one of them is valid for a real
 * Kubernetes 1.25 API server (shared/conformance/kubernetes-openapi-v1.25) or, for custom
 * resources, for the structural schema of its CRD (ours from the same dump, Istio's open ones).
 */
class ManifestDumpTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static OpenApiValidator kubernetes;

  @BeforeAll
  static void schemas() {
    kubernetes = Conformance.kubernetesSchemas();
  }

  @Test
  void theDefaultInstallDumpsRealIstioAndValidatesAgainstKubernetesSchemas() throws IOException {
    List<JsonNode> objects = parse(ManifestDump.yaml("smm", YAML.createObjectNode().put("clusterName", "demo-cluster")));
    assertValid(objects);
    JsonNode istiod = find(objects, "Deployment", "istiod-cp-v115x");
    JsonNode discovery = istiod.at("/spec/template/spec/containers/0");
    assertThat(discovery.path("image").asText()).isEqualTo("docker.io/istio/pilot:1.15.3");
    assertThat(discovery.path("args").toString()).contains("discovery", "--monitoringAddr=:15014", "--domain", "cluster.local");
    assertThat(discovery.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
    assertThat(find(objects, "ConfigMap", "istio-cp-v115x.istio-system").at("/data/mesh").asText())
        .contains("discoveryAddress: istiod-cp-v115x.istio-system.svc:15012");
    assertThat(find(objects, "ConfigMap", "istio-sidecar-injector-cp-v115x.istio-system").at("/data/config").asText())
        .contains("templates:", "sidecar:", "gateway:");
    JsonNode webhook = find(objects, "MutatingWebhookConfiguration", "istio-sidecar-injector-cp-v115x.istio-system");
    assertThat(webhook.path("webhooks")).extracting(w -> w.path("name").asText())
        .contains("rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io");
    assertThat(objects).anyMatch(o -> o.path("kind").asText().equals("ValidatingWebhookConfiguration"));
    assertThat(objects).anyMatch(o -> o.path("kind").asText().equals("EnvoyFilter") && o.at("/metadata/name").asText().startsWith("stats-filter-1.15"));
    assertThat(objects).anyMatch(o -> o.path("kind").asText().equals("PodDisruptionBudget"));
    JsonNode gateway = find(objects, "Deployment", "smm-ingressgateway");
    assertThat(gateway.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("auto");
    assertThat(gateway.at("/spec/template/metadata/annotations/inject.istio.io~1templates").asText()).isEqualTo("gateway");
  }

  @Test
  void theProductsWorkloadsRunRealCommandsAndPrometheusScrapesIstiosAnnotatedTargets() throws Exception {
    List<JsonNode> objects = parse(ManifestDump.yaml("smm", YAML.createObjectNode().put("clusterName", "demo-cluster")));
    JsonNode smm = find(objects, "Deployment", "smm").at("/spec/template/spec/containers/0");
    assertThat(smm.path("args").toString()).isEqualTo("[\"server\",\"--address\",\"0.0.0.0\",\"--port\",\"50500\",\"--als-port\",\"50600\"]");
    assertThat(smm.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(smm.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(find(objects, "Service", "smm-als").at("/spec/selector/app").asText()).isEqualTo("smm");
    assertThat(find(objects, "ClusterRoleBinding", "smm-smm-system").at("/subjects/0/name").asText()).isEqualTo("smm");
    JsonNode prometheusService = find(objects, "Service", "smm-prometheus").at("/spec/ports/0");
    // The backend's default URL, http://smm-prometheus.smm-system.svc.cluster.local:59090/prometheus (seed), is this Service.
    assertThat(prometheusService.path("port").asInt()).isEqualTo(59090);
    JsonNode prometheus = find(objects, "Deployment", "smm-prometheus").at("/spec/template/spec/containers/0");
    assertThat(prometheus.path("image").asText()).isEqualTo("prom/prometheus:v2.39.1");
    assertThat(prometheus.path("args").toString()).contains("--web.route-prefix=/prometheus");
    // Debian's promtool is built without Kubernetes service discovery, so it cannot check this file here; its shape is checked instead.
    JsonNode config = YAML.readTree(find(objects, "ConfigMap", "smm-prometheus-config").at("/data/prometheus.yml").asText());
    JsonNode pods = config.path("scrape_configs").get(0);
    assertThat(pods.at("/kubernetes_sd_configs/0/role").asText()).isEqualTo("pod");
    assertThat(pods.path("relabel_configs").toString()).contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape",
        "__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_annotation_prometheus_io_path");
    assertThat(find(objects, "Deployment", "smm-prometheus").at("/spec/template/spec/volumes/0/configMap/name").asText())
        .isEqualTo("smm-prometheus-config");
  }

  /**
   * What keeps forged access logs out of every user's tap in a real cluster: sidecars send with
   * ISTIO_MUTUAL, the receiving smm pods are in the mesh (injected through their revision label),
   * the ALS port is STRICT mTLS and callers without a mesh identity are denied there, while the
   * dashboard port stays reachable (PERMISSIVE, no DENY rule).
   */
  @Test
  void onlyMeshProxiesMayReachTheAccessLogPort() throws Exception {
    List<JsonNode> objects = parse(ManifestDump.yaml("smm", YAML.createObjectNode().put("clusterName", "demo-cluster")));
    assertThat(find(objects, "Deployment", "smm").at("/spec/template/metadata/labels/istio.io~1rev").asText())
        .isEqualTo("cp-v115x.istio-system");
    assertThat(find(objects, "Deployment", "smm").at("/metadata/labels/istio.io~1rev").isMissingNode())
        .as("only the pods carry the revision label").isTrue();
    assertThat(find(objects, "IstioControlPlane", "cp-v115x").at("/spec/meshConfig/defaultConfig/envoyAccessLogService/tlsSettings/mode")
        .asText()).isEqualTo("ISTIO_MUTUAL");
    JsonNode peerAuthentication = find(objects, "PeerAuthentication", "smm-als");
    assertThat(peerAuthentication.at("/metadata/namespace").asText()).isEqualTo("smm-system");
    assertThat(peerAuthentication.at("/spec/selector/matchLabels/app").asText()).isEqualTo("smm");
    assertThat(peerAuthentication.at("/spec/mtls/mode").asText()).isEqualTo("PERMISSIVE");
    assertThat(peerAuthentication.at("/spec/portLevelMtls/50600/mode").asText()).isEqualTo("STRICT");
    JsonNode authorization = find(objects, "AuthorizationPolicy", "smm-als");
    assertThat(authorization.at("/spec/action").asText()).isEqualTo("DENY");
    assertThat(authorization.at("/spec/rules/0/from/0/source/notPrincipals").toString()).isEqualTo("[\"*\"]");
    assertThat(authorization.at("/spec/rules/0/to/0/operation/ports").toString()).isEqualTo("[\"50600\"]");
  }

  /**
   * VMs and peer clusters on other networks reach the access log and span collectors through the meshexpansion gateway
   * (seed: its Service's tcp-smm-als-tls 50600 and tcp-smm-zipkin-tls 59411): a PASSTHROUGH server on each port of that
   * gateway's pods, routed to the collector's Service.
   */
  @Test
  void theCollectorsAreReachableThroughTheMeshexpansionGateway() throws Exception {
    List<JsonNode> objects = parse(ManifestDump.yaml("smm", YAML.createObjectNode().put("clusterName", "demo-cluster")));
    assertThat(find(objects, "IstioControlPlane", "cp-v115x").at("/spec/meshExpansion/gateway/service/ports").toString())
        .contains("\"port\":50600", "\"port\":59411");
    for (String[] collector : new String[][] {{"smm-als", "50600"}, {"smm-zipkin", "59411"}}) {
      JsonNode gateway = find(objects, "Gateway", collector[0]);
      assertThat(gateway.at("/metadata/namespace").asText()).isEqualTo("smm-system");
      assertThat(gateway.at("/spec/selector/gateway-name").asText()).isEqualTo("istio-meshexpansion-cp-v115x");
      assertThat(gateway.at("/spec/selector/gateway-type").asText()).isEqualTo("ingress");
      assertThat(gateway.at("/spec/selector").size()).isEqualTo(2);
      assertThat(gateway.at("/spec/servers/0/port/number").asText()).isEqualTo(collector[1]);
      assertThat(gateway.at("/spec/servers/0/tls/mode").asText()).isEqualTo("PASSTHROUGH");
      JsonNode route = find(objects, "VirtualService", collector[0]);
      assertThat(route.at("/spec/gateways").toString()).isEqualTo("[\"" + collector[0] + "\"]");
      assertThat(route.at("/spec/tls/0/match/0/port").asText()).isEqualTo(collector[1]);
      assertThat(route.at("/spec/tls/0/route/0/destination/host").asText()).isEqualTo(collector[0] + ".smm-system.svc.cluster.local");
      assertThat(route.at("/spec/tls/0/route/0/destination/port/number").asText()).isEqualTo(collector[1]);
    }
  }

  /** The mesh's recording rules are installed beside Prometheus, and promtool accepts them as rule files. */
  @Test
  void theMeshRecordingRulesAreInstalledAndPromtoolAcceptsThem(@TempDir Path dir) throws Exception {
    List<JsonNode> objects = parse(ManifestDump.yaml("smm", YAML.createObjectNode().put("clusterName", "demo-cluster")));
    JsonNode rule = find(objects, "PrometheusRule", MeshRecordingRules.GROUP);
    assertThat(rule.at("/metadata/namespace").asText()).isEqualTo("smm-system");
    assertThat(rule.at("/spec/groups/0/rules").findValuesAsText("record"))
        .containsExactlyElementsOf(MeshRecordingRules.ALL.stream().map(MeshRecordingRules.Rule::record).toList());
    Path file = dir.resolve("mesh.rules.yml");
    Files.writeString(file, YAML.writeValueAsString(rule.path("spec")));
    Process p = new ProcessBuilder("promtool", "check", "rules", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("SUCCESS: " + MeshRecordingRules.ALL.size() + " rules found");
    // What the README offers a Prometheus of the user's own is the same group.
    Path own = dir.resolve("own.rules.yml");
    Files.writeString(own, MeshRecordingRules.ruleFile());
    assertThat(YAML.readTree(own.toFile())).isEqualTo(YAML.readTree(file.toFile()));
  }

  @Test
  void theSeedsControlPlaneExampleDumpsValidObjects() throws IOException {
    // The seed's recommended ControlPlane (api's test resources hold it as the manual prints it).
    JsonNode example = YAML.readTree(Files.readString(Path.of("../api/src/test/resources/seed-controlplane.yaml")));
    assertValid(parse(ManifestDump.yaml("smm", example.path("spec"))));
  }

  /** What `smm demoapp install` (or a DemoApplication) creates: built-in kinds valid for Kubernetes 1.25. */
  @Test
  void theDemoApplicationsObjectsAreValid() throws IOException {
    JsonNode spec = YAML.readTree("{enabled: true, deploySLOResources: true, deployIstioResources: true, load: {enabled: true}}");
    List<JsonNode> objects = DemoResources.of("smm-demo", spec, "cp-v115x.istio-system").stream()
        .map(r -> (JsonNode) Serialization.jsonMapper().valueToTree(r.object()))
        .filter(kubernetes::knows).toList();
    assertThat(objects).extracting(o -> o.path("kind").asText()).contains("Deployment", "Service", "ServiceAccount");
    assertValid(objects);
  }

  @Test
  void grafanaGetsTheShippedDashboardsAndTheSidecarsReportSpansToTheTracingComponent() throws Exception {
    List<JsonNode> objects = parse(ManifestDump.yaml("smm", YAML.createObjectNode().put("clusterName", "demo-cluster")));
    JsonNode grafana = find(objects, "Deployment", "smm-grafana").at("/spec/template/spec");
    JsonNode mount = grafana.at("/containers/0/volumeMounts/0");
    assertThat(mount.path("mountPath").asText()).isEqualTo("/etc/grafana/provisioning");
    JsonNode volume = grafana.at("/volumes/0/configMap");
    assertThat(volume.path("name").asText()).isEqualTo("smm-grafana-config");
    Map<String, String> paths = new HashMap<>();
    volume.path("items").forEach(i -> paths.put(i.path("key").asText(), i.path("path").asText()));
    assertThat(paths).containsEntry("datasources.yaml", "datasources/smm.yaml").containsEntry("dashboards.yaml", "dashboards/smm.yaml")
        .containsEntry("service.json", "dashboards/smm/service.json");
    JsonNode config = find(objects, "ConfigMap", "smm-grafana-config").path("data");
    assertThat(paths.keySet()).as("every key mounted, nothing mounted that is not there")
        .containsExactlyInAnyOrderElementsOf(() -> config.fieldNames());
    assertThat(config.path("datasources.yaml").asText())
        .contains("name: Prometheus", "url: http://smm-prometheus.smm-system.svc.cluster.local:59090/prometheus");
    assertThat(config.path("dashboards.yaml").asText()).contains("path: /etc/grafana/provisioning/dashboards/smm");
    for (String name : GrafanaDashboards.NAMES) {
      JsonNode dashboard = new ObjectMapper().readTree(config.path(name + ".json").asText());
      assertThat(dashboard.path("uid").asText()).isEqualTo("smm-" + name);
      Set<String> declared = new HashSet<>();
      dashboard.at("/templating/list").forEach(v -> declared.add(v.path("name").asText()));
      assertThat(dashboard.path("panels")).isNotEmpty();
      for (JsonNode panel : dashboard.path("panels")) {
        assertThat(panel.path("datasource").asText()).as("%s: %s", name, panel.path("title")).isEqualTo("Prometheus");
        assertThat(panel.path("targets")).as("%s: %s", name, panel.path("title")).isNotEmpty();
        for (JsonNode target : panel.path("targets")) {
          Matcher m = Pattern.compile("\\$(\\w+)").matcher(target.path("expr").asText());
          while (m.find()) {
            // $__name: Grafana's own; $1: label_replace's capture, which Grafana leaves alone (no variable has a number for a name).
            assertThat(m.group(1).startsWith("__") || m.group(1).matches("\\d+") || declared.contains(m.group(1)))
                .as("%s: %s uses $%s, which the dashboard does not declare", name, panel.path("title"), m.group(1)).isTrue();
          }
        }
      }
    }
    assertThat(find(objects, "Deployment", "smm-grafana").at("/spec/template/spec/containers/0/env").toString())
        .contains("GF_SERVER_ROOT_URL", "/grafana/", "GF_SERVER_SERVE_FROM_SUB_PATH");

    // Spans: the rendered mesh config names the collector, a Service in front of the tracing pods' Zipkin port.
    assertThat(find(objects, "ConfigMap", "istio-cp-v115x.istio-system").at("/data/mesh").asText())
        .contains("address: smm-zipkin.smm-system.svc.cluster.local:59411", "sampling: 1");
    JsonNode zipkin = find(objects, "Service", "smm-zipkin").path("spec");
    assertThat(zipkin.at("/ports/0/port").asInt()).isEqualTo(59411);
    assertThat(zipkin.at("/ports/0/targetPort").asInt()).isEqualTo(9411);
    assertThat(zipkin.at("/selector/app").asText()).isEqualTo("smm-tracing");
    assertThat(find(objects, "Deployment", "smm-tracing").at("/spec/template/spec/containers/0/ports").toString()).contains("9411");
  }

  private static void assertValid(List<JsonNode> objects) {
    Map<String, JsonNode> crdSchemas = new HashMap<>();
    for (JsonNode o : objects) {
      if ("CustomResourceDefinition".equals(o.path("kind").asText())) {
        for (JsonNode v : o.at("/spec/versions")) {
          crdSchemas.put(o.at("/spec/group").asText() + "/" + v.path("name").asText() + "/" + o.at("/spec/names/kind").asText(),
              v.at("/schema/openAPIV3Schema"));
        }
      }
    }
    List<String> problems = new ArrayList<>();
    for (JsonNode o : objects) {
      String id = o.path("kind").asText() + " " + o.at("/metadata/namespace").asText("") + "/" + o.at("/metadata/name").asText();
      List<OpenApiValidator.Violation> violations;
      if (kubernetes.knows(o)) {
        violations = kubernetes.validate(o);
      } else {
        String apiVersion = o.path("apiVersion").asText();
        JsonNode schema = crdSchemas.get(apiVersion + "/" + o.path("kind").asText());
        if (schema == null) {
          problems.add(id + ": no schema for " + apiVersion + " " + o.path("kind").asText());
          continue;
        }
        violations = OpenApiValidator.validateAgainst(o, schema);
      }
      violations.forEach(v -> problems.add(id + ": " + v));
    }
    assertThat(problems).isEmpty();
  }

  private static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode doc : YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll()) {
      if (doc != null && doc.isObject()) {
        out.add(doc);
      }
    }
    return out;
  }

  private static JsonNode find(List<JsonNode> objects, String kind, String name) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && o.at("/metadata/name").asText().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the dump"));
  }
}

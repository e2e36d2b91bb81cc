package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.controlplane.ControlPlaneInput;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.components.JsonMerge;
import io.smm.sandbox.testing.InProcessCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every ControlPlane example of the manual (copied under test resources manual-examples/, each
 * naming its section and lines) is accepted as written and converges on the sandbox's API server
 * and kubelet; the patches the manual applies with `kubectl patch controlplane --type=merge` take
 * effect in the objects the install renders, one after another on one installed cluster, as a user
 * would apply them.
 */
class ManualExamplesTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  InProcessCluster cluster;
  KubernetesClient client;
  Installer installer;

  @BeforeEach
  void start() {
    cluster = InProcessCluster.withKubelet();
    client = cluster.client;
    installer = new Installer(client);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static String example(String name) {
    try (InputStream in = ManualExamplesTest.class.getResourceAsStream("/manual-examples/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A whole ControlPlane of the manual, through the same parser `smm reconcile --from-file` uses. */
  static JsonNode controlPlaneSpec(String name) {
    return ControlPlaneInput.parse(example(name), name).path("spec");
  }

  static JsonNode patchSpec(String name) throws IOException {
    return YAML.readTree(example(name)).path("spec");
  }

  ReconcileReport install(JsonNode spec) {
    ReconcileReport report = installer.install("smm", spec, ReconcileProgress.SILENT, Duration.ofSeconds(60));
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.istioStatus()).as("the IstioControlPlane").isEqualTo("Available");
    return report;
  }

  @ParameterizedTest
  @ValueSource(strings = {"helm-chart-controlplane.yaml", "gitops-single-cluster.yaml", "gitops-multi-cluster-base.yaml"})
  void aWholeControlPlaneOfTheManualConverges(String name) {
    ReconcileReport report = install(controlPlaneSpec(name));

    // Accepted settings this release has no part for are said, not silently dropped.
    assertThat(report.warnings()).anySatisfy(w -> assertThat(w).startsWith(".spec.smm.federationGateway.enabled: "))
        .anySatisfy(w -> assertThat(w).startsWith(".spec.smm.leo.enabled: not supported yet"))
        .anySatisfy(w -> assertThat(w).contains("smm-registry-access/smm-registry.eticloud.io-pull-secret not found"));
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) controlPlane().getAdditionalProperties().get("status");
    assertThat(status).containsEntry("status", "Succeeded");
    assertThat((List<?>) status.get("warnings")).hasSameSizeAs(report.warnings());
    // What the examples switch on is there, and pulls from the manual's registry with its pull secret.
    var smm = client.apps().deployments().inNamespace("smm-system").withName("smm").get();
    assertThat(smm.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).startsWith("registry.eticloud.io/smm/smm:");
    assertThat(smm.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting(r -> r.getName())
        .containsExactly("smm-registry.eticloud.io-pull-secret");
    assertThat(client.apps().daemonSets().inNamespace("smm-system").withName("prometheus-node-exporter").get()).isNotNull();
    assertThat(client.apps().deployments().inNamespace("cluster-registry").withName("cluster-registry-controller").get()).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gitops-multi-cluster-overlay-1.yaml", "gitops-multi-cluster-overlay-2-passive.yaml",
      "gitops-multi-cluster-overlay-2-active.yaml"})
  void theMultiClusterOverlaysOverTheirBaseConverge(String overlay) {
    // kustomize's patchesStrategicMerge of a custom resource merges maps key by key, as JsonMerge does.
    JsonNode spec = JsonMerge.merge(controlPlaneSpec("gitops-multi-cluster-base.yaml"), controlPlaneSpec(overlay));
    install(spec);
    assertThat(controlPlane().getAdditionalProperties().get("spec")).extracting(s -> ((Map<?, ?>) s).get("clusterName"))
        .isIn("workload-cluster-1", "workload-cluster-2");
  }

  @Test
  void thePatchesOfTheManualTakeEffectOneAfterAnother() throws Exception {
    JsonNode spec = YAML.readTree("clusterName: primary");
    install(spec);

    spec = apply(spec, "cluster-registry.yaml");
    var registry = client.apps().deployments().inNamespace("cluster-registry").withName("cluster-registry-controller").get();
    assertThat(registry.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSubsequence("cluster-registry-controller", "--namespace", "cluster-registry", "--cluster-name", "primary-cluster");
    // Its role aggregates the controller-aggregated ClusterRoles: its base one and the istio-operator's rendering's.
    assertThat(client.rbac().clusterRoles().withName("cluster-registry-controller-cluster-registry").get().getAggregationRule()
        .getClusterRoleSelectors()).singleElement().satisfies(s -> assertThat(s.getMatchLabels())
            .containsEntry("cluster-registry.k8s.cisco.com/controller-aggregated", "true"));
    assertThat(client.rbac().clusterRoles().withLabel("cluster-registry.k8s.cisco.com/controller-aggregated", "true").list().getItems())
        .extracting(r -> r.getMetadata().getName())
        .contains("cluster-registry-controller-cluster-registry-base", "istio-peeristiocontrolplane-controller-cp-v115x");
    // With the registry on, the control plane's sync rules are rendered and accepted (the istio-operator's, for an ACTIVE one).
    assertThat(client.genericKubernetesResources("clusterregistry.k8s.cisco.com/v1alpha1", "ResourceSyncRule").list().getItems())
        .extracting(r -> r.getMetadata().getName()).contains("istio-peeristiocontrolplane-sink-cp-v115x",
            "istio-virtualservices-sink-cp-v115x");
    assertThat(client.genericKubernetesResources("clusterregistry.k8s.cisco.com/v1alpha1", "ClusterFeature").list().getItems())
        .extracting(r -> r.getMetadata().getName()).contains("istio-ca-root-cert-source-cp-v115x");

    spec = apply(spec, "istio-namespace.yaml");
    assertThat(client.apps().deployments().inNamespace("custom-istio-namespace").withName("istiod-cp-test").get())
        .as("istiod of the renamed control plane").isNotNull();

    spec = apply(spec, "pilot-resources.yaml");
    var istiod = client.apps().deployments().inNamespace("custom-istio-namespace").withName("istiod-cp-test").get();
    var resources = istiod.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
    assertThat(resources.getRequests()).containsEntry("cpu", new Quantity("500m")).containsEntry("memory", new Quantity("1500M"));
    assertThat(resources.getLimits()).containsEntry("cpu", new Quantity("1"));

    spec = apply(spec, "proxy-resources.yaml");
    assertThat(icpSpec("custom-istio-namespace", "cp-test").at("/proxy/resources/limits/memory").asText()).isEqualTo("128M");

    spec = apply(spec, "health-api-resources.yaml");
    var smm = client.apps().deployments().inNamespace("smm-system").withName("smm").get();
    assertThat(smm.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
        .containsEntry("memory", new Quantity("2000M"));

    spec = apply(spec, "prometheus-scraping.yaml");
    String prometheusYml = client.configMaps().inNamespace("smm-system").withName("smm-prometheus-config").get().getData()
        .get("prometheus.yml");
    assertThat(prometheusYml).contains("scrape_interval: 15s").contains("scrape_timeout: 15s");

    spec = apply(spec, "prometheus-alertmanager.yaml");
    assertThat(client.configMaps().inNamespace("smm-system").withName("smm-prometheus-config").get().getData().get("prometheus.yml"))
        .contains("alertmanager-smm-alertmanager-1.alertmanager-operated.smm-system.svc.cluster.local:9093");

    spec = apply(spec, "prometheus-storage.yaml");
    var claim = client.persistentVolumeClaims().inNamespace("smm-system").withName("smm-prometheus-db").get();
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("gp2");
    assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("50Gi"));
    var prometheus = client.apps().deployments().inNamespace("smm-system").withName("smm-prometheus").get();
    assertThat(prometheus.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(prometheus.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getName().equals("data")).singleElement()
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName()).isEqualTo("smm-prometheus-db");

    spec = apply(spec, "oidc-enable.yaml");
    spec = apply(spec, "oidc-dex.yaml");
    assertThat(controlPlane().getAdditionalProperties().get("spec")).extracting(s -> ((Map<?, ?>) s).get("smm"))
        .extracting(s -> ((Map<?, ?>) s).get("auth")).extracting(a -> ((Map<?, ?>) a).get("oidc"))
        .extracting(o -> ((Map<?, ?>) o).get("username")).isEqualTo(Map.of("claim", "email", "prefix", "oidc:"));

    // The four ways to expose the dashboard are alternatives: each is applied over the spec before
    // exposing, switching from one to the next, as a user changing their mind would.
    JsonNode unexposed = spec;
    spec = apply(unexposed, "expose-letsencrypt.yaml");
    GenericKubernetesResource meshGateway = resource(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(), SmmCrds.ISTIO_MESH_GATEWAY.kind(),
        "smm-ingressgateway-external");
    JsonNode gwSpec = Serialization.jsonMapper().valueToTree(meshGateway.getAdditionalProperties().get("spec"));
    assertThat(gwSpec.at("/service/type").asText()).isEqualTo("LoadBalancer");
    assertThat(gwSpec.at("/service/metadata/annotations").path("external-dns.alpha.kubernetes.io/hostname").asText())
        .isEqualTo("smm.example.org.");
    assertThat(client.services().inNamespace("smm-system").withName("smm-ingressgateway-external").get().getSpec().getPorts())
        .extracting(p -> p.getPort()).containsExactly(80, 443);
    JsonNode gateway = istioSpec("Gateway", "smm-ingressgateway-external");
    assertThat(gateway.at("/servers/1/tls/credentialName").asText()).isEqualTo("smm-dashboard-tls");
    assertThat(gateway.at("/servers/1/hosts/0").asText()).isEqualTo("smm.example.org");
    JsonNode certificate = Serialization.jsonMapper().valueToTree(resource("cert-manager.io/v1", "Certificate", "smm-dashboard"));
    assertThat(certificate.at("/spec/dnsNames/0").asText()).isEqualTo("smm.example.org");
    assertThat(certificate.at("/spec/secretName").asText()).isEqualTo("smm-dashboard-tls");
    assertThat(istioSpec("VirtualService", "smm-dashboard-external").at("/http/0/route/0/destination/host").asText())
        .isEqualTo("smm.smm-system.svc.cluster.local");
    // The load balancer's address, where the manual tells users to point their DNS name, in the gateway's status.
    cluster.settle();
    install(spec);
    assertThat(Serialization.jsonMapper().valueToTree(resource(SmmCrds.ISTIO_MESH_GATEWAY.apiVersion(), SmmCrds.ISTIO_MESH_GATEWAY.kind(),
        "smm-ingressgateway-external").getAdditionalProperties().get("status")).path("GatewayAddress").toString())
        .isEqualTo("[\"127.0.0.1\"]");

    spec = apply(unexposed, "expose-external-termination.yaml");
    assertThat(istioSpec("Gateway", "smm-ingressgateway-external").at("/servers/1/port/protocol").asText())
        .as("plain HTTP on 443 for the load balancer").isEqualTo("HTTP");
    assertThat(client.services().inNamespace("smm-system").withName("smm-ingressgateway-external").get().getMetadata()
        .getAnnotations()).containsEntry("service.beta.kubernetes.io/aws-load-balancer-ssl-ports", "443");
    assertThat(resource("cert-manager.io/v1", "Certificate", "smm-dashboard")).as("Let's Encrypt switched off").isNull();

    spec = apply(unexposed, "expose-own-secret.yaml");
    assertThat(istioSpec("Gateway", "smm-ingressgateway-external").at("/servers/1/tls/credentialName").asText())
        .isEqualTo("my-own-secret");

    spec = apply(unexposed, "expose-nodeport.yaml");
    var service = client.services().inNamespace("smm-system").withName("smm-ingressgateway-external").get();
    assertThat(service.getSpec().getType()).isEqualTo("NodePort");
    assertThat(service.getSpec().getPorts()).filteredOn(p -> p.getPort() == 80).singleElement()
        .extracting(p -> p.getNodePort()).isEqualTo(40080);
  }

  /** `kubectl patch controlplane --type=merge` with the example, then the reconcile `smm operator reconcile` runs. */
  JsonNode apply(JsonNode spec, String example) throws IOException {
    JsonNode patched = JsonMerge.merge(spec, patchSpec(example));
    install(patched);
    return patched;
  }

  GenericKubernetesResource controlPlane() {
    return client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).withName("smm").get();
  }

  GenericKubernetesResource resource(String apiVersion, String kind, String name) {
    return client.genericKubernetesResources(apiVersion, kind).inNamespace("smm-system").withName(name).get();
  }

  JsonNode istioSpec(String kind, String name) {
    return Serialization.jsonMapper().valueToTree(resource("networking.istio.io/v1beta1", kind, name).getAdditionalProperties().get("spec"));
  }

  JsonNode icpSpec(String namespace, String name) {
    return Serialization.jsonMapper().valueToTree(client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(),
        SmmCrds.ISTIO_CONTROL_PLANE.kind()).inNamespace(namespace).withName(name).get().getAdditionalProperties().get("spec"));
  }

  static ObjectNode object() {
    return YAML.createObjectNode();
  }
}

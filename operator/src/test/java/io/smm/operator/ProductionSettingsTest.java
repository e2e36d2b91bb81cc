package io.smm.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.sandbox.testing.InProcessCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ControlPlane settings a platform team sets for production, checked in the objects the install
 * writes to the sandbox's API server (which refuses what kube-apiserver refuses), and what happens
 * to the running install when a change cannot be applied.
 */
class ProductionSettingsTest {

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

  ReconcileReport install(String specYaml) throws Exception {
    return installer.install("smm", YAML.readTree(specYaml), ReconcileProgress.SILENT, Duration.ofSeconds(60));
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> controlPlaneStatus() {
    GenericKubernetesResource cp = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
        .withName("smm").get();
    return (Map<String, Object>) cp.getAdditionalProperties().get("status");
  }

  @Test
  void podPlacementReachesEveryProductWorkloadWithComponentSettingsOverTheDefaults() throws Exception {
    ReconcileReport report = install("""
        tolerations: [{key: dedicated, operator: Equal, value: smm, effect: NoSchedule}]
        affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions:
          [{key: pool, operator: In, values: [smm]}]}]}}}
        smm:
          grafana: {nodeSelector: {disktype: ssd}, tolerations: [{operator: Exists}]}
          prometheus: {retentionTime: 8h, resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 2Gi}}}
          sre: {controller: {resources: {limits: {memory: 300Mi}}}}
        """);
    assertThat(report.succeeded()).as(report.toString()).isTrue();

    var grafana = client.apps().deployments().inNamespace("smm-system").withName("smm-grafana").get().getSpec().getTemplate().getSpec();
    assertThat(grafana.getNodeSelector()).containsEntry("disktype", "ssd");
    assertThat(grafana.getTolerations()).singleElement().satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    assertThat(grafana.getAffinity().getNodeAffinity()).as("the product-wide default").isNotNull();
    var tracing = client.apps().deployments().inNamespace("smm-system").withName("smm-tracing").get().getSpec().getTemplate().getSpec();
    assertThat(tracing.getTolerations()).singleElement().satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
    var prometheus = client.apps().deployments().inNamespace("smm-system").withName("smm-prometheus").get().getSpec().getTemplate()
        .getSpec();
    assertThat(prometheus.getContainers().get(0).getArgs()).contains("--storage.tsdb.retention.time=8h");
    assertThat(prometheus.getContainers().get(0).getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
    assertThat(prometheus.getVolumes()).filteredOn(v -> v.getName().equals("data")).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).as("no storage configured: the pod's own").isNotNull());
    var sre = client.apps().deployments().inNamespace("smm-system").withName("smm-sre-controller").get().getSpec().getTemplate().getSpec();
    assertThat(sre.getContainers().get(0).getResources().getLimits()).containsEntry("memory", new Quantity("300Mi"));
    var backend = client.apps().deployments().inNamespace("smm-system").withName("smm").get().getSpec().getTemplate().getSpec();
    assertThat(backend.getContainers().get(0).getResources().getLimits()).as("the backend's own default: the heap a large topology needs")
        .containsEntry("memory", new Quantity("4Gi"));
    // The pods the kubelet started from them carry the same.
    cluster.settle();
    assertThat(client.pods().inNamespace("smm-system").withLabel("app", "smm-grafana").list().getItems())
        .isNotEmpty().allSatisfy(p -> assertThat(p.getSpec().getNodeSelector()).containsEntry("disktype", "ssd"));
  }

  @Test
  void istiodScalesBetweenThePilotReplicasTheControlPlaneSets() throws Exception {
    // The manual: "By default, the Istio Control Plane has a HPA set up"; the ControlPlane's pilot settings reach it.
    ReconcileReport report = install("meshManager: {istio: {pilot: {replicas: {min: 2, max: 4}, resources: {requests: {cpu: 500m}}}}}");
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    // autoscaling/v2beta2, as Istio 1.15's chart renders it.
    var hpa = client.autoscaling().v2beta2().horizontalPodAutoscalers().inNamespace("istio-system").withName("istiod-cp-v115x").get();
    assertThat(hpa).as("istiod's HorizontalPodAutoscaler").isNotNull();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(4);
    assertThat(client.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v115x").get().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getResources().getRequests()).containsEntry("cpu", new Quantity("500m"));
  }

  @Test
  void registryAccessCopiesThePullSecretEverywhereTheProductRunsAndRemovesTheCopiesWhenSwitchedOff() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-registry-access").endMetadata().build()).create();
    client.secrets().inNamespace("smm-registry-access").resource(new SecretBuilder().withNewMetadata().withName("registry-pull")
        .endMetadata().withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", "eyJhdXRocyI6e319")).build()).create();
    String spec = """
        registryAccess:
          enabled: %s
          namespace: smm-registry-access
          pullSecrets: [{name: registry-pull, namespace: smm-registry-access}]
        """;
    ReconcileReport report = install(spec.formatted("true"));
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.warnings()).isEmpty();

    for (String ns : new String[] {"smm-system", "istio-system", "cert-manager"}) {
      assertThat(client.secrets().inNamespace(ns).withName("registry-pull").get()).as(ns).isNotNull()
          .satisfies(s -> assertThat(s.getData()).containsEntry(".dockerconfigjson", "eyJhdXRocyI6e319"));
    }
    assertThat(client.apps().deployments().inNamespace("cert-manager").withName("cert-manager").get().getSpec().getTemplate().getSpec()
        .getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry-pull");
    // Istio's charts put the pull secrets on istiod's ServiceAccount, which its pods then use.
    assertThat(client.serviceAccounts().inNamespace("istio-system").withName("istiod-cp-v115x").get().getImagePullSecrets())
        .as("istiod, through the IstioControlPlane").extracting(r -> r.getName()).containsExactly("registry-pull");

    assertThat(install(spec.formatted("false")).succeeded()).isTrue();
    assertThat(client.secrets().inNamespace("smm-system").withName("registry-pull").get()).as("our copy").isNull();
    assertThat(client.secrets().inNamespace("smm-registry-access").withName("registry-pull").get()).as("the user's own").isNotNull();
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm").get().getSpec().getTemplate().getSpec()
        .getImagePullSecrets()).isEmpty();
  }

  @Test
  void aStorageShrinkTheClusterRefusesLeavesPrometheusRunningAndSaysWhyInTheStatus() throws Exception {
    String storage = "smm: {prometheus: {storage: {spec: {storageClassName: standard, resources: {requests: {storage: %s}}}}}}";
    assertThat(install(storage.formatted("50Gi")).succeeded()).isTrue();
    cluster.settle();
    var claims = client.persistentVolumeClaims().inNamespace("smm-system").withName("smm-prometheus-db");
    assertThat(claims.get().getStatus().getPhase()).isEqualTo("Bound");
    String deploymentVersion = client.apps().deployments().inNamespace("smm-system").withName("smm-prometheus").get().getMetadata()
        .getResourceVersion();

    ReconcileReport shrink = install(storage.formatted("10Gi"));
    assertThat(shrink.succeeded()).isFalse();
    assertThat(shrink.components()).filteredOn(c -> c.component().equals("prometheus")).singleElement()
        .satisfies(c -> assertThat(c.message()).contains("spec.resources.requests.storage: Forbidden: field can not be less than"
            + " previous value"));
    assertThat(claims.get().getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("50Gi"));
    assertThat(client.apps().deployments().inNamespace("smm-system").withName("smm-prometheus").get().getMetadata().getResourceVersion())
        .as("the Deployment is not touched").isEqualTo(deploymentVersion);
    assertThat(controlPlaneStatus()).containsEntry("status", "Failed");
    assertThat((String) controlPlaneStatus().get("message")).startsWith("prometheus: ").contains("can not be less than previous value");

    // Growing it is allowed on a bound claim (an expandable StorageClass), and the install recovers.
    assertThat(install(storage.formatted("60Gi")).succeeded()).isTrue();
    cluster.settle();
    assertThat(claims.get().getStatus().getCapacity()).containsEntry("storage", new Quantity("60Gi"));
    assertThat(controlPlaneStatus()).containsEntry("status", "Succeeded");
  }

  @Test
  void anInvalidChangeInImperativeModeMarksTheInstalledControlPlaneFailedAndKeepsItsSpec() throws Exception {
    assertThat(install("smm: {prometheus: {retentionTime: 8h}}").succeeded()).isTrue();
    assertThatThrownBy(() -> install("smm: {prometheus: {retentionTime: 8h, resources: {requests: {cpu: 2}, limits: {cpu: 1}}}}"))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining(".spec.smm.prometheus.resources.requests.cpu: Invalid value: \"2\": must be less than or equal to cpu limit");
    assertThat(controlPlaneStatus()).containsEntry("status", "Failed");
    assertThat((String) controlPlaneStatus().get("message")).contains(".spec.smm.prometheus.resources.requests.cpu");
    JsonNode spec = Serialization.jsonMapper().valueToTree(client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(),
        SmmCrds.CONTROL_PLANE.kind()).withName("smm").get().getAdditionalProperties().get("spec"));
    assertThat(spec.at("/smm/prometheus").has("resources")).as("the refused change was not written").isFalse();
  }
}

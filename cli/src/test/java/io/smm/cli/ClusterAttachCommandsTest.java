package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.clusterregistry.ClusterRegistry;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.clusterregistry.ClusterAttachment;
import io.smm.operator.clusterregistry.ClusterRegistryController;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kube.Kubeconfig;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.InProcessCluster;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `smm istio cluster attach|detach|status` between two sandbox API servers, the primary running the
 * cluster registry controller as its clusterRegistry component would: attach forms the group and
 * ends when the primary reaches the peer, a second attach changes nothing, detach removes what attach
 * made on both sides and the copies synced between them, and a peer that cannot be reached or does
 * not accept its credentials gets one clear error with nothing written.
 */
class ClusterAttachCommandsTest {

  InProcessCluster primary;
  InProcessCluster peer;
  ClusterRegistryController controller;
  Path primaryConfig;
  Path peerConfig;
  StringWriter lastErr = new StringWriter();

  @BeforeEach
  void start(@TempDir Path dir) {
    primary = InProcessCluster.apiOnly();
    peer = InProcessCluster.apiOnly();
    for (SmmCrds.Kind kind : List.of(SmmCrds.CLUSTER, SmmCrds.CLUSTER_FEATURE, SmmCrds.RESOURCE_SYNC_RULE)) {
      primary.client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(kind)).create();
    }
    controller = new ClusterRegistryController(primary.client, new ClusterRegistryController.Settings(ClusterAttachment.NAMESPACE, "",
        "default", primary.api.url(), Duration.ofMillis(500), true));
    controller.start();
    primaryConfig = dir.resolve("primary.kubeconfig");
    peerConfig = dir.resolve("peer.kubeconfig");
    Kubeconfig.write(primaryConfig, primary.api.url());
    Kubeconfig.write(peerConfig, peer.api.url());
  }

  @AfterEach
  void stop() {
    controller.close();
    primary.close();
    peer.close();
  }

  /** A peer with the product installed keeps its CRDs as its install owns them: its next reconcile still accepts them. */
  @Test
  void attachLeavesThePeersOwnCrdsToItsInstall() throws Exception {
    var crds = new io.smm.operator.components.CrdsComponent();
    crds.apply(new io.smm.operator.resources.ResourceApplier(peer.client), "ControlPlane/smm");
    CliRun.Output attach = smm("istio", "cluster", "attach", peerConfig.toString(), "--active-istio-control-plane", "--name", "peer", "--wait-seconds", "60");
    assertThat(attach.code()).as(attach.out()).isZero();
    assertThat(peer.client.apiextensions().v1().customResourceDefinitions().withName(SmmCrds.CLUSTER.crdName()).get().getMetadata()
        .getLabels()).containsEntry("app.kubernetes.io/managed-by", "smm");
    crds.apply(new io.smm.operator.resources.ResourceApplier(peer.client), "ControlPlane/smm"); // what `smm sandbox up` failed on
  }

  @Test
  void attachFormsTheGroupAndDetachRemovesWhatItMadeOnBothSides() throws Exception {
    CliRun.Output attach = smm("istio", "cluster", "attach", peerConfig.toString(), "--active-istio-control-plane", "--name", "peer", "--wait-seconds", "60");
    assertThat(attach.code()).as(attach.out()).isZero();
    assertThat(attach.out()).contains("Attaching peer (" + peer.api.url() + "/) to smm-sandbox", "exchanging the Cluster resources",
        "waiting for smm-sandbox to reach peer", "Cluster peer attached");
    assertThat(state(primary.client, "peer")).isEqualTo("Ready");
    assertThat(cluster(peer.client, "smm-sandbox")).isNotNull();

    CliRun.Output status = smm("istio", "cluster", "status");
    assertThat(status.out()).as(lastErr.toString()).containsPattern("smm-sandbox +local").containsPattern("peer +peer +Available");

    long peerWrites = peer.api.writeRequests();
    CliRun.Output again = smm("istio", "cluster", "attach", peerConfig.toString(), "--active-istio-control-plane", "--name", "peer");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("Cluster peer is already attached; nothing changed.");
    assertThat(peer.api.writeRequests()).isEqualTo(peerWrites);

    // The group syncs: the peer's secret reaches the primary through a rule written there.
    peer.client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("shared")
        .endMetadata().build()).create();
    primary.client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("shared")
        .endMetadata().build()).create();
    peer.client.secrets().inNamespace("shared").resource(new SecretBuilder().withNewMetadata().withName("from-peer").endMetadata()
        .addToData("k", "dg==").build()).create();
    primary.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "ResourceSyncRule").resource(Serialization.unmarshal("""
        apiVersion: clusterregistry.k8s.cisco.com/v1alpha1
        kind: ResourceSyncRule
        metadata:
          name: shared-secrets
        spec:
          groupVersionKind: {version: v1, kind: Secret}
          rules:
          - match:
            - namespaces: [shared]
        """, GenericKubernetesResource.class)).create();
    Eventually.until(() -> primary.client.secrets().inNamespace("shared").withName("from-peer").get() != null, Duration.ofSeconds(60),
        "the peer's secret is synced to the primary");

    CliRun.Output detach = smm("istio", "cluster", "detach", peerConfig.toString(), "--name", "peer");
    assertThat(detach.code()).as(detach.out()).isZero();
    assertThat(detach.out()).contains("Cluster peer detached.");
    assertThat(cluster(primary.client, "peer")).isNull();
    assertThat(primary.client.secrets().inNamespace(ClusterAttachment.NAMESPACE).withName("peer").get()).isNull();
    assertThat(primary.client.secrets().inNamespace("shared").withName("from-peer").get()).as("the copy from the peer").isNull();
    assertThat(peer.client.secrets().inNamespace("shared").withName("from-peer").get()).as("the peer's own secret").isNotNull();
    assertThat(peer.client.namespaces().withLabel(ClusterAttachment.ATTACHED_BY).list().getItems()).isEmpty();
    assertThat(peer.client.rbac().clusterRoles().withLabel(ClusterAttachment.ATTACHED_BY).list().getItems()).isEmpty();
    assertThat(peer.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").list().getItems()).isEmpty();
    assertThat(cluster(primary.client, "smm-sandbox")).as("the primary keeps its own registration").isNotNull();
    assertThat(smm("istio", "cluster", "status").out()).doesNotContain("peer ");
    CliRun.Output detachAgain = smm("istio", "cluster", "detach", peerConfig.toString(), "--name", "peer");
    assertThat(detachAgain.code()).isZero();
    assertThat(detachAgain.out()).contains("Cluster peer is not attached; nothing changed.");
  }

  @Test
  void aPeerThatCannotBeReachedIsOneErrorAndNothingIsWritten() {
    EmbeddedApiServer gone = EmbeddedApiServer.start(0);
    String url = gone.url();
    gone.close();
    Kubeconfig.write(peerConfig, url);
    long writes = primary.api.writeRequests();
    StringWriter err = new StringWriter();
    CliRun.Output attach = CliRun.runCapturingErr(err, null, "-c", primaryConfig.toString(), "istio", "cluster", "attach",
        peerConfig.toString(), "--active-istio-control-plane", "--name", "peer");
    assertThat(attach.code()).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("Error: cannot reach peer cluster at " + url + "/: ").contains("Connection refused").doesNotContain("\tat ");
    assertThat(primary.api.writeRequests()).isEqualTo(writes);
  }

  @Test
  void aPeerThatRefusesTheCredentialsIsOneErrorAndNothingIsWritten() throws Exception {
    try (EmbeddedApiServer guarded = EmbeddedApiServer.startWithRbac(0)) {
      Files.writeString(peerConfig, Kubeconfig.yaml(guarded.url()).replace(Kubeconfig.TOKEN, "not-a-valid-token"));
      long writes = primary.api.writeRequests();
      long peerWrites = guarded.writeRequests();
      StringWriter err = new StringWriter();
      CliRun.Output attach = CliRun.runCapturingErr(err, null, "-c", primaryConfig.toString(), "istio", "cluster", "attach",
          peerConfig.toString(), "--active-istio-control-plane", "--name", "peer");
      assertThat(attach.code()).isEqualTo(1);
      assertThat(err.toString().strip()).containsIgnoringCase("unauthorized").doesNotContain("\tat ");
      assertThat(primary.api.writeRequests()).isEqualTo(writes);
      assertThat(guarded.writeRequests()).isEqualTo(peerWrites);
    }
  }

  @Test
  void aNameThatIsNotRfc1123IsRefusedWithTheConvertedOne() {
    StringWriter err = new StringWriter();
    CliRun.Output attach = CliRun.runCapturingErr(err, null, "-c", primaryConfig.toString(), "istio", "cluster", "attach",
        peerConfig.toString(), "--active-istio-control-plane", "--name", "gke_project_region");
    assertThat(attach.code()).isEqualTo(2);
    assertThat(err.toString()).contains("--name gke_project_region is not an RFC 1123 name (gke-project-region would be)");
    StringWriter noWait = new StringWriter();
    CliRun.Output refused = CliRun.runCapturingErr(noWait, null, "-c", primaryConfig.toString(), "istio", "cluster", "attach",
        peerConfig.toString(), "--active-istio-control-plane", "--name", "peer", "--wait-seconds", "0");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(noWait.toString()).contains("--wait-seconds must be at least 1, not 0");
    assertThat(peer.client.apiextensions().v1().customResourceDefinitions().withName(SmmCrds.CLUSTER.crdName()).get())
        .as("nothing written to the peer").isNull();
  }

  /** A network name a cluster could not use is refused before anything is read or written. */
  @Test
  void aBadNetworkNameIsRefusedBeforeAnythingIsWritten() {
    long writes = primary.api.writeRequests();
    CliRun.Output network = smm("istio", "cluster", "attach", peerConfig.toString(), "--active-istio-control-plane", "--network-name",
        "Net_1");
    assertThat(network.code()).isEqualTo(2);
    assertThat(lastErr.toString()).contains("--network-name Net_1 is not an RFC 1123 name");
    assertThat(primary.api.writeRequests()).isEqualTo(writes);
    assertThat(peer.client.apiextensions().v1().customResourceDefinitions().withName(SmmCrds.CLUSTER.crdName()).get()).isNull();
  }

  private CliRun.Output smm(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "-c";
    all[1] = primaryConfig.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    lastErr = new StringWriter();
    return CliRun.runCapturingErr(lastErr, null, all);
  }

  private static GenericKubernetesResource cluster(KubernetesClient client, String name) {
    return client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").withName(name).get();
  }

  private static String state(KubernetesClient client, String name) {
    Object status = cluster(client, name).getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? String.valueOf(m.get("state")) : "";
  }
}

package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.smm.sandbox.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sandboxes on one machine, each its own cluster (API server, Prometheus, dashboard), joined
 * with `smm istio cluster attach` as seed 2.7.1.2 does it: the command turns on both clusters'
 * cluster registry (whose controllers run in each sandbox, as the clusterRegistry component's pod),
 * the group forms, `smm istio cluster status` lists both Available, and each cluster receives the
 * other's IstioControlPlane as a PeerIstioControlPlane through the istio-operator's sync rules.
 * Detach undoes it on both sides.
 */
class MultiClusterE2ETest {

  static final ResourceDefinitionContext PEER_CONTROL_PLANES = new ResourceDefinitionContext.Builder()
      .withGroup("servicemesh.cisco.com").withVersion("v1alpha1").withKind("PeerIstioControlPlane").withPlural("peeristiocontrolplanes")
      .withNamespaced(true).build();
  static final ResourceDefinitionContext CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup("clusterregistry.k8s.cisco.com").withVersion("v1alpha1").withKind("Cluster").withPlural("clusters")
      .withNamespaced(false).build();

  @Test
  void twoSandboxesAttachIntoOneGroupAndDetach(@TempDir Path dir) throws Exception {
    Map<String, String> primaryEnv = Map.of("SMM_HOME", dir.resolve("primary").toString());
    Map<String, String> peerEnv = Map.of("SMM_HOME", dir.resolve("peer").toString());
    Path primaryConfig = dir.resolve("primary/sandbox/kubeconfig");
    Path peerConfig = dir.resolve("peer/sandbox/kubeconfig");
    SmmProcess primary = SmmProcess.start(primaryEnv, "sandbox", "up", "--cluster-name", "primary", "--port",
        Integer.toString(SandboxE2ETest.freePort()));
    SmmProcess peer = SmmProcess.start(peerEnv, "sandbox", "up", "--cluster-name", "peer", "--port",
        Integer.toString(SandboxE2ETest.freePort()));
    try {
      SandboxRestartE2ETest.dashboard(primary);
      SandboxRestartE2ETest.dashboard(peer);

      SmmProcess.Result attach = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "attach",
          peerConfig.toString(), "--name", "peer");
      assertThat(attach.exitCode()).as(attach.output()).isZero();
      assertThat(attach.output()).contains("enabling the cluster registry of primary", "enabling the cluster registry of peer",
          "Cluster peer attached");

      SmmProcess.Result status = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "status");
      assertThat(status.output()).containsPattern("primary +local +Available").containsPattern("peer +peer +Available");

      try (KubernetesClient primaryClient = SandboxRestartE2ETest.client(primaryConfig);
          KubernetesClient peerClient = SandboxRestartE2ETest.client(peerConfig)) {
        // The peer's own controller (in the peer sandbox) sees the primary too.
        Eventually.until(() -> ready(peerClient, "primary"), Duration.ofMinutes(2), "the peer's registry reaches the primary");
        Eventually.until(() -> peerClient.genericKubernetesResources(PEER_CONTROL_PLANES).inNamespace("istio-system")
            .withName("cp-v115x-primary").get() != null, Duration.ofMinutes(2), "the primary's control plane as a peer on the peer cluster");
        Eventually.until(() -> primaryClient.genericKubernetesResources(PEER_CONTROL_PLANES).inNamespace("istio-system")
            .withName("cp-v115x-peer").get() != null, Duration.ofMinutes(2), "the peer's control plane as a peer on the primary");

        SmmProcess.Result detach = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "detach",
            peerConfig.toString(), "--name", "peer");
        assertThat(detach.exitCode()).as(detach.output()).isZero();
        assertThat(primaryClient.genericKubernetesResources(CLUSTERS).withName("peer").get()).isNull();
        assertThat(peerClient.genericKubernetesResources(CLUSTERS).withName("primary").get()).isNull();
        assertThat(primaryClient.genericKubernetesResources(PEER_CONTROL_PLANES).inNamespace("istio-system").withName("cp-v115x-peer")
            .get()).as("the copy the primary made of the peer's control plane").isNull();
        assertThat(peerClient.genericKubernetesResources(PEER_CONTROL_PLANES).inNamespace("istio-system").withName("cp-v115x-primary")
            .get()).as("the copy the peer made of the primary's control plane").isNull();
        SmmProcess.Result after = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "status");
        assertThat(after.output()).containsPattern("primary +local").doesNotContainPattern("peer +peer");
      }
      SandboxRestartE2ETest.stop(peerEnv, peer);
      SandboxRestartE2ETest.stop(primaryEnv, primary);
    } finally {
      primary.process.destroyForcibly();
      peer.process.destroyForcibly();
    }
  }

  private static boolean ready(KubernetesClient client, String cluster) {
    GenericKubernetesResource c = client.genericKubernetesResources(CLUSTERS).withName(cluster).get();
    return c != null && c.getAdditionalProperties().get("status") instanceof Map<?, ?> s && "Ready".equals(s.get("state"));
  }
}

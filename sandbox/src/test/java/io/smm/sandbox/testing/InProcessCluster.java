package io.smm.sandbox.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.node.SandboxNode;
import io.smm.sandbox.kubelet.PodRuntime;
import java.util.List;
import java.util.function.Function;

/** For tests: the sandbox's API server (seeded) and, optionally, its kubelet, in this JVM. */
public final class InProcessCluster implements AutoCloseable {

  public final EmbeddedApiServer api;
  public final KubernetesClient client;
  private SandboxNode kubelet;

  private InProcessCluster(boolean withKubelet, Function<KubernetesClient, List<PodRuntime>> runtimes) {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    ClusterSeed.apply(client);
    if (withKubelet) {
      kubelet = new SandboxNode(client, "node-1", runtimes.apply(client));
      kubelet.start();
    }
  }

  private InProcessCluster(boolean withKubelet) {
    this(withKubelet, c -> List.of());
  }

  public static InProcessCluster withKubelet() {
    return new InProcessCluster(true);
  }

  /** With pod runtimes (made with this cluster's client) that run the pods they recognise. */
  public static InProcessCluster withKubelet(Function<KubernetesClient, List<PodRuntime>> runtimes) {
    return new InProcessCluster(true, runtimes);
  }

  /** The node (kubelet and controllers), e.g. for its pod proxy. */
  public SandboxNode node() {
    return kubelet;
  }

  public static InProcessCluster apiOnly() {
    return new InProcessCluster(false);
  }

  /** One pass of the kubelet and controllers now (claims bound, pods started), instead of waiting for their watches. */
  public void settle() {
    if (kubelet != null) {
      kubelet.reconcileOnce();
    }
  }

  /** Stops the kubelet, e.g. so that only the code under test writes to the API server. */
  public void stopKubelet() {
    if (kubelet != null) {
      kubelet.close();
      kubelet = null;
    }
  }

  @Override
  public void close() {
    stopKubelet();
    client.close();
    api.close();
  }
}

package io.smm.sandbox.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.demo.DemoRuntime;
import io.smm.sandbox.gateway.IngressGatewayRuntime;
import io.smm.sandbox.istiod.IstiodStandIn;
import io.smm.sandbox.istiod.MeshCa;
import io.smm.sandbox.istiod.RemoteClusters;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.node.SandboxNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A mesh for tests: the sandbox API server with Istio's CRDs and control plane cp-v115x (1.15.3),
 * a kubelet that runs demo pods with simulated sidecars, istiod pods with the stand-in and gateway pods, pod logs
 * and the pod proxy wired. Closed in reverse order.
 */
public final class SimulatedMesh implements AutoCloseable {

  public final EmbeddedApiServer api;
  public final KubernetesClient client;
  public final DemoRuntime runtime;
  public final IstiodStandIn istiod;
  public final SandboxNode kubelet;
  /** Gateway pods' data plane: here, a network gateway's east-west port. */
  public final IngressGatewayRuntime gateways;

  public SimulatedMesh(Map<String, Object> controlPlaneSpec) {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    ClusterSeed.apply(client);
    IstioFixtures.controlPlane(client, controlPlaneSpec);
    IstioFixtures.istioCrds(client);
    // istiod follows remote secrets as in a sandbox: two meshes joined by one are a multi-cluster mesh.
    runtime = new DemoRuntime(client, "test-cluster", MeshCa.create("cluster.local"),
        new RemoteClusters(client, "istio-system").start(Duration.ofMillis(500)));
    // It serves remote clusters' proxies too (a mesh whose control plane is PASSIVE, joined to this one).
    String url = api.url();
    istiod = new IstiodStandIn(client, runtime, "test-cluster", () -> io.smm.sandbox.kube.Kubeconfig.yaml(url));
    gateways = new IngressGatewayRuntime(client, Map.of());
    kubelet = new SandboxNode(client, "node-1", List.of(runtime, istiod, gateways));
    gateways.upstreams(kubelet::address);
    kubelet.start();
    api.podLogs(kubelet::logs);
    api.podProxy(kubelet::proxy);
  }

  public SimulatedMesh() {
    this(Map.of("version", "1.15.3"));
  }

  @Override
  public void close() {
    kubelet.close();
    gateways.close();
    istiod.close();
    runtime.close();
    client.close();
    api.close();
  }
}

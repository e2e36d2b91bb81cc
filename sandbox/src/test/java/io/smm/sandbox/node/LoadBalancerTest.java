package io.smm.sandbox.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.controllers.LoadBalancers;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kubelet.PodRuntime;
import io.smm.sandbox.testing.Eventually;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's load balancer as another cluster sees it: a LoadBalancer Service gets the load
 * balancer's own address, and a connection to that address and the Service's port reaches a pod of
 * the Service (its target port), as through a cloud load balancer; once the Service is gone nothing
 * listens there. The address is kept across restarts.
 */
class LoadBalancerTest {

  @TempDir
  Path home;
  EmbeddedApiServer api;
  KubernetesClient client;
  SandboxNode node;
  ServerSocket pod;
  InetAddress address;

  /** Runs pods of image "echo": their container port 9000 is a server that answers each line with "echo: " and the line. */
  final PodRuntime echo = new PodRuntime() {
    @Override
    public boolean runs(Pod p) {
      return p.getSpec().getContainers().stream().anyMatch(c -> c.getImage().equals("echo"));
    }

    @Override
    public void start(Pod p) {}

    @Override
    public void stop(Pod p) {}

    @Override
    public Optional<String> address(Pod p, int port) {
      return port == 9000 ? Optional.of("127.0.0.1:" + pod.getLocalPort()) : Optional.empty();
    }
  };

  @BeforeEach
  void start() throws IOException {
    pod = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread server = new Thread(() -> {
      while (!pod.isClosed()) {
        try (Socket s = pod.accept()) {
          String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
          s.getOutputStream().write(("echo: " + line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // next
        }
      }
    });
    server.setDaemon(true);
    server.start();
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    ClusterSeed.apply(client);
    address = LoadBalancers.of(home);
    node = new SandboxNode(client, "node-1", List.of(echo), address);
    node.start();
  }

  @AfterEach
  void stop() throws IOException {
    node.close();
    client.close();
    api.close();
    pod.close();
  }

  @Test
  void aConnectionToTheLoadBalancersAddressAndPortReachesAPodOfTheService() throws Exception {
    assertThat(address.isLoopbackAddress()).isTrue();
    assertThat(address.getHostAddress()).isNotEqualTo("127.0.0.1");
    assertThat(LoadBalancers.of(home)).as("kept for the next start").isEqualTo(address);
    client.apps().deployments().inNamespace("default").resource(new DeploymentBuilder().withNewMetadata().withName("gateway").endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "gateway").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "gateway").endMetadata().withNewSpec().addNewContainer()
        .withName("proxy").withImage("echo").addNewPort().withContainerPort(9000).endPort().endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("gateway").endMetadata()
        .withNewSpec().withType("LoadBalancer").addToSelector("app", "gateway").addNewPort().withName("tls").withPort(15443)
        .withTargetPort(new IntOrString(9000)).endPort().endSpec().build()).create();
    Eventually.until(() -> {
      var svc = client.services().inNamespace("default").withName("gateway").get();
      return svc.getStatus() != null && svc.getStatus().getLoadBalancer().getIngress() != null
          && address.getHostAddress().equals(svc.getStatus().getLoadBalancer().getIngress().get(0).getIp());
    }, Duration.ofSeconds(20), "the Service has the load balancer's address");
    String[] answer = new String[1];
    Eventually.until(() -> {
      answer[0] = ask(address, 15443, "hello");
      return "echo: hello".equals(answer[0]);
    }, Duration.ofSeconds(20), () -> "the pod answers through the load balancer, not " + answer[0]);

    client.services().inNamespace("default").withName("gateway").delete();
    Eventually.until(() -> ask(address, 15443, "again") == null, Duration.ofSeconds(20), "nothing listens once the Service is gone");
  }

  /** The line the other side answers; null when the connection is refused or closed without one. */
  private static String ask(InetAddress address, int port, String line) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      return null;
    }
  }
}

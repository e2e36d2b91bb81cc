package io.smm.sandbox.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.envoy.Upstreams;
import io.smm.sandbox.kubelet.PodNetwork;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.IstioFixtures;
import io.smm.sandbox.testing.SimulatedMesh;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 * A VM reaches istiod the way seed 2.9 wires it: istiod's name is the meshexpansion gateway's
 * address in the VM's /etc/hosts, the gateway's load balancer leads to its pod, and the pod's 15012
 * (a TLS PASSTHROUGH server of Gateway istiod-expansion-cp-v115x) follows the VirtualService's tls
 * route to istiod's 15012, where istiod answers the registration. Without that route, the gateway
 * pod or the hosts entry, the VM cannot reach istiod, and says why.
 */
class VmNetworkTest {

  static final String ISTIOD = "istiod-cp-v115x.istio-system.svc:15012";
  static final Map<String, String> GATEWAY_PODS = Map.of("gateway-name", "istio-meshexpansion-cp-v115x", "gateway-type", "ingress");

  @TempDir
  Path root;
  SimulatedMesh mesh;
  KubernetesClient client;
  VmNetwork network;

  @BeforeEach
  void start() throws Exception {
    mesh = new SimulatedMesh();
    client = mesh.client;
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n# BEGIN smm-agent: mesh addresses\n"
        + "127.0.0.1 istiod-cp-v115x.istio-system.svc\n# END smm-agent\n");
    network = new VmNetwork(root, client);
    IstioFixtures.crd(client, "networking.istio.io", "v1beta1", "Gateway");

    client.services().inNamespace("istio-system").resource(new ServiceBuilder().withNewMetadata().withName("istiod-cp-v115x").endMetadata()
        .withNewSpec().withSelector(Map.of("app", "istiod", "istio.io/rev", "cp-v115x.istio-system"))
        .addNewPort().withName("tls-xds").withPort(15012).withTargetPort(new IntOrString(15012)).endPort().endSpec().build()).create();
    client.pods().inNamespace("istio-system").resource(new PodBuilder().withNewMetadata().withName("istiod-cp-v115x-0")
        .withLabels(Map.of("app", "istiod", "istio.io/rev", "cp-v115x.istio-system")).endMetadata().withNewSpec().addNewContainer()
        .withName("discovery").withImage("docker.io/istio/pilot:1.15.3").addNewPort().withContainerPort(15012).endPort().endContainer()
        .endSpec().build()).create();
    var service = client.services().inNamespace("istio-system").resource(new ServiceBuilder().withNewMetadata()
        .withName("istio-meshexpansion-cp-v115x").endMetadata().withNewSpec().withType("LoadBalancer").withSelector(GATEWAY_PODS)
        .addNewPort().withName("tls-istiod").withPort(15012).withTargetPort(new IntOrString(15012)).endPort().endSpec().build()).create();
    service.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().addNewIngress().withIp("127.0.0.1").endIngress().endLoadBalancer()
        .build());
    client.services().inNamespace("istio-system").resource(service).updateStatus();
    client.pods().inNamespace("istio-system").resource(new PodBuilder().withNewMetadata().withName("istio-meshexpansion-cp-v115x-0")
        .withLabels(GATEWAY_PODS).endMetadata().withNewSpec().addNewContainer().withName("istio-proxy")
        .withImage("docker.io/istio/proxyv2:1.15.3").addNewPort().withContainerPort(15012).endPort().endContainer().endSpec().build()).create();
    // As the operator renders them for the meshexpansion gateway (conformance: istio-operator meshexpansion).
    create("Gateway", "istiod-expansion-cp-v115x", Map.of("selector", GATEWAY_PODS, "servers", List.of(Map.of(
        "hosts", List.of("*"), "port", Map.of("name", "tls-istiod", "number", 15012, "protocol", "TLS"), "tls", Map.of("mode", "PASSTHROUGH")))));
    create("VirtualService", "istiod-expansion-cp-v115x", Map.of("gateways", List.of("istiod-expansion-cp-v115x"), "hosts", List.of("*"),
        "tls", List.of(Map.of("match", List.of(Map.of("port", 15012, "sniHosts", List.of("*"))), "route", List.of(Map.of("destination",
            Map.of("host", "istiod-cp-v115x.istio-system.svc.cluster.local", "port", Map.of("number", 15012))))))));
    Eventually.until(() -> PodNetwork.routes(client.pods().inNamespace("istio-system").withName("istio-meshexpansion-cp-v115x-0").get())
        .containsKey(15012), Duration.ofSeconds(20), "the gateway pod's 15012 is on the pod network");
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  void create(String kind, String name, Map<String, Object> spec) {
    client.genericKubernetesResources("networking.istio.io/v1beta1", kind).inNamespace("istio-system").resource(
        new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind(kind).withNewMetadata().withName(name)
            .endMetadata().addToAdditionalProperties("spec", spec).build()).create();
  }

  /** What istiod answers a registration hello that names no group, or null when the connection closed unanswered. */
  String answer(String route) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(Upstreams.socketAddress(route), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write((Serialization.asJson(Map.of("token", "t", "metadata", Map.of("POD_NAMESPACE", "smm-demo"),
          "ip", "127.77.0.2", "hostname", "vm", "revision", "cp-v115x.istio-system")) + "\n").getBytes(StandardCharsets.UTF_8));
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  @Test
  void istiodsNameLeadsThroughTheMeshexpansionGatewaysPassthroughToIstiod() throws Exception {
    String route = network.route(ISTIOD);
    assertThat(route).isEqualTo(PodNetwork.routes(client.pods().inNamespace("istio-system").withName("istio-meshexpansion-cp-v115x-0")
        .get()).get(15012));
    assertThat(answer(route)).as("istiod's auto-registration answered")
        .isEqualTo("{\"error\":\"auto-registration needs POD_NAMESPACE, ISTIO_META_AUTO_REGISTER_GROUP and the proxy's IP\"}");

    // Without the VirtualService's tls route the gateway has nowhere to send the connection: it closes it.
    client.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("istio-system")
        .withName("istiod-expansion-cp-v115x").delete();
    Eventually.until(() -> {
      try {
        return answer(route) == null;
      } catch (Exception e) {
        return true; // reset
      }
    }, Duration.ofSeconds(10), "the gateway closes connections it has no route for");
  }

  @Test
  void withoutTheHostsEntryOrTheGatewayPodTheVmSaysWhyIstiodIsUnreachable() throws Exception {
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    assertThatThrownBy(() -> network.route(ISTIOD)).hasMessage("cannot resolve istiod-cp-v115x.istio-system.svc: no entry in the VM's /etc/hosts");
    assertThatThrownBy(() -> network.route("127.0.0.1:15999")).hasMessageContaining("nothing answers at 127.0.0.1:15999");

    client.pods().inNamespace("istio-system").withName("istio-meshexpansion-cp-v115x-0").delete();
    Eventually.until(() -> client.pods().inNamespace("istio-system").withName("istio-meshexpansion-cp-v115x-0").get() == null,
        Duration.ofSeconds(20), "the gateway pod is gone");
    assertThatThrownBy(() -> network.route("127.0.0.1:15012"))
        .hasMessage("127.0.0.1:15012 (istio-meshexpansion-cp-v115x) has no running pod behind it");
  }
}

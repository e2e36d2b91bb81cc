package io.smm.backend.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.SimulatedMesh;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Mesh page's control plane drill-down against the sandbox's istiod stand-in, reached through the API server's pod proxy. */
class ControlPlaneDetailServiceTest {

  SimulatedMesh mesh;
  KubernetesClient client;
  ControlPlaneDetailService service;

  @BeforeEach
  void start() throws Exception {
    mesh = new SimulatedMesh(Map.of("version", "1.15.3", "meshConfig", Map.of("trustDomain", "cluster.local")));
    client = mesh.client;
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    service = new ControlPlaneDetailService(client, new PrometheusClient(URI.create("http://127.0.0.1:" + closed), Duration.ofSeconds(2), 2),
        ForkJoinPool.commonPool());
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  @Test
  void podsProxiesWithTheirSyncStatusAndTheTrustBundle() throws Exception {
    assertThat(service.detail("istio-system", "cp-v115x", Duration.ofHours(1)).join().proxyStatusError())
        .isEqualTo("no istiod pod of cp-v115x.istio-system is running");
    client.pods().inNamespace("istio-system").resource(new PodBuilder().withNewMetadata().withName("istiod-cp-v115x-1")
        // Labelled as the istio-discovery chart labels istiod pods: never injected.
        .addToLabels("app", "istiod").addToLabels("istio.io/rev", "cp-v115x.istio-system").addToLabels("sidecar.istio.io/inject", "false")
        .endMetadata()
        .withNewSpec().addNewContainer().withName("discovery").withImage("docker.io/istio/pilot:1.15.3")
        .addNewPort().withContainerPort(15014).endPort().endContainer().endSpec().build()).create();
    DemoWorkloads.namespace(client, "shop", true);
    DemoWorkloads.workload(client, "shop", "frontpage", Map.of());
    Eventually.until(() -> {
      ControlPlaneDetail d = service.detail("istio-system", "cp-v115x", Duration.ofHours(1)).join();
      return d.proxies().size() == 1 && d.proxies().get(0).rds().equals("SYNCED") && !d.trustBundle().isEmpty();
    }, Duration.ofSeconds(30), "the frontpage proxy is synced and the trust bundle published");
    ControlPlaneDetail d = service.detail("istio-system", "cp-v115x", Duration.ofHours(1)).join();
    assertThat(d.revision()).isEqualTo("cp-v115x.istio-system");
    assertThat(d.version()).isEqualTo("1.15.3");
    assertThat(d.trustDomain()).isEqualTo("cluster.local");
    assertThat(d.pods()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("istiod-cp-v115x-1");
      assertThat(p.phase()).isEqualTo("Running");
      assertThat(p.ready()).isTrue();
    });
    assertThat(d.proxyStatusError()).isNull();
    ControlPlaneDetail.ProxySync frontpage = d.proxies().get(0);
    assertThat(frontpage.namespace()).isEqualTo("shop");
    assertThat(frontpage.pod()).startsWith("frontpage-v1-");
    assertThat(frontpage.istioVersion()).isEqualTo("1.15.3");
    assertThat(List.of(frontpage.cds(), frontpage.lds(), frontpage.eds(), frontpage.rds())).containsOnly("SYNCED");
    assertThat(d.trustBundle()).singleElement().satisfies(c -> {
      assertThat(c.subject()).isEqualTo("O=cluster.local");
      assertThat(c.issuer()).isEqualTo("O=cluster.local");
      assertThat(c.ca()).isTrue();
      assertThat(c.sha256()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    });
    assertThat(d.errors()).as("Prometheus is down: the charts say so, the rest is there").isNotEmpty()
        .allMatch(e -> e.startsWith("Prometheus"));
    assertThat(service.detail("istio-system", "nope", Duration.ofHours(1)).join()).isNull();
  }

  @Test
  void theSyncStatusReadsAsIstioctlProxyStatusDoes() throws Exception {
    var json = Serialization.jsonMapper().readTree(
        "{\"cluster_sent\":\"a\",\"cluster_acked\":\"a\",\"route_sent\":\"b\",\"route_acked\":\"a\"}");
    assertThat(ControlPlaneDetailService.xdsStatus(json, "cluster")).isEqualTo("SYNCED");
    assertThat(ControlPlaneDetailService.xdsStatus(json, "route")).isEqualTo("STALE");
    assertThat(ControlPlaneDetailService.xdsStatus(json, "endpoint")).isEqualTo("NOT SENT");
  }
}

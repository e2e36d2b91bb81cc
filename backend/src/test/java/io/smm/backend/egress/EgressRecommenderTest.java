package io.smm.backend.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.istio.IstioConfigService;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.IstioFixtures;
import io.smm.sandbox.testing.SyntheticPrometheus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sidecar recommendations from what Prometheus saw a workload or namespace call. */
class EgressRecommenderTest {

  @TempDir
  static Path dir;
  static SyntheticPrometheus prometheus;
  static EmbeddedApiServer api;
  static KubernetesClient client;
  static EgressRecommender recommender;
  static final long NOW = Instant.now().getEpochSecond() / 15 * 15;

  static Map<String, String> call(String workload, String service, String serviceNamespace) {
    Map<String, String> l = new HashMap<>(Map.of("reporter", "source", "source_workload", workload, "source_workload_namespace",
        "smm-demo", "destination_service", service, "destination_service_namespace", serviceNamespace));
    return l;
  }

  @BeforeAll
  static void start() throws Exception {
    prometheus = new SyntheticPrometheus()
        .counter("istio_requests_total", call("payments-v1", "notifications.smm-demo.svc.cluster.local", "smm-demo"), NOW - 600, NOW, 2, 0)
        .counter("istio_requests_total", call("payments-v1", "PassthroughCluster", "unknown"), NOW - 600, NOW, 1, 0)
        .counter("istio_tcp_connections_opened_total", call("payments-v1", "ledger.finance.svc.cluster.local", "finance"),
            NOW - 600, NOW, 0.5, 0)
        .counter("istio_requests_total", call("bookings-v1", "payments.smm-demo.svc.cluster.local", "smm-demo"), NOW - 600, NOW, 2, 0)
        .counter("istio_requests_total", call("idle-v1", "payments.smm-demo.svc.cluster.local", "smm-demo"), NOW - 600, NOW, 0, 0)
        .start(dir);
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    IstioFixtures.istioCrds(client);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo").endMetadata().build()).create();
    for (String w : new String[] {"payments-v1", "idle-v1"}) {
      client.apps().deployments().inNamespace("smm-demo").resource(DemoWorkloads.minimalDeployment(w,
          Map.of("app", w.replace("-v1", ""), "version", "v1"))).create();
    }
    recommender = new EgressRecommender(client, new PrometheusClient(URI.create(prometheus.url()), Duration.ofSeconds(10), 4));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    api.close();
    prometheus.close();
  }

  @Test
  void aWorkloadGetsTheServicesItCalledAndItsOwnSelector() throws Exception {
    EgressRecommendation r = recommender.recommend("smm-demo", "payments-v1", Duration.ofHours(1)).get();
    assertThat(r.hosts()).containsExactly("./notifications.smm-demo.svc.cluster.local", "finance/ledger.finance.svc.cluster.local");
    assertThat(r.selector()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "payments", "version", "v1"));
    assertThat(r.name()).isEqualTo("payments-v1");
    assertThat(r.replacesExisting()).isFalse();

    // Saved through the same validated path as any resource; a second recommendation then updates it.
    IstioConfigService istio = new IstioConfigService(client, () -> "c1");
    assertThat(istio.apply(r.yaml(), false).applied()).isTrue();
    EgressRecommendation again = recommender.recommend("smm-demo", "payments-v1", Duration.ofHours(1)).get();
    assertThat(again.replacesExisting()).isTrue();
    assertThat(istio.apply(again.yaml(), false).created()).isFalse();
  }

  @Test
  void aNamespaceGetsTheNamespacesItsWorkloadsCalled() throws Exception {
    EgressRecommendation r = recommender.recommend("smm-demo", null, Duration.ofHours(1)).get();
    assertThat(r.hosts()).containsExactly("./*", "finance/*");
    assertThat(r.name()).isEqualTo("default");
    assertThat(r.yaml()).doesNotContain("workloadSelector");
  }

  @Test
  void nothingCalledOrNoSuchWorkloadIsAClearError() {
    assertThatThrownBy(() -> recommender.recommend("smm-demo", "idle-v1", Duration.ofHours(1)).join())
        .hasRootCauseInstanceOf(IllegalArgumentException.class).rootCause().hasMessageContaining("nothing to recommend");
    assertThatThrownBy(() -> recommender.recommend("smm-demo", "bookings-v1", Duration.ofHours(1)).join())
        .rootCause().hasMessageContaining("workload smm-demo/bookings-v1 not found");
  }
}

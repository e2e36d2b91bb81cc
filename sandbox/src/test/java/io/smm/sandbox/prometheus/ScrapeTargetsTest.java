package io.smm.sandbox.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrapeTargetsTest {

  final ScrapeTargets targets = new ScrapeTargets((pod, port) -> "127.0.0.1:" + (port + 1000));

  static PodBuilder pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop")
        .addToLabels("app.kubernetes.io/name", "cart").addToLabels("app", "cart").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("cart").addNewPort().withContainerPort(8080).endPort()
        .endContainer().endSpec()
        .withNewStatus().withPhase("Running").withPodIP("10.244.0.9").endStatus();
  }

  @Test
  void annotatedPodsAreScrapedOnTheirPortAndPathWithKubernetesLabels() {
    Pod p = pod("cart-1").editMetadata().addToAnnotations("prometheus.io/scrape", "true")
        .addToAnnotations("prometheus.io/port", "9100").addToAnnotations("prometheus.io/path", "/stats").endMetadata().build();
    var groups = targets.of(List.of(p));
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).targets()).containsExactly("127.0.0.1:10100");
    assertThat(groups.get(0).labels()).containsEntry("job", "kubernetes-pods").containsEntry("namespace", "shop")
        .containsEntry("pod", "cart-1").containsEntry("__metrics_path__", "/stats")
        .containsEntry("app_kubernetes_io_name", "cart").containsEntry("app", "cart");
  }

  @Test
  void withoutAPortAnnotationTheFirstDeclaredPortIsUsed() {
    Pod p = pod("cart-2").editMetadata().addToAnnotations("prometheus.io/scrape", "true").endMetadata().build();
    assertThat(targets.of(List.of(p)).get(0).targets()).containsExactly("127.0.0.1:9080");
    assertThat(targets.of(List.of(p)).get(0).labels()).containsEntry("__metrics_path__", "/metrics");
  }

  @Test
  void sidecarsAreScrapedAsEnvoyStatsAndUnannotatedOrPendingPodsAreNot() {
    Pod meshed = pod("cart-3").editSpec().addNewContainer().withName("istio-proxy").withImage("proxyv2").endContainer().endSpec().build();
    Pod plain = pod("cart-4").build();
    Pod pending = pod("cart-5").editMetadata().addToAnnotations("prometheus.io/scrape", "true").endMetadata()
        .editStatus().withPhase("Pending").endStatus().build();
    var groups = targets.of(List.of(meshed, plain, pending));
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).labels()).containsEntry("job", "envoy-stats").containsEntry("__metrics_path__", "/stats/prometheus");
    assertThat(groups.get(0).targets()).containsExactly("127.0.0.1:" + (ScrapeTargets.ENVOY_STATS_PORT + 1000));
  }
}

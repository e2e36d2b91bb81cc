package io.smm.backend.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kube.EmbeddedApiServer;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Generate load: a load generator pod the cluster runs and ends, or a clear refusal that creates nothing. */
class LoadGeneratorTest {

  EmbeddedApiServer api;
  KubernetesClient client;
  LoadGenerator load;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo").endMetadata().build()).create();
    load = new LoadGenerator(client);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  static Map<String, String> env(Pod p) {
    return p.getSpec().getContainers().get(0).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void aRunIsAPodOfTheDemoLoadGeneratorThatKubernetesEndsAfterTheDuration() {
    LoadGenerator.Run run = load.start(new LoadGenerator.Request("smm-demo", "http://frontpage.smm-demo:8080/api", "post",
        Map.of("x-tenant", "blue"), 25, 120));
    Pod pod = client.pods().inNamespace("smm-demo").withName(run.pod()).get();
    assertThat(pod.getMetadata().getName()).startsWith("smm-load-");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app", "smm-load");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(180L);
    assertThat(env(pod)).containsEntry("ROLE", "loadgen").containsEntry("TARGET", "http://frontpage.smm-demo:8080/api")
        .containsEntry("METHOD", "POST").containsEntry("HEADERS", "x-tenant=blue").containsEntry("MIN_RPS", "25.0")
        .containsEntry("MAX_RPS", "25.0").containsEntry("DURATION_SECONDS", "120");
  }

  @Test
  void finishedRunsAreRemovedWhenTheNextStarts() {
    LoadGenerator.Run first = load.start(new LoadGenerator.Request("smm-demo", "http://frontpage:8080/", "GET", Map.of(), 1, 1));
    Pod done = client.pods().inNamespace("smm-demo").withName(first.pod()).get();
    done.setStatus(new PodStatusBuilder().withPhase("Failed").withReason("DeadlineExceeded").build());
    client.pods().inNamespace("smm-demo").resource(done).updateStatus();
    LoadGenerator.Run second = load.start(new LoadGenerator.Request("smm-demo", "http://frontpage:8080/", "GET", Map.of(), 1, 1));
    assertThat(client.pods().inNamespace("smm-demo").list().getItems()).extracting(p -> p.getMetadata().getName())
        .containsExactly(second.pod());
  }

  @Test
  void whatCannotWorkIsRefusedAndNothingIsCreated() {
    assertThatThrownBy(() -> load.start(new LoadGenerator.Request("smm-demo", "https://frontpage/", "GET", Map.of(), 1, 10)))
        .hasMessageContaining("the URL must be http://host[:port]/path");
    assertThatThrownBy(() -> load.start(new LoadGenerator.Request("smm-demo", "http://frontpage/", "BREW", Map.of(), 1, 10)))
        .hasMessageContaining("method must be one of");
    assertThatThrownBy(() -> load.start(new LoadGenerator.Request("smm-demo", "http://frontpage/", "GET", Map.of(), 5000, 10)))
        .hasMessageContaining("requests per second must be above 0 and at most 1000");
    assertThatThrownBy(() -> load.start(new LoadGenerator.Request("smm-demo", "http://frontpage/", "GET", Map.of(), 1, 0)))
        .hasMessageContaining("duration must be between 1 and 3600 seconds");
    assertThatThrownBy(() -> load.start(new LoadGenerator.Request("smm-demo", "http://frontpage/", "GET", Map.of("bad header", "x"), 1, 10)))
        .hasMessageContaining("is not a header name");
    assertThatThrownBy(() -> load.start(new LoadGenerator.Request("nowhere", "http://frontpage/", "GET", Map.of(), 1, 10)))
        .hasMessageContaining("there is no namespace nowhere");
    assertThat(client.pods().inAnyNamespace().list().getItems()).isEmpty();
  }
}

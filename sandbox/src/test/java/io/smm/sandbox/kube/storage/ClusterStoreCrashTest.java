package io.smm.sandbox.kube.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.smm.sandbox.testing.TestTimeouts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's promise, kept by the sandbox: an API server killed with SIGKILL while four clients
 * create, change and delete objects comes back (a new process on the same directory) with every
 * write it acknowledged, and continues resource versions after the newest one.
 */
class ClusterStoreCrashTest {

  static final String NS = "default";
  static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
      .withGroup("example.com").withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true).build();

  /** What a name should hold after the crash: its value, or empty when its deletion was acknowledged. */
  final Map<String, Optional<String>> acknowledged = new ConcurrentHashMap<>();
  /** A name whose write was in flight when the server died: either outcome is allowed. */
  final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  @Test
  void everyAcknowledgedWriteSurvivesAKillDuringWrites(@TempDir Path dir) throws Exception {
    Process first = start(dir);
    String url = awaitReady(first);
    long newestBefore = 0;
    try (KubernetesClient client = client(url)) {
      client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
          .withNewMetadata().withName("widgets.example.com").endMetadata()
          .withNewSpec().withGroup("example.com").withScope("Namespaced")
          .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").endNames()
          .addNewVersion().withName("v1").withServed(true).withStorage(true)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
          .endVersion().endSpec().build()).create();
      client.genericKubernetesResources(WIDGETS).inNamespace(NS).resource(new GenericKubernetesResourceBuilder()
          .withApiVersion("example.com/v1").withKind("Widget").withNewMetadata().withName("gear").withNamespace(NS).endMetadata()
          .addToAdditionalProperties("spec", Map.of("teeth", 12)).build()).create();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger acks = new AtomicInteger();
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int writer = t;
        writers.add(CompletableFuture.runAsync(() -> write(client, writer, stop, acks)));
      }
      long deadline = System.nanoTime() + TestTimeouts.scaled(Duration.ofSeconds(60)).toNanos();
      while (acks.get() < 400 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(acks.get()).as("writes acknowledged before the kill").isGreaterThanOrEqualTo(400);
      first.toHandle().destroyForcibly(); // SIGKILL, mid-write
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      stop.set(true);
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(TestTimeouts.scaled(Duration.ofSeconds(60)).toSeconds(), TimeUnit.SECONDS);
    }

    Process second = start(dir);
    try (KubernetesClient client = client(awaitReady(second))) {
      Map<String, ConfigMap> found = new ConcurrentHashMap<>();
      for (ConfigMap cm : client.configMaps().inNamespace(NS).list().getItems()) {
        found.put(cm.getMetadata().getName(), cm);
        newestBefore = Math.max(newestBefore, Long.parseLong(cm.getMetadata().getResourceVersion()));
      }
      int checked = 0;
      for (var e : acknowledged.entrySet()) {
        if (inFlight.contains(e.getKey())) {
          continue;
        }
        checked++;
        if (e.getValue().isEmpty()) {
          assertThat(found).as("acknowledged deletion of " + e.getKey()).doesNotContainKey(e.getKey());
        } else {
          assertThat(found).as("acknowledged write of " + e.getKey()).containsKey(e.getKey());
          assertThat(found.get(e.getKey()).getData()).as(e.getKey()).containsEntry("value", e.getValue().get());
        }
      }
      assertThat(checked).as("names whose last write was acknowledged").isGreaterThan(200);
      GenericKubernetesResource gear = client.genericKubernetesResources(WIDGETS).inNamespace(NS).withName("gear").get();
      assertThat(gear).as("a custom resource and its definition are restored").isNotNull();
      assertThat(gear.getAdditionalProperties().get("spec")).isEqualTo(Map.of("teeth", 12));

      ConfigMap after = client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
          .withNewMetadata().withName("after-restart").endMetadata().addToData("value", "x").build()).create();
      assertThat(Long.parseLong(after.getMetadata().getResourceVersion()))
          .as("resource versions continue after the newest restored one").isGreaterThan(newestBefore);
      // UIDs are unique across processes, as kube-apiserver's: a new object never gets a restored object's UID.
      Set<String> restoredUids = new java.util.HashSet<>();
      found.values().forEach(cm -> restoredUids.add(cm.getMetadata().getUid()));
      for (int i = 0; i < 50; i++) {
        ConfigMap fresh = client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
            .withNewMetadata().withName("fresh-" + i).endMetadata().build()).create();
        assertThat(restoredUids).as("UID of a new object").doesNotContain(fresh.getMetadata().getUid());
      }
    } finally {
      second.toHandle().destroyForcibly();
      second.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Creates, updates and deletes its own ConfigMaps, one request at a time, until the server dies. */
  void write(KubernetesClient client, int writer, AtomicBoolean stop, AtomicInteger acks) {
    var configMaps = client.configMaps().inNamespace(NS);
    for (int i = 0; !stop.get(); i++) {
      String name = "w" + writer + "-" + i;
      try {
        acknowledge(name, Optional.of("v1"), acks, () -> configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName(name)
            .endMetadata().addToData("value", "v1").build()).create());
        String earlier = "w" + writer + "-" + (i - 1);
        if (i % 3 == 2) {
          acknowledge(earlier, Optional.of("v2"), acks,
              () -> configMaps.withName(earlier).edit(cm -> new ConfigMapBuilder(cm).addToData("value", "v2").build()));
        }
        String older = "w" + writer + "-" + (i - 2);
        if (i % 5 == 4) {
          acknowledge(older, Optional.empty(), acks, () -> configMaps.withName(older).delete());
        }
      } catch (RuntimeException e) {
        return; // the server was killed: this write's outcome is unknown, and its name stays in inFlight
      }
    }
  }

  /** Runs one write of {@code name}; once the server answered it, {@code state} is what the name must hold after the crash. */
  void acknowledge(String name, Optional<String> state, AtomicInteger acks, Runnable write) {
    inFlight.add(name);
    write.run();
    acknowledged.put(name, state);
    inFlight.remove(name);
    acks.incrementAndGet();
  }

  static KubernetesClient client(String url) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(url).withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(5_000).withRequestTimeout(10_000).build()).build();
  }

  static Process start(Path dir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        DurableApiServerProcess.class.getName(), dir.toString()).redirectErrorStream(true).start();
  }

  static String awaitReady(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      StringBuilder seen = new StringBuilder();
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith("READY ")) {
            return line.substring("READY ".length());
          }
          seen.append(line).append('\n');
        }
      } catch (IOException e) {
        // fall through
      }
      throw new IllegalStateException("the API server process ended without starting:\n" + seen);
    });
    String url = ready.get(TestTimeouts.scaled(Duration.ofSeconds(60)).toSeconds(), TimeUnit.SECONDS);
    // Keep draining its output so that it never blocks on a full pipe.
    CompletableFuture.runAsync(() -> {
      try {
        while (out.readLine() != null) {
          // discard
        }
      } catch (IOException e) {
        // ended
      }
    });
    return url;
  }
}

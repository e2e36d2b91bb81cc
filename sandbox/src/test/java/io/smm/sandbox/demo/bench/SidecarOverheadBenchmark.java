package io.smm.sandbox.demo.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.demo.DemoRuntime;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.node.SandboxNode;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.IstioFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test: requests/s a demo workload serves when each request makes one call to
 * another workload, with both in the mesh (simulated sidecars: routing, metrics from both
 * reporters) and with neither. Median of several 5 s rounds; writes sandbox/target/sidecar-bench.json.
 */
public final class SidecarOverheadBenchmark {

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    try (EmbeddedApiServer api = EmbeddedApiServer.start(0); KubernetesClient client = api.newClient()) {
      ClusterSeed.apply(client);
      IstioFixtures.controlPlane(client, Map.of("version", "1.15.3"));
      DemoRuntime runtime = new DemoRuntime(client, "bench");
      SandboxNode kubelet = new SandboxNode(client, "bench", List.of(runtime));
      kubelet.start();
      try {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshed")
            .addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata().build()).create();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("plain").endMetadata().build()).create();
        for (String ns : List.of("meshed", "plain")) {
          workload(client, ns, "caller", "target");
          workload(client, ns, "target", "");
        }
        Eventually.until(() -> client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> p.getMetadata().getNamespace().matches("meshed|plain") && runtime.address(p, 8080).isPresent())
            .count() == 4, Duration.ofSeconds(30), "the four pods run");
        String meshed = runtime.address(client.pods().inNamespace("meshed").withLabel("app", "caller").list().getItems().get(0), 8080).orElseThrow();
        String plain = runtime.address(client.pods().inNamespace("plain").withLabel("app", "caller").list().getItems().get(0), 8080).orElseThrow();
        List<Double> withSidecar = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        load(meshed, Duration.ofSeconds(2)); // warm-up
        load(plain, Duration.ofSeconds(2));
        for (int i = 0; i < rounds; i++) {
          withSidecar.add(load(meshed, Duration.ofSeconds(5)));
          without.add(load(plain, Duration.ofSeconds(5)));
        }
        double m = median(withSidecar);
        double p = median(without);
        String json = String.format("{%n  \"rounds\": %d,%n  \"requestsPerSecondWithSidecars\": %.1f,%n"
            + "  \"requestsPerSecondWithoutSidecars\": %.1f,%n  \"ratio\": %.3f%n}%n", rounds, m, p, m / p);
        write(json, args, "sandbox/target/sidecar-bench.json");
      } finally {
        kubelet.close();
        runtime.close();
      }
    }
  }

  /** Writes a benchmark's JSON to its second argument (else {@code fallback}) and prints it. */
  static void write(String json, String[] args, String fallback) throws IOException {
    Path out = Path.of(args.length > 1 ? args[1] : fallback);
    Files.createDirectories(out.getParent());
    Files.writeString(out, json);
    System.out.print(json);
  }

  static void workload(KubernetesClient client, String ns, String app, String calls) {
    DemoWorkloads.workload(client, ns, app, calls.isEmpty() ? Map.of("LATENCY_MS", "0")
        : Map.of("REQUESTS", "http://" + calls + ":8080/#1", "LATENCY_MS", "0"));
  }

  /** Requests per second 8 concurrent clients get from the caller at {@code hostPort}. */
  static double load(String hostPort, Duration duration) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPort + "/")).build();
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          try {
            http.send(request, HttpResponse.BodyHandlers.discarding());
            done.incrementAndGet();
          } catch (Exception e) {
            return;
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return done.get() / (duration.toNanos() / 1e9);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}

package io.smm.sandbox.demo.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.demo.DemoRuntime;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.node.SandboxNode;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.IstioFixtures;
import io.smm.sandbox.tracing.ZipkinServer;
import java.net.InetAddress;
import java.net.ServerSocket;
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

/**
 * Benchmark, not a test: what tracing adds to the simulated sidecars. One mesh, two control planes
 * that differ only in tracing (cp-v115x: enableTracing false; cp-traced: every request sampled,
 * spans to the real Zipkin server), a caller and a target in each; per-request latency through both
 * sidecars (one client, medians and P99) and requests/s with 8 clients, alternating rounds. Writes
 * sandbox/target/tracing-bench.json with the ratios traced / untraced.
 */
public final class TracingOverheadBenchmark {

  static final String COLLECTOR = "zipkin.bench.svc.cluster.local:9411";

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path work = Files.createTempDirectory("tracing-bench");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (ZipkinServer zipkin = new ZipkinServer(work, port, pid -> {});
        EmbeddedApiServer api = EmbeddedApiServer.start(0); KubernetesClient client = api.newClient()) {
      zipkin.start(Duration.ofSeconds(120));
      ClusterSeed.apply(client);
      IstioFixtures.controlPlane(client, Map.of("version", "1.15.3", "meshConfig", Map.of("enableTracing", false)));
      client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane").inNamespace("istio-system")
          .resource(new GenericKubernetesResourceBuilder().withApiVersion("servicemesh.cisco.com/v1alpha1").withKind("IstioControlPlane")
              .withNewMetadata().withName("cp-traced").withNamespace("istio-system").endMetadata()
              .addToAdditionalProperties("spec", Map.of("version", "1.15.3", "meshConfig", Map.of("enableTracing", true,
                  "defaultConfig", Map.of("tracing", Map.of("sampling", 100.0, "zipkin", Map.of("address", COLLECTOR)))))).build()).create();
      DemoRuntime runtime = new DemoRuntime(client, "bench");
      runtime.mapMeshAddress(COLLECTOR, zipkin.address());
      SandboxNode kubelet = new SandboxNode(client, "bench", List.of(runtime));
      kubelet.start();
      try {
        namespace(client, "traced", "cp-traced.istio-system");
        namespace(client, "untraced", "cp-v115x.istio-system");
        for (String ns : List.of("traced", "untraced")) {
          SidecarOverheadBenchmark.workload(client, ns, "caller", "target");
          SidecarOverheadBenchmark.workload(client, ns, "target", "");
        }
        Eventually.until(() -> client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> p.getMetadata().getNamespace().matches("traced|untraced") && runtime.address(p, 8080).isPresent())
            .count() == 4, Duration.ofSeconds(30), "the four pods run");
        String traced = caller(client, runtime, "traced");
        String untraced = caller(client, runtime, "untraced");
        SidecarOverheadBenchmark.load(traced, Duration.ofSeconds(2)); // warm-up
        SidecarOverheadBenchmark.load(untraced, Duration.ofSeconds(2));
        List<Double> latencyOn = new ArrayList<>();
        List<Double> latencyOff = new ArrayList<>();
        List<Double> p99On = new ArrayList<>();
        List<Double> p99Off = new ArrayList<>();
        List<Double> rpsOn = new ArrayList<>();
        List<Double> rpsOff = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
          double[] on = latencies(traced, 500);
          double[] off = latencies(untraced, 500);
          latencyOn.add(on[0]);
          p99On.add(on[1]);
          latencyOff.add(off[0]);
          p99Off.add(off[1]);
          rpsOn.add(SidecarOverheadBenchmark.load(traced, Duration.ofSeconds(5)));
          rpsOff.add(SidecarOverheadBenchmark.load(untraced, Duration.ofSeconds(5)));
        }
        HttpResponse<String> services = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(zipkin.url()
            + "/api/v2/services")).build(), HttpResponse.BodyHandlers.ofString());
        String json = String.format("{%n  \"rounds\": %d,%n  \"medianLatencyMsTracingOn\": %.3f,%n  \"medianLatencyMsTracingOff\": %.3f,%n"
                + "  \"latencyRatio\": %.3f,%n  \"p99LatencyMsTracingOn\": %.3f,%n  \"p99LatencyMsTracingOff\": %.3f,%n"
                + "  \"p99Ratio\": %.3f,%n  \"requestsPerSecondTracingOn\": %.1f,%n  \"requestsPerSecondTracingOff\": %.1f,%n"
                + "  \"throughputRatio\": %.3f,%n  \"zipkinServices\": %s%n}%n", rounds,
            median(latencyOn), median(latencyOff), median(latencyOn) / median(latencyOff), median(p99On), median(p99Off),
            median(p99On) / median(p99Off), median(rpsOn), median(rpsOff), median(rpsOn) / median(rpsOff), services.body());
        SidecarOverheadBenchmark.write(json, args, "sandbox/target/tracing-bench.json");
      } finally {
        kubelet.close();
        runtime.close();
      }
    }
  }

  static void namespace(KubernetesClient client, String name, String revision) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("istio.io/rev", revision)
        .endMetadata().build()).create();
  }

  static String caller(KubernetesClient client, DemoRuntime runtime, String ns) {
    return runtime.address(client.pods().inNamespace(ns).withLabel("app", "caller").list().getItems().get(0), 8080).orElseThrow();
  }

  /** Median and P99 (ms) of {@code n} requests one after another to the caller (each one call through both sidecars). */
  static double[] latencies(String hostPort, int n) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPort + "/")).build();
    List<Double> ms = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      http.send(request, HttpResponse.BodyHandlers.discarding());
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    Collections.sort(ms);
    return new double[] {ms.get(n / 2), ms.get((int) Math.ceil(n * 0.99) - 1)};
  }

  static double median(List<Double> values) {
    return SidecarOverheadBenchmark.median(values);
  }
}

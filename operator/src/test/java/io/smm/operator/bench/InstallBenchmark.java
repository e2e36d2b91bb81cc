package io.smm.operator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.operator.Installer;
import io.smm.operator.ReconcileProgress;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.node.SandboxNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Benchmark, not a test: wall time and API requests of a full install and of a no-op reconcile
 * against the sandbox API server, medians over several runs. Run by scripts/bench-operator;
 * writes operator/target/bench.json.
 */
public final class InstallBenchmark {

  record Sample(double seconds, long requests, long writes) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<Sample> installs = new ArrayList<>();
    List<Sample> noops = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < runs; i++) {
      try (EmbeddedApiServer api = EmbeddedApiServer.start(0); KubernetesClient client = api.newClient()) {
        ClusterSeed.apply(client);
        SandboxNode kubelet = new SandboxNode(client, "bench", List.of());
        kubelet.start();
        Installer installer = new Installer(client);
        ObjectNode spec = json.createObjectNode().put("clusterName", "bench");
        installs.add(measure(api, () -> installer.install("smm", spec, ReconcileProgress.SILENT, Duration.ofSeconds(60))));
        kubelet.close(); // settled: only the reconciler talks to the API server now
        noops.add(measure(api, () -> installer.install("smm", spec, ReconcileProgress.SILENT, Duration.ZERO)));
      }
    }
    ObjectNode out = json.createObjectNode();
    out.put("runs", runs);
    out.set("install", summary(json, installs));
    out.set("noopReconcile", summary(json, noops));
    Path file = Path.of(args.length > 1 ? args[1] : "operator/target/bench.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    System.out.println(Files.readString(file));
  }

  static Sample measure(EmbeddedApiServer api, Runnable r) {
    long requests = api.requests();
    long writes = api.writeRequests();
    long t0 = System.nanoTime();
    r.run();
    return new Sample((System.nanoTime() - t0) / 1e9, api.requests() - requests, api.writeRequests() - writes);
  }

  static ObjectNode summary(ObjectMapper json, List<Sample> samples) {
    ObjectNode n = json.createObjectNode();
    n.put("medianSeconds", median(samples.stream().map(Sample::seconds).toList()));
    n.put("minSeconds", samples.stream().mapToDouble(Sample::seconds).min().orElse(0));
    n.put("maxSeconds", samples.stream().mapToDouble(Sample::seconds).max().orElse(0));
    n.put("medianRequests", median(samples.stream().map(s -> (double) s.requests()).toList()));
    n.put("medianWrites", median(samples.stream().map(s -> (double) s.writes()).toList()));
    return n;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}

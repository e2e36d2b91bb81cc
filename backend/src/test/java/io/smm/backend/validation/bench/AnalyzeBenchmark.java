package io.smm.backend.validation.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smm.backend.validation.Finding;
import io.smm.backend.validation.MeshAnalyzer;
import io.smm.backend.validation.MeshConfig;
import io.smm.backend.validation.MeshSettings;
import io.smm.backend.validation.ResourceFiles;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * `smm analyze -f` at scale: a synthetic mesh of N namespaces with 10 objects each (namespace,
 * two pods, service, deployment, gateway, virtual service, destination rule, service entry,
 * authorization policy; a few of them broken), read from YAML text and analysed, as the offline
 * CLI does. For each size: median wall time of read + analyse, peak heap, findings, and the
 * time per namespace relative to the smallest size (1.0 = linear). Writes JSON.
 */
public final class AnalyzeBenchmark {

  public static void main(String[] args) throws Exception {
    int[] sizes = Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
    int rounds = Integer.parseInt(args[1]);
    Path out = Path.of(args[2]);
    ArrayNode results = JsonNodeFactory.instance.arrayNode();
    // Warm the JIT up on the largest mesh, so the first size is not measured cold.
    String warmUp = mesh(Arrays.stream(sizes).max().orElse(100));
    for (int i = 0; i < 3; i++) {
      ResourceFiles files = new ResourceFiles(null, Instant.now()).read("warm-up.yaml", warmUp);
      new MeshAnalyzer().analyze(new MeshConfig("bench", MeshSettings.of(files.objects()), files.objects()));
    }
    double baseline = 0;
    for (int n : sizes) {
      String yaml = mesh(n);
      List<Long> times = new ArrayList<>();
      long peak = 0;
      int findings = 0;
      int objects = 0;
      Map<String, Long> byCheck = new TreeMap<>();
      for (int r = 0; r < rounds + 1; r++) {
        System.gc();
        resetPeaks();
        long start = System.nanoTime();
        ResourceFiles files = new ResourceFiles(null, Instant.now()).read("bench.yaml", yaml);
        List<Finding> found = new MeshAnalyzer().analyze(new MeshConfig("bench", MeshSettings.of(files.objects()), files.objects()));
        long elapsed = System.nanoTime() - start;
        if (r > 0) { // the first round warms the JIT up
          times.add(elapsed);
          peak = Math.max(peak, peakHeap());
        }
        findings = found.size();
        byCheck = found.stream().collect(Collectors.groupingBy(Finding::checkId, TreeMap::new, Collectors.counting()));
        objects = files.objects().size();
      }
      times.sort(null);
      double medianMs = times.get(times.size() / 2) / 1e6;
      double perNamespace = medianMs / n;
      if (baseline == 0) {
        baseline = perNamespace;
      }
      ObjectNode row = results.addObject();
      row.put("namespaces", n).put("objects", objects).put("yamlBytes", yaml.length()).put("findings", findings)
          .put("medianMs", Math.round(medianMs * 10) / 10.0).put("msPerNamespace", Math.round(perNamespace * 1000) / 1000.0)
          .put("perNamespaceVsSmallest", Math.round(perNamespace / baseline * 100) / 100.0)
          .put("peakHeapMiB", peak >> 20);
      byCheck.forEach(row.putObject("findingsByCheck")::put);
      System.out.printf("%5d namespaces (%6d objects, %5.1f MiB YAML): %8.1f ms median, %.3f ms/namespace (x%.2f of the smallest), "
          + "peak heap %d MiB, %d findings%n", n, objects, yaml.length() / 1048576.0, medianMs, perNamespace, perNamespace / baseline,
          peak >> 20, findings);
    }
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("benchmark", "smm analyze -f (read YAML + all checks)").put("rounds", rounds).set("results", results);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, doc.toPrettyString());
    System.out.println("wrote " + out);
  }

  private static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  /** Peak heap since the last reset: the sum of the heap pools' peaks (an upper bound of the true peak). */
  private static long peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }

  /** N namespaces of ten objects; every tenth has a VirtualService to a missing host, every 25th a subset selecting nothing. */
  static String mesh(int namespaces) {
    StringBuilder y = new StringBuilder();
    for (int i = 0; i < namespaces; i++) {
      String ns = "team-" + i;
      String host = i % 10 == 0 ? "missing" : "api";
      String version = i % 25 == 0 ? "v9" : "v1";
      y.append("""
          apiVersion: v1
          kind: Namespace
          metadata: {name: %1$s, labels: {istio.io/rev: cp-v115x.istio-system}}
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: api-v1-%2$d-a, namespace: %1$s, labels: {app: api, version: v1}}
          spec: {containers: [{name: api, image: api:1}, {name: istio-proxy, image: docker.io/istio/proxyv2:1.15.3}]}
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: gw-%2$d-a, namespace: %1$s, labels: {app: gw-%2$d}}
          spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.15.3}]}
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: api, namespace: %1$s}
          spec: {selector: {app: api}, ports: [{name: http, port: 8080}]}
          ---
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: api-v1, namespace: %1$s}
          spec:
            selector: {matchLabels: {app: api, version: v1}}
            template:
              metadata: {labels: {app: api, version: v1}}
              spec: {containers: [{name: api, image: api:1}, {name: istio-proxy, image: docker.io/istio/proxyv2:1.15.3}]}
          ---
          apiVersion: networking.istio.io/v1beta1
          kind: Gateway
          metadata: {name: gw, namespace: %1$s}
          spec:
            selector: {app: gw-%2$d}
            servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["%1$s.example.com"]}]
          ---
          apiVersion: networking.istio.io/v1beta1
          kind: VirtualService
          metadata: {name: api, namespace: %1$s}
          spec:
            hosts: [api]
            http: [{match: [{uri: {prefix: /v1}}], route: [{destination: {host: %3$s, subset: v1}}]}, {route: [{destination: {host: api}}]}]
          ---
          apiVersion: networking.istio.io/v1beta1
          kind: DestinationRule
          metadata: {name: api, namespace: %1$s}
          spec: {host: api, subsets: [{name: v1, labels: {version: %4$s}}]}
          ---
          apiVersion: networking.istio.io/v1beta1
          kind: ServiceEntry
          metadata: {name: ext, namespace: %1$s}
          spec: {hosts: [ext-%2$d.example.com], exportTo: ["."], resolution: DNS, ports: [{number: 443, name: tls, protocol: TLS}]}
          ---
          apiVersion: security.istio.io/v1beta1
          kind: AuthorizationPolicy
          metadata: {name: api, namespace: %1$s}
          spec:
            selector: {matchLabels: {app: api}}
            rules: [{from: [{source: {namespaces: [%1$s, "team-*"]}}]}]
          ---
          """.formatted(ns, i, host, version));
    }
    return y.toString();
  }
}

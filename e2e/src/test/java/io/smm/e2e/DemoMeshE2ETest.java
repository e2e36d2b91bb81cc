package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `smm demoapp install` in the sandbox: Istio metrics of every demo workload reach the real Prometheus. */
class DemoMeshE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> WORKLOADS = List.of("frontpage-v1", "catalog-v1", "bookings-v1", "postgresql-v1", "payments-v1",
      "notifications-v1", "movies-v1", "movies-v2", "movies-v3", "analytics-v1", "database-v1", "mysql-v1");
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The callers' sidecars abort half of the calls to payments with 503. */
  static final String PAYMENTS_FAULT = """
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: payments, namespace: smm-demo}
      spec:
        hosts: [payments]
        http:
        - fault:
            abort:
              httpStatus: 503
              percentage: {value: 50}
          route:
          - destination: {host: payments}
      """;

  /** An instant query's result vector. */
  static JsonNode query(String prometheus, String promql) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("data").path("result");
  }

  /** The first sample of an instant query; -1 when there is none or Prometheus did not answer. */
  static double scalar(String prometheus, String promql) {
    try {
      JsonNode result = query(prometheus, promql);
      return result.size() == 0 ? -1 : result.get(0).path("value").get(1).asDouble();
    } catch (Exception e) {
      return -1;
    }
  }

  static void apply(String kubectl, String kubeconfig, String verb, Path file) throws Exception {
    Process p = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig, verb, "-f", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void everyDemoWorkloadReportsIstioMetricsFromBothReportersAtTheConfiguredLoad(@TempDir Path smmHome) throws Exception {
    Map<String, String> env = Map.of("SMM_HOME", smmHome.toString());
    SmmProcess up = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    try {
      up.awaitLine("Dashboard: ", Duration.ofMinutes(2));
      String kubeconfig = smmHome.resolve("sandbox/kubeconfig").toString();
      String prometheus = JSON.readTree(SmmProcess.run(env, "sandbox", "status", "-o", "json").output()).path("prometheus").asText();

      SmmProcess.Result unknown = SmmProcess.run(env, "-c", kubeconfig, "demoapp", "install", "-s", "frontpage,cinema");
      assertThat(unknown.exitCode()).isEqualTo(1);
      assertThat(unknown.output()).contains("unknown component(s) [cinema]; valid: frontpage, catalog");

      // 10 requests/s, not the spec's 10-30 swing: a steady rate to compare with, and half the CPU of a 2-core CI machine's share.
      int rps = 10;
      SmmProcess.Result install = SmmProcess.run(env, "-c", kubeconfig, "demoapp", "install", "--rps", Integer.toString(rps));
      assertThat(install.exitCode()).as(install.output()).isZero();
      long installedAt = System.nanoTime();

      Set<String> missing = new HashSet<>();
      SandboxE2ETest.eventually(() -> {
        try {
          missing.clear();
          Set<String> seen = new HashSet<>();
          // HTTP and gRPC calls are requests; the databases only see TCP connections.
          for (String metric : List.of("istio_requests_total", "istio_tcp_connections_opened_total")) {
            for (JsonNode s : query(prometheus, "count by (destination_workload, reporter) (" + metric
                + "{destination_workload_namespace=\"smm-demo\"})")) {
              seen.add(s.path("metric").path("destination_workload").asText() + "/" + s.path("metric").path("reporter").asText());
            }
          }
          for (String w : WORKLOADS) {
            // Every caller has a sidecar, the load generator (bombardier) of frontpage included.
            missing.add(w + "/destination");
            missing.add(w + "/source");
          }
          missing.removeAll(seen);
          return missing.isEmpty();
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(60), "every demo workload has series from both reporters");
      System.out.printf("all demo series present %.1fs after install%n", (System.nanoTime() - installedAt) / 1e9);
      // Each edge speaks the protocol of the demo's call graph: gRPC to movies and payments, TCP to the databases.
      Map<String, String> protocols = new TreeMap<>();
      for (String metric : List.of("istio_requests_total", "istio_tcp_connections_opened_total")) {
        for (JsonNode s : query(prometheus, "count by (destination_service_name, request_protocol) (" + metric
            + "{reporter=\"source\",destination_workload_namespace=\"smm-demo\"})")) {
          protocols.put(s.path("metric").path("destination_service_name").asText(), s.path("metric").path("request_protocol").asText());
        }
      }
      assertThat(protocols).containsEntry("catalog", "http").containsEntry("movies", "grpc").containsEntry("payments", "grpc")
          .containsEntry("postgresql", "tcp").containsEntry("database", "tcp").containsEntry("mysql", "tcp");

      // Let a 30s rate window fill with post-start samples before comparing it with the load setting.
      Thread.sleep(35_000);
      double frontpage = query(prometheus,
          "sum(rate(istio_requests_total{reporter=\"destination\",destination_workload=\"frontpage-v1\"}[30s]))").get(0)
          .path("value").get(1).asDouble();
      System.out.printf("frontpage inbound: %.2f rps (load setting %d)%n", frontpage, rps);
      assertThat(frontpage).isBetween(rps * 0.8, rps * 1.2);

      // Fault injection: abort half of the calls to payments with 503, as the callers' sidecars do.
      String kubectl = SandboxE2ETest.findOnPath("kubectl");
      Path faultFile = smmHome.resolve("payments-fault.yaml");
      Files.writeString(faultFile, PAYMENTS_FAULT);
      apply(kubectl, kubeconfig, "apply", faultFile);
      String paymentsErrors = "sum(rate(istio_requests_total{reporter=\"source\",destination_service_name=\"payments\",response_code=~\"5..\"}[20s]))"
          + " / sum(rate(istio_requests_total{reporter=\"source\",destination_service_name=\"payments\"}[20s]))";
      double[] ratio = {-1};
      SandboxE2ETest.eventually(() -> {
        ratio[0] = scalar(prometheus, paymentsErrors);
        return Math.abs(ratio[0] - 0.5) <= 0.1;
      }, Duration.ofSeconds(60), "the 5xx ratio of payments is 0.5 +- 0.1");
      // Once a whole (longer, steadier) rate window holds samples taken under the fault, it must
      // still be 0.5 +- 0.1.
      Thread.sleep(45_000);
      ratio[0] = scalar(prometheus, paymentsErrors.replace("[20s]", "[40s]"));
      System.out.printf("payments 5xx ratio with the fault: %.3f%n", ratio[0]);
      assertThat(ratio[0]).isBetween(0.4, 0.6);
      apply(kubectl, kubeconfig, "delete", faultFile);
      SandboxE2ETest.eventually(() -> {
        ratio[0] = scalar(prometheus, paymentsErrors);
        return ratio[0] == 0;
      }, Duration.ofSeconds(60), "the 5xx ratio of payments is back to 0");

      // Weighted routing: 80/20 between the movies v1 and v2 subsets (v3 gets nothing).
      Path splitFile = smmHome.resolve("movies-split.yaml");
      Files.writeString(splitFile, """
          apiVersion: networking.istio.io/v1beta1
          kind: DestinationRule
          metadata: {name: movies, namespace: smm-demo}
          spec:
            host: movies
            subsets:
            - {name: v1, labels: {version: v1}}
            - {name: v2, labels: {version: v2}}
          ---
          apiVersion: networking.istio.io/v1beta1
          kind: VirtualService
          metadata: {name: movies, namespace: smm-demo}
          spec:
            hosts: [movies]
            http:
            - route:
              - destination: {host: movies, subset: v1}
                weight: 80
              - destination: {host: movies, subset: v2}
                weight: 20
          """);
      apply(kubectl, kubeconfig, "apply", splitFile);
      String share = "sum(rate(istio_requests_total{reporter=\"destination\",destination_workload=\"%s\"}[20s]))"
          + " / sum(rate(istio_requests_total{reporter=\"destination\",destination_service_name=\"movies\"}[20s]))";
      double[] split = {-1, -1};
      SandboxE2ETest.eventually(() -> {
        split[0] = scalar(prometheus, share.formatted("movies-v1"));
        split[1] = scalar(prometheus, share.formatted("movies-v3"));
        return Math.abs(split[0] - 0.8) <= 0.1 && split[1] == 0;
      }, Duration.ofSeconds(60), "movies traffic is split 80/20 between v1 and v2");
      Thread.sleep(45_000);
      String steadyShare = share.replace("[20s]", "[40s]");
      split[0] = scalar(prometheus, steadyShare.formatted("movies-v1"));
      double v2 = scalar(prometheus, steadyShare.formatted("movies-v2"));
      System.out.printf("movies shares in steady state: v1 %.3f, v2 %.3f%n", split[0], v2);
      assertThat(split[0]).isBetween(0.7, 0.9);
      assertThat(v2).isBetween(0.1, 0.3);
      assertThat(scalar(prometheus, steadyShare.formatted("movies-v3"))).isZero();
    } finally {
      SmmProcess.run(env, "sandbox", "down");
      if (up.process.isAlive()) {
        up.process.destroyForcibly();
      }
    }
  }
}

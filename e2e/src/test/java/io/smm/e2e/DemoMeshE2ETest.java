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
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `smm demoapp install` in the sandbox: Istio metrics of every demo workload reach the real Prometheus. */
class DemoMeshE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> WORKLOADS = List.of("frontpage", "catalog", "bookings", "postgresql", "payments", "notifications",
      "movies-v1", "movies-v2", "movies-v3", "analytics", "database", "mysql");
  final HttpClient http = HttpClient.newHttpClient();

  JsonNode query(String prometheus, String promql) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("data").path("result");
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

      double rps = 20;
      SmmProcess.Result install = SmmProcess.run(env, "-c", kubeconfig, "demoapp", "install", "--rps", "20");
      assertThat(install.exitCode()).as(install.output()).isZero();
      long installedAt = System.nanoTime();

      Set<String> missing = new HashSet<>();
      SandboxE2ETest.eventually(() -> {
        try {
          missing.clear();
          Set<String> seen = new HashSet<>();
          for (JsonNode s : query(prometheus, "count by (destination_workload, reporter) (istio_requests_total{destination_workload_namespace=\"smm-demo\"})")) {
            seen.add(s.path("metric").path("destination_workload").asText() + "/" + s.path("metric").path("reporter").asText());
          }
          for (String w : WORKLOADS) {
            missing.add(w + "/destination");
            // frontpage is called by the load generator from outside the mesh: no source-side sidecar.
            if (!w.equals("frontpage")) {
              missing.add(w + "/source");
            }
          }
          missing.removeAll(seen);
          return missing.isEmpty();
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(60), "every demo workload has series from both reporters");
      System.out.printf("all demo series present %.1fs after install%n", (System.nanoTime() - installedAt) / 1e9);

      // Let a 30s rate window fill with post-start samples before comparing it with the load setting.
      Thread.sleep(35_000);
      double frontpage = query(prometheus,
          "sum(rate(istio_requests_total{reporter=\"destination\",destination_workload=\"frontpage\"}[30s]))").get(0)
          .path("value").get(1).asDouble();
      System.out.printf("frontpage inbound: %.2f rps (load setting %.0f)%n", frontpage, rps);
      assertThat(frontpage).isBetween(rps * 0.8, rps * 1.2);
    } finally {
      SmmProcess.run(env, "sandbox", "down");
      if (up.process.isAlive()) {
        up.process.destroyForcibly();
      }
    }
  }
}

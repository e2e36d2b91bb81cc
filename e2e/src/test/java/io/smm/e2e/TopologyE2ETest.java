package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology and health the dashboard shows, read through the GraphQL API of `smm sandbox up` with the demo application running. */
class TopologyE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String CLUSTER = "smm-sandbox";
  final HttpClient http = HttpClient.newHttpClient();

  JsonNode topology(String dashboard, int windowSeconds) throws Exception {
    String query = "{ topology(namespaces: [\"smm-demo\"], windowSeconds: " + windowSeconds + ") { errors nodes { id type name idle "
        + "health { status score reasons } } edges { source target protocol requestsPerSecond errorRatio mtls p95Ms } } }";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/graphql"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query)))).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("data").path("topology");
  }

  static String workload(String name) {
    return "workload:" + CLUSTER + "/smm-demo/" + name;
  }

  static String service(String name) {
    return "service:" + CLUSTER + "/smm-demo/" + name;
  }

  static JsonNode edge(JsonNode topology, String source, String target) {
    for (JsonNode e : topology.path("edges")) {
      if (e.path("source").asText().equals(source) && e.path("target").asText().equals(target)) {
        return e;
      }
    }
    return null;
  }

  static Map<String, String> health(JsonNode topology) {
    Map<String, String> out = new HashMap<>();
    topology.path("nodes").forEach(n -> out.put(n.path("id").asText(), n.at("/health/status").asText("null")));
    return out;
  }

  @Test
  void theTopologyShowsTheDemoMeshFollowsMtlsChangesAndFlagsAFaultyService(@TempDir Path smmHome) throws Exception {
    Map<String, String> env = Map.of("SMM_HOME", smmHome.toString());
    SmmProcess up = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    try {
      String dashboard = up.awaitLine("Dashboard: ", Duration.ofMinutes(2)).replaceFirst(".*Dashboard: ", "").trim();
      String kubeconfig = smmHome.resolve("sandbox/kubeconfig").toString();
      assertThat(SmmProcess.run(env, "-c", kubeconfig, "demoapp", "install", "--rps", "20").exitCode()).isZero();

      // Every demo workload, and the call graph's edges through their services, with traffic.
      List<String[]> calls = List.of(new String[] {"frontpage-v1", "catalog", "catalog-v1", "http"},
          new String[] {"frontpage-v1", "bookings", "bookings-v1", "http"}, new String[] {"catalog-v1", "movies", "movies-v1", "grpc"},
          new String[] {"bookings-v1", "payments", "payments-v1", "grpc"}, new String[] {"bookings-v1", "postgresql", "postgresql-v1", "tcp"},
          new String[] {"payments-v1", "notifications", "notifications-v1", "http"}, new String[] {"movies-v3", "mysql", "mysql-v1", "tcp"});
      JsonNode[] t = new JsonNode[1];
      SandboxE2ETest.eventually(() -> {
        try {
          t[0] = topology(dashboard, 30);
          for (String[] c : calls) {
            JsonNode in = edge(t[0], workload(c[0]), service(c[1]));
            JsonNode out = edge(t[0], service(c[1]), workload(c[2]));
            boolean traffic = c[3].equals("tcp") ? in != null : in != null && in.path("requestsPerSecond").asDouble() > 0;
            if (!traffic || out == null || !in.path("protocol").asText().equals(c[3])) {
              return false;
            }
          }
          return edge(t[0], "unknown", service("frontpage")) != null;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(90), "the demo's call graph appears in the topology");
      List<String> nodes = t[0].path("nodes").findValuesAsText("id");
      for (String w : DemoMeshE2ETest.WORKLOADS) {
        assertThat(nodes).contains(workload(w));
      }
      assertThat(edge(t[0], service("catalog"), workload("catalog-v1")).path("mtls").asDouble()).isEqualTo(1.0);

      // mTLS follows a PeerAuthentication change.
      String kubectl = SandboxE2ETest.findOnPath("kubectl");
      Path pa = smmHome.resolve("catalog-plaintext.yaml");
      Files.writeString(pa, """
          apiVersion: security.istio.io/v1beta1
          kind: PeerAuthentication
          metadata: {name: catalog, namespace: smm-demo}
          spec:
            selector: {matchLabels: {app: catalog}}
            mtls: {mode: DISABLE}
          """);
      DemoMeshE2ETest.apply(kubectl, kubeconfig, "apply", pa);
      SandboxE2ETest.eventually(() -> {
        try {
          JsonNode e = edge(topology(dashboard, 10), service("catalog"), workload("catalog-v1"));
          return e != null && e.path("mtls").asDouble(-1) == 0.0;
        } catch (Exception ex) {
          return false;
        }
      }, Duration.ofSeconds(60), "catalog's inbound traffic is reported without mTLS");

      // A fault on payments makes the payments service fail within 2 minutes; the rest stays healthy.
      Path fault = smmHome.resolve("payments-fault.yaml");
      Files.writeString(fault, """
          apiVersion: networking.istio.io/v1beta1
          kind: VirtualService
          metadata: {name: payments, namespace: smm-demo}
          spec:
            hosts: [payments]
            http:
            - fault:
                abort: {httpStatus: 503, percentage: {value: 50}}
              route:
              - destination: {host: payments}
          """);
      long applied = System.nanoTime();
      DemoMeshE2ETest.apply(kubectl, kubeconfig, "apply", fault);
      Map<String, String> statuses = new HashMap<>();
      SandboxE2ETest.eventually(() -> {
        try {
          statuses.clear();
          statuses.putAll(health(topology(dashboard, 60)));
          return "FAILURE".equals(statuses.get(service("payments")));
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofMinutes(2), "the payments service is failing");
      System.out.printf("payments failing %.0fs after the fault was applied%n", (System.nanoTime() - applied) / 1e9);
      statuses.forEach((id, status) -> {
        if (!id.equals(service("payments")) && !status.equals("null") && !status.equals("NO_TRAFFIC")) {
          assertThat(status).as(id).isEqualTo("HEALTHY");
        }
      });
      assertThat(statuses.get(workload("payments-v1"))).as("the aborted calls never reached the workload").isEqualTo("HEALTHY");
    } finally {
      SmmProcess.run(env, "sandbox", "down");
      if (up.process.isAlive()) {
        up.process.destroyForcibly();
      }
    }
  }
}

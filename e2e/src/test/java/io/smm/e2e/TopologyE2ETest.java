package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The topology and health of `smm sandbox up` with the demo application running, through the
 * GraphQL API and then in the dashboard (Chromium). Screenshots go to e2e/target/screenshots/.
 */
class TopologyE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String CLUSTER = "smm-sandbox";
  final HttpClient http = HttpClient.newHttpClient();
  String session;

  JsonNode graphql(String dashboard, String query) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/graphql"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + session)
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query)))).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("data");
  }

  JsonNode topology(String dashboard, int windowSeconds) throws Exception {
    String query = "{ topology(namespaces: [\"smm-demo\"], windowSeconds: " + windowSeconds + ") { errors nodes { id type name idle "
        + "health { status score reasons } } edges { source target protocol requestsPerSecond errorRatio mtls p95Ms } } }";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/graphql"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + session)
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
      String dashboard = up.awaitLine("Dashboard: ", Duration.ofMinutes(2)).replaceFirst(".*Dashboard: (\\S+).*", "$1");
      String kubeconfig = smmHome.resolve("sandbox/kubeconfig").toString();
      session = SandboxLogin.session(dashboard);
      String kubectl = SandboxE2ETest.findOnPath("kubectl");
      assertThat(SmmProcess.run(env, "-c", kubeconfig, "demoapp", "install", "--rps", "10").exitCode()).isZero();

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
          // The load generator is in the mesh, as in the manual: bombardier calls frontpage (no "unknown" caller).
          return edge(t[0], workload("bombardier"), service("frontpage")) != null && edge(t[0], "unknown", service("frontpage")) == null;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(90), "the demo's call graph appears in the topology");
      List<String> nodes = t[0].path("nodes").findValuesAsText("id");
      for (String w : DemoMeshE2ETest.WORKLOADS) {
        assertThat(nodes).contains(workload(w));
      }
      assertThat(edge(t[0], service("catalog"), workload("catalog-v1")).path("mtls").asDouble()).isEqualTo(1.0);

      // Grouped by app, the three movies versions are one node.
      List<String> apps = graphql(dashboard, "{ topology(namespaces: [\"smm-demo\"], groupBy: APP) { nodes { id } } }")
          .at("/topology/nodes").findValuesAsText("id");
      assertThat(apps).contains("app:" + CLUSTER + "/smm-demo/movies").doesNotContain(workload("movies-v1"));
      // Grouped by namespace, the demo is one node whose calls among its own workloads are a loop.
      JsonNode byNamespace = graphql(dashboard, "{ topology(namespaces: [\"smm-demo\"], groupBy: NAMESPACE) { nodes { id type } "
          + "edges { source target protocol requestsPerSecond } } }").path("topology");
      String demoNamespace = "namespace:" + CLUSTER + "/smm-demo";
      assertThat(byNamespace.path("nodes").findValuesAsText("id")).contains(demoNamespace).noneMatch(id -> id.startsWith("workload:"));
      assertThat(edge(byNamespace, demoNamespace, demoNamespace)).as("smm-demo -> smm-demo").isNotNull();

      // The Overview's mesh-wide rate: each of the 10 requests/s to frontpage makes 6 more HTTP/gRPC calls.
      double[] rps = {-1};
      SandboxE2ETest.eventually(() -> {
        try {
          rps[0] = graphql(dashboard, "{ meshOverview(windowSeconds: 30) { requestsPerSecond } }").at("/meshOverview/requestsPerSecond")
              .asDouble(-1);
          return Math.abs(rps[0] - 70) <= 14;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(60), "the mesh serves about 70 requests/s");
      JsonNode overview = graphql(dashboard, "{ meshOverview { errorRatio pods { inMesh total } services { inMesh total } } "
          + "controlPlanes { revision proxies proxiesNotReady proxyCpuCores proxyMemoryBytes outboundTrafficPolicy autoMtls } }");
      System.out.printf("mesh: %.1f rps, overview %s%n", rps[0], overview);
      assertThat(overview.at("/meshOverview/errorRatio").asDouble()).isZero();
      assertThat(overview.at("/meshOverview/pods/inMesh").asInt()).isGreaterThanOrEqualTo(DemoMeshE2ETest.WORKLOADS.size());
      assertThat(overview.at("/meshOverview/services/inMesh").asInt()).isGreaterThanOrEqualTo(10);
      JsonNode cp = overview.at("/controlPlanes/0");
      assertThat(cp.path("revision").asText()).isEqualTo("cp-v115x.istio-system");
      assertThat(cp.path("proxies").asInt()).isGreaterThanOrEqualTo(DemoMeshE2ETest.WORKLOADS.size());
      assertThat(cp.path("proxiesNotReady").asInt()).isZero();
      assertThat(cp.path("outboundTrafficPolicy").asText()).isEqualTo("ALLOW_ANY");
      assertThat(cp.path("proxyCpuCores").asDouble()).as("the sidecars' CPU from the kubelet's cAdvisor metrics").isPositive();
      assertThat(cp.path("proxyMemoryBytes").asDouble()).as("at least an idle Envoy's working set each")
          .isGreaterThanOrEqualTo(40.0 * 1024 * 1024 * DemoMeshE2ETest.WORKLOADS.size());

      // Golden signals: bookings serves frontpage's calls and makes two request calls (analytics, payments) for each.
      // Right after the demo starts, a 30 s rate over series born seconds apart is extrapolated differently: the
      // ratio is judged once the rates are steady (each read is the latest point).
      AtomicReference<JsonNode> signals = new AtomicReference<>();
      SandboxE2ETest.eventually(() -> {
        try {
          JsonNode s = graphql(dashboard, "{ goldenSignals(kind: WORKLOAD, namespace: \"smm-demo\", name: \"bookings-v1\", "
              + "rangeSeconds: 60, stepSeconds: 30, windowSeconds: 30) { errors inbound { requestsPerSecond p95Ms } outbound { requestsPerSecond } "
              + "saturation { cpuCores proxyCpuCores memoryBytes proxyMemoryBytes } } }").path("goldenSignals");
          signals.set(s);
          double i = s.at("/inbound/2/requestsPerSecond").asDouble();
          return i > 5 && Math.abs(s.at("/outbound/2/requestsPerSecond").asDouble() / i - 2.0) <= 0.3;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(90), "bookings-v1 makes two calls per request it serves (steady rates)");
      JsonNode bookings = signals.get();
      assertThat(bookings.path("errors")).isEmpty();
      double in = bookings.at("/inbound/2/requestsPerSecond").asDouble();
      double out = bookings.at("/outbound/2/requestsPerSecond").asDouble();
      System.out.printf("bookings-v1: inbound %.1f rps, outbound %.1f rps%n", in, out);
      assertThat(in).isGreaterThan(5); // of the 10 requests/s to frontpage, each calls bookings once
      assertThat(out / in).isCloseTo(2.0, Assertions.within(0.3));
      assertThat(bookings.at("/inbound/2/p95Ms").isNumber()).isTrue();
      JsonNode saturation = bookings.at("/saturation/2");
      System.out.println("bookings-v1 saturation: " + saturation);
      assertThat(saturation.path("cpuCores").asDouble()).isGreaterThan(saturation.path("proxyCpuCores").asDouble()).isPositive();
      assertThat(saturation.path("proxyCpuCores").asDouble()).isPositive();
      assertThat(saturation.path("memoryBytes").asDouble()).isGreaterThan(saturation.path("proxyMemoryBytes").asDouble());
      JsonNode pods = graphql(dashboard, "{ pods(namespace: \"smm-demo\", selector: [{key: \"app\", value: \"frontpage\"}]) { name } }");
      JsonNode pod = graphql(dashboard, "{ goldenSignals(kind: POD, namespace: \"smm-demo\", name: \"" + pods.at("/pods/0/name").asText()
          + "\", rangeSeconds: 60, stepSeconds: 30, windowSeconds: 30) { inbound { requestsPerSecond } } }");
      assertThat(pod.at("/goldenSignals/inbound/2/requestsPerSecond").asDouble()).as("the frontpage pod's inbound").isGreaterThan(5);
      // A workload's history: its own, its ReplicaSet's and its pods' events.
      JsonNode events = graphql(dashboard, "{ events(namespace: \"smm-demo\", workload: \"bookings-v1\") { reason objectKind } }");
      assertThat(events.path("events").findValuesAsText("reason")).contains("ScalingReplicaSet", "SuccessfulCreate", "Scheduled", "Started");
      assertThat(events.path("events").findValuesAsText("objectKind")).contains("Deployment", "ReplicaSet", "Pod");
      // kubectl logs works on the demo pods: the app's request lines and the sidecar's access log.
      String frontpagePod = pods.at("/pods/0/name").asText();
      String proxyLog = SandboxE2ETest.kubectl(kubectl, Path.of(kubeconfig), "logs", "-n", "smm-demo", frontpagePod, "-c", "istio-proxy",
          "--tail", "5");
      assertThat(proxyLog.lines().filter(l -> l.startsWith("["))).hasSize(5);
      assertThat(proxyLog).contains("smm-demo");
      assertThat(SandboxE2ETest.kubectl(kubectl, Path.of(kubeconfig), "logs", "-n", "smm-demo", frontpagePod, "-c", "frontpage"))
          .contains(" GET / 200 ");

      // mTLS follows a PeerAuthentication change.
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
      Files.writeString(fault, DemoMeshE2ETest.PAYMENTS_FAULT);
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

      tapShowsTheFailingCalls(env);
      String alertmanager = JSON.readTree(SmmProcess.run(env, "sandbox", "status", "-o", "json").output()).path("alertmanager").asText();
      anSloOnPaymentsPages(kubectl, kubeconfig, smmHome, alertmanager);

      dashboardShowsIt(dashboard, env, kubeconfig);

      // Removing the fault (and the payments errors the tap check switched on) resolves the page.
      DemoMeshE2ETest.apply(kubectl, kubeconfig, "delete", fault);
      Process unset = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig, "-n", "smm-demo", "set", "env", "deployment/payments-v1",
          "ERROR_RATE-").redirectErrorStream(true).start();
      assertThat(unset.waitFor(60, TimeUnit.SECONDS)).isTrue();
      SandboxE2ETest.eventually(() -> paymentsPages(alertmanager).isEmpty(), Duration.ofMinutes(3), "the page resolves");
    } finally {
      SmmProcess.run(env, "sandbox", "down");
      if (up.process.isAlive()) {
        up.process.destroyForcibly();
      }
    }
  }

  static final String PAYMENTS_SLO = """
      apiVersion: sre.smm.cisco.com/v1alpha1
      kind: ServiceLevelObjective
      metadata: {name: payments-availability, namespace: smm-demo}
      spec:
        selector: {name: payments, namespace: smm-demo}
        sli:
          templateRef: {name: grpc-requests-success-rate, namespace: smm-system}
        slo:
          goal: "99.9"
          rolling: {length: 24h0m0s}
      ---
      apiVersion: sre.smm.cisco.com/v1alpha1
      kind: AlertingPolicy
      metadata: {name: payments-page, namespace: smm-demo}
      spec:
        sloRef: {name: payments-availability, namespace: smm-demo}
        severity: page
        burnrate: {threshold: "14.4", lookBackWindow: 2m, secondaryWindow: 1m, conditionMetDuration: 0s}
      """;

  /** An SLO on payments (with a short page policy) while half of its calls are aborted: the page reaches Alertmanager. */
  void anSloOnPaymentsPages(String kubectl, String kubeconfig, Path smmHome, String alertmanager) throws Exception {
    Path slo = smmHome.resolve("payments-slo.yaml");
    Files.writeString(slo, PAYMENTS_SLO);
    long applied = System.nanoTime();
    DemoMeshE2ETest.apply(kubectl, kubeconfig, "apply", slo);
    SandboxE2ETest.eventually(() -> !paymentsPages(alertmanager).isEmpty(), Duration.ofMinutes(2), "the SLO's page reaches Alertmanager");
    System.out.printf("payments SLO paging %.0fs after it was applied%n", (System.nanoTime() - applied) / 1e9);
    JsonNode page = paymentsPages(alertmanager).get(0);
    assertThat(page.at("/labels/severity").asText()).isEqualTo("page");
    assertThat(page.at("/labels/service").asText()).isEqualTo("payments");
    assertThat(page.at("/annotations/summary").asText()).contains("payments in smm-demo is burning its error budget");
    String status = SandboxE2ETest.kubectl(kubectl, Path.of(kubeconfig), "get", "servicelevelobjectives", "-n", "smm-demo", "payments-availability",
        "-o", "jsonpath={.status.status}");
    assertThat(status).isEqualTo("Succeeded");
  }

  /** Active SLO alerts for payments in Alertmanager. */
  static List<JsonNode> paymentsPages(String alertmanager) {
    try {
      JsonNode alerts = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(alertmanager + "/api/v2/alerts?active=true&silenced=false&inhibited=false")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      List<JsonNode> out = new ArrayList<>();
      alerts.forEach(a -> {
        boolean current = a.path("endsAt").asText("").isEmpty() || Instant.parse(a.path("endsAt").asText()).isAfter(Instant.now());
        if (current && a.at("/labels/alertname").asText().equals("SLOErrorBudgetBurn")
            && a.at("/labels/slo").asText().equals("payments-availability")) {
          out.add(a);
        }
      });
      return out;
    } catch (Exception e) {
      return List.of();
    }
  }

  /** The seed's tap line: time, direction, source, destination, request, status, duration, upstream. */
  static final Pattern TAP_LINE = Pattern.compile(
      "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ (inbound|outbound) \\S+ \\S+ \"(http|grpc) [A-Z]+ \\S* HTTP\\w+\" (\\d{3})( [A-Za-z]+)? \\S+ \"[^\"]*\"$");

  /** `smm tap` on the demo namespace after the payments fault: the 5xx filter shows only failing calls; -o json is JSON per line. */
  void tapShowsTheFailingCalls(Map<String, String> env) throws Exception {
    String kubeconfig = Path.of(env.get("SMM_HOME")).resolve("sandbox/kubeconfig").toString();
    SmmProcess errors = SmmProcess.start(env, "-c", kubeconfig, "tap", "ns/smm-demo", "--response-code", "500,599");
    List<String> lines;
    try {
      errors.awaitLine("✓ start tapping ns/smm-demo", Duration.ofSeconds(30));
      SandboxE2ETest.eventually(() -> entryLines(errors).size() >= 10, Duration.ofSeconds(30), "10 tap lines");
    } finally {
      errors.interruptAndDrain(Duration.ofSeconds(20)); // as Ctrl-C: the tap ends with its summary
    }
    lines = entryLines(errors);
    System.out.println("smm tap 5xx: " + lines.size() + " lines, e.g. " + lines.get(0));
    for (String line : lines) {
      var m = TAP_LINE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      assertThat(m.group(3)).as(line).startsWith("5");
    }
    assertThat(lines).anyMatch(l -> l.contains(" outbound bookings-v1-") && l.contains(" 503 "));
    assertThat(errors.all).anyMatch(l -> l.startsWith("✓ ") && l.contains(" entries shown"));

    // The README's example: payments (called over gRPC) fails 30 % of its calls with grpc-status 13
    // inside HTTP 200; the same 500-599 filter finds them, and the line shows the gRPC status.
    String kubectl = SandboxE2ETest.findOnPath("kubectl");
    Process setEnv = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig, "-n", "smm-demo", "set", "env", "deployment/payments-v1",
        "ERROR_RATE=0.3").redirectErrorStream(true).start();
    assertThat(setEnv.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(setEnv.exitValue()).as(new String(setEnv.getInputStream().readAllBytes())).isZero();
    SmmProcess grpc = SmmProcess.start(env, "-c", kubeconfig, "tap", "ns/smm-demo", "--response-code", "500,599");
    try {
      SandboxE2ETest.eventually(() -> entryLines(grpc).stream().anyMatch(l -> l.contains("\"grpc POST ") && l.contains(" 200 Internal ")),
          Duration.ofSeconds(60), "a failing gRPC call to payments in the 5xx tap");
    } finally {
      grpc.interruptAndDrain(Duration.ofSeconds(20));
    }
    System.out.println("smm tap gRPC failure, e.g. " + entryLines(grpc).stream().filter(l -> l.contains(" 200 Internal ")).findFirst()
        .orElseThrow());
    for (String line : entryLines(grpc)) {
      var m = TAP_LINE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      assertThat(m.group(3).startsWith("5") || line.contains(" 200 Internal ")).as(line).isTrue();
    }

    SmmProcess json = SmmProcess.start(env, "-c", kubeconfig, "tap", "ns/smm-demo", "-o", "json");
    try {
      SandboxE2ETest.eventually(() -> json.all.stream().filter(l -> l.startsWith("{")).count() >= 10, Duration.ofSeconds(30),
          "10 JSON lines");
    } finally {
      json.interruptAndDrain(Duration.ofSeconds(20));
    }
    for (String line : json.all.stream().filter(l -> l.startsWith("{")).toList()) {
      JsonNode entry = JSON.readTree(line);
      assertThat(entry.at("/source/name").asText()).as(line).isNotEmpty();
      assertThat(entry.at("/reporter/namespace").asText()).isEqualTo("smm-demo");
      assertThat(entry.path("request").has("userAgent")).isTrue();
    }
  }

  /** The graph's nodes once it has applied {@code n} more data updates (refreshes, label or time changes); checked for overlaps. */
  static JsonNode nodesAfterUpdates(Browser browser, WebElement graph, int n, String what) throws InterruptedException {
    return nodesAfterUpdates(browser, graph, n, what, () -> { });
  }

  /**
   * The nodes after {@code action} and {@code n} graph updates. The count is read before the action: an update that lands
   * before the test gets to read it (a fast answer on a slow machine) is not missed.
   */
  static JsonNode nodesAfterUpdates(Browser browser, WebElement graph, int n, String what, Runnable action) throws InterruptedException {
    int from = Integer.parseInt(graph.getAttribute("data-updates"));
    action.run();
    browser.await(d -> Integer.parseInt(graph.getAttribute("data-updates")) >= from + n, Duration.ofSeconds(60), what);
    try {
      JsonNode nodes = JSON.readTree(graph.getAttribute("data-nodes"));
      assertNoOverlap(nodes, what);
      return nodes;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A node as the graph draws it now (rendered and model position, width, status). */
  static JsonNode nodeById(WebElement graph, String id) {
    try {
      for (JsonNode n : JSON.readTree(graph.getAttribute("data-nodes"))) {
        if (n.path("id").asText().equals(id)) {
          return n;
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no node " + id + " is drawn");
  }

  /** No two nodes closer than a node's width: the collapsed graph put every node on one point. */
  static void assertNoOverlap(JsonNode nodes, String when) {
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = i + 1; j < nodes.size(); j++) {
        JsonNode a = nodes.get(i);
        JsonNode b = nodes.get(j);
        double distance = Math.hypot(a.path("x").asDouble() - b.path("x").asDouble(), a.path("y").asDouble() - b.path("y").asDouble());
        assertThat(distance).as("%s: %s and %s overlap", when, a.path("id").asText(), b.path("id").asText())
            .isGreaterThanOrEqualTo(Math.min(a.path("w").asDouble(), b.path("w").asDouble()));
      }
    }
  }

  /** A node that was drawn before is at the same model position now. */
  static void assertStable(JsonNode before, JsonNode node, String when) {
    for (JsonNode b : before) {
      if (b.path("id").asText().equals(node.path("id").asText())) {
        assertThat(node.path("mx").asDouble()).as("%s: x of %s", when, node.path("id").asText()).isCloseTo(b.path("mx").asDouble(),
            Offset.offset(0.5));
        assertThat(node.path("my").asDouble()).as("%s: y of %s", when, node.path("id").asText()).isCloseTo(b.path("my").asDouble(),
            Offset.offset(0.5));
      }
    }
  }

  /** The entry lines (they start with their time; the tap's own status lines start with ✓). */
  static List<String> entryLines(SmmProcess tap) {
    return tap.all.stream().filter(l -> l.matches("^\\d{4}-.*")).toList();
  }

  /** The same mesh in the dashboard: Topology page nodes, a click on payments opens its health charts, the Services page. */
  void dashboardShowsIt(String dashboard, Map<String, String> env, String kubeconfig) throws Exception {
    try (Browser browser = new Browser()) {
      SandboxLogin.browser(browser, env, kubeconfig);
      browser.driver.get(dashboard + "/#/topology?ns=smm-demo&label=rate&refresh=5");
      WebElement graph = browser.await(d -> {
        WebElement g = d.findElement(By.cssSelector("[data-testid=topology-graph]"));
        return Integer.parseInt(g.getAttribute("data-node-count")) >= DemoMeshE2ETest.WORKLOADS.size() ? g : null;
      }, Duration.ofSeconds(30), "the topology graph is drawn");
      JsonNode positions = browser.await(d -> {
        try {
          JsonNode p = JSON.readTree(graph.getAttribute("data-nodes"));
          return p.size() >= DemoMeshE2ETest.WORKLOADS.size() ? p : null;
        } catch (Exception e) {
          return null;
        }
      }, Duration.ofSeconds(10), "node positions are rendered");
      List<String> drawn = positions.findValuesAsText("id");
      for (String w : DemoMeshE2ETest.WORKLOADS) {
        assertThat(drawn).contains(workload(w));
      }
      assertThat(nodeById(graph, service("payments")).path("status").asText()).as("drawn with its health").isEqualTo("FAILURE");
      browser.screenshot("topology");
      assertNoOverlap(positions, "the first layout");
      // The install's recording rules reach the sandbox's Prometheus; the LIVE graph is then read from them, and says so
      // (after their first evaluation, and up to a minute later when a view found traffic before it: the backend then
      // reads the raw metrics for a minute before looking again).
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=telemetry-source]")).getText().equals("traffic: recorded series"),
          Duration.ofMinutes(3), "the LIVE graph is read from the mesh's recorded series");

      // The page refreshes every 5 s and the backend keeps that view evaluated in between: each refresh is a newer evaluation.
      String asOf = browser.driver.findElement(By.cssSelector("[data-testid=topology-as-of]")).getText();
      assertThat(asOf).startsWith("as of ");
      browser.await(d -> !d.findElement(By.cssSelector("[data-testid=topology-as-of]")).getText().equals(asOf), Duration.ofSeconds(60),
          "a LIVE refresh shows a newer evaluation than " + asOf);

      // Refreshes, TIMELINE and other edge labels update the graph in place: every node stays where it was.
      JsonNode first = positions;
      nodesAfterUpdates(browser, graph, 2, "two LIVE refreshes").forEach(p -> assertStable(first, p, "after two LIVE refreshes"));
      nodesAfterUpdates(browser, graph, 1, "the edge labels change",
          () -> browser.driver.findElement(By.cssSelector("[data-testid=edge-label] option[value=p95]")).click())
          .forEach(p -> assertStable(first, p, "after changing edge labels"));
      nodesAfterUpdates(browser, graph, 1, "the TIMELINE graph",
          () -> browser.driver.findElement(By.cssSelector("[data-testid=timeline]")).click())
          .forEach(p -> assertStable(first, p, "on TIMELINE"));
      browser.screenshot("topology-timeline");
      JsonNode live = nodesAfterUpdates(browser, graph, 1, "LIVE again",
          () -> browser.driver.findElement(By.cssSelector("[data-testid=live]")).click());
      assertThat(graph.getAttribute("data-layouts")).as("laid out once, never again").isEqualTo("1");

      // Generate load (the manual's HTTP form): a POST load to catalog shows up as a new node placed next to catalog.
      browser.driver.findElement(By.cssSelector("[data-testid=load-open]")).click();
      WebElement loadForm = browser.await(d -> d.findElement(By.cssSelector("[data-testid=load-form]")), Duration.ofSeconds(10), "the load form");
      loadForm.findElement(By.cssSelector("[data-testid=load-method] option[value=POST]")).click();
      Browser.fill(loadForm, "load-url", "http://catalog.smm-demo:8080/");
      Browser.fill(loadForm, "load-rate", "5");
      Browser.fill(loadForm, "load-duration", "600");
      loadForm.findElement(By.cssSelector("[data-testid=load-send]")).click();
      String status = browser.await(d -> d.findElement(By.cssSelector("[data-testid=load-status]")).getText(), Duration.ofSeconds(20),
          "the load is on its way");
      String loadPod = status.replaceFirst(".* from pod (smm-load-\\S+) .*", "$1");
      assertThat(loadPod).startsWith("smm-load-");
      browser.screenshot("topology-generate-load");
      JsonNode withLoad = browser.await(d -> {
        try {
          JsonNode nodes = JSON.readTree(graph.getAttribute("data-nodes"));
          return nodes.findValuesAsText("id").contains(workload(loadPod)) ? nodes : null;
        } catch (Exception e) {
          return null;
        }
      }, Duration.ofSeconds(90), "the load generator appears in the topology");
      assertNoOverlap(withLoad, "with the load generator");
      withLoad.forEach(p -> assertStable(live, p, "after a new node appeared"));
      assertThat(graph.getAttribute("data-layouts")).as("a new node does not lay the graph out again").isEqualTo("1");
      browser.driver.findElement(By.cssSelector("[data-testid=load-form] button[type=button]")).click();
      // A real click on the canvas where payments is drawn (offsets are from the element's centre). The graph is
      // fitted again when its container changes size (the load form closed): each try reads where payments is now.
      WebElement panel = browser.await(d -> {
        List<WebElement> open = d.findElements(By.cssSelector("[data-testid=node-panel]"));
        if (!open.isEmpty()) {
          return open.get(0);
        }
        JsonNode now = nodeById(graph, service("payments"));
        Rectangle box = graph.getRect();
        new Actions(d).moveToElement(graph, (int) Math.round(now.path("x").asDouble() - box.getWidth() / 2.0),
            (int) Math.round(now.path("y").asDouble() - box.getHeight() / 2.0)).click().perform();
        return null;
      }, Duration.ofSeconds(20), "the node panel opens after a click on payments");
      assertThat(panel.findElement(By.tagName("h2")).getText()).isEqualTo("payments");
      assertThat(panel.findElement(By.cssSelector("[data-testid=node-health]")).getText()).startsWith("failure").contains("errors");
      // The chart is redrawn as its data refreshes: its paths and texts are read in one go, again if it was redrawn meanwhile.
      List<String> chartTexts = browser.await(d -> {
        WebElement chart = d.findElement(By.cssSelector("[data-testid=health-chart] svg"));
        return chart.findElements(By.tagName("path")).isEmpty() ? null
            : chart.findElements(By.tagName("text")).stream().map(WebElement::getText).toList();
      }, Duration.ofSeconds(20), "the health chart is drawn");
      // Each unit has its own axis: errors in % are not drawn against the milliseconds of P95.
      assertThat(chartTexts).as("axis names").contains("score", "%", "ms").doesNotContain("ms / %");
      assertThat(browser.driver.getCurrentUrl()).as("the selection is in the URL").contains("node=service%3A");
      browser.screenshot("topology-node-health");

      // A large mesh opens with its namespaces collapsed (above 250 nodes; asked for here): one node for smm-demo,
      // a click opens it, and finding a node by name selects it.
      browser.driver.get(dashboard + "/#/topology?ns=smm-demo&collapse=all");
      String demo = "namespace:" + CLUSTER + "/smm-demo";
      JsonNode collapsed = browser.await(d -> {
        try {
          JsonNode nodes = JSON.readTree(d.findElement(By.cssSelector("[data-testid=topology-graph]")).getAttribute("data-nodes"));
          return nodes.findValuesAsText("id").contains(demo) ? nodes : null;
        } catch (Exception e) {
          return null;
        }
      }, Duration.ofSeconds(30), "smm-demo is drawn as one node");
      assertThat(collapsed.findValuesAsText("id")).as("its workloads are inside it").doesNotContain(workload("payments-v1"));
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=collapsed-note]")).getText()).contains("each namespace is drawn as one node");
      browser.screenshot("topology-collapsed");
      WebElement collapsedGraph = browser.driver.findElement(By.cssSelector("[data-testid=topology-graph]"));
      JsonNode opened = browser.await(d -> {
        try {
          JsonNode nodes = JSON.readTree(collapsedGraph.getAttribute("data-nodes"));
          if (nodes.findValuesAsText("id").contains(workload("payments-v1"))) {
            return nodes;
          }
          JsonNode at = nodeById(collapsedGraph, demo);
          Rectangle box = collapsedGraph.getRect();
          new Actions(d).moveToElement(collapsedGraph, (int) Math.round(at.path("x").asDouble() - box.getWidth() / 2.0),
              (int) Math.round(at.path("y").asDouble() - box.getHeight() / 2.0)).click().perform();
          return null;
        } catch (Exception e) {
          return null;
        }
      }, Duration.ofSeconds(20), "a click on smm-demo opens it");
      assertThat(opened.findValuesAsText("id")).doesNotContain(demo).contains(workload("payments-v1"), service("payments"));
      assertThat(browser.driver.getCurrentUrl()).contains("expand=smm-demo");
      Browser.fill(browser.driver.findElement(By.tagName("body")), "node-search", "notifications");
      browser.driver.findElement(By.cssSelector("[data-testid=node-search]")).sendKeys(Keys.ENTER);
      WebElement found = browser.await(d -> d.findElement(By.cssSelector("[data-testid=node-panel]")), Duration.ofSeconds(10),
          "the node found by name is selected");
      assertThat(found.findElement(By.tagName("h2")).getText()).isEqualTo("notifications");
      assertThat(browser.driver.getCurrentUrl()).contains("node=service%3A");
      Browser.fill(browser.driver.findElement(By.tagName("body")), "node-search", "no-such-workload");
      assertThat(browser.await(d -> d.findElement(By.cssSelector("[data-testid=node-search-none]")), Duration.ofSeconds(5),
          "an unknown name says so").getText()).contains("no such node");

      browser.driver.get(dashboard + "/#/services?ns=smm-demo");
      WebElement table = browser.await(d -> d.findElement(By.cssSelector("[data-testid=services-table]")), Duration.ofSeconds(30),
          "the services table is shown");
      for (String component : List.of("frontpage", "catalog", "bookings", "payments", "movies", "notifications", "analytics")) {
        WebElement row = table.findElement(By.cssSelector("tr[data-service=" + component + "]"));
        assertThat(row.findElements(By.cssSelector("[data-testid=health-strip] .tick"))).as(component + " health timeline").isNotEmpty();
        assertThat(row.findElement(By.cssSelector(".status")).getText()).as(component)
            .isEqualTo(component.equals("payments") ? "failure" : "healthy");
      }
      browser.screenshot("services");
      // Filters live in the URL: only the failing service is left.
      browser.driver.get(dashboard + "/#/services?ns=smm-demo&health=failure");
      browser.await(d -> d.findElements(By.cssSelector("[data-testid=services-table] tr[data-service]")).size() == 1,
          Duration.ofSeconds(30), "only one service is failing");
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=services-table] tr[data-service]")).getAttribute("data-service"))
          .isEqualTo("payments");
      browser.driver.get(dashboard + "/#/services?ns=smm-demo");
      table = browser.await(d -> d.findElement(By.cssSelector("[data-testid=services-table]")), Duration.ofSeconds(30),
          "the services table is shown again");
      table.findElement(By.linkText("catalog")).click();
      WebElement detail = browser.await(d -> d.findElement(By.cssSelector("[data-testid=service-detail] [data-testid=pods-table]")),
          Duration.ofSeconds(20), "the catalog service's pods are listed");
      assertThat(detail.getText()).contains("catalog-v1-").contains("Running");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=golden-signals] [data-testid=signals-chart] svg")), Duration.ofSeconds(20),
          "catalog's golden signals are charted");
      detail.findElement(By.cssSelector("[data-testid=pods-table] button")).click();
      // The last 200 lines: at 20 rps only request lines (the start line has scrolled out).
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=pod-logs] pre")).getText().contains(" GET / 200 "),
          Duration.ofSeconds(20), "the catalog pod's log is shown");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=pod-drilldown] [data-testid=events-table]")).getText()
          .contains("Scheduled"), Duration.ofSeconds(20), "the catalog pod's events are shown");
      browser.screenshot("service-catalog");

      // SLOs of payments: the one applied with kubectl shows its burn rate; one more is created from the UI.
      browser.driver.get(dashboard + "/#/services?ns=smm-demo&service=payments");
      WebElement sloRow = browser.await(d -> {
        WebElement row = d.findElement(By.cssSelector("[data-testid=slo-table] tr[data-slo=payments-availability]"));
        return row.findElement(By.cssSelector("[data-testid=slo-burn-rate]")).getText().endsWith("x") ? row : null;
      }, Duration.ofSeconds(60), "the payments SLO is listed with its burn rate");
      System.out.println("payments SLO row: " + sloRow.getText());
      assertThat(sloRow.findElement(By.cssSelector("[data-testid=slo-budget]")).getText()).matches("\\d+(\\.\\d)?%.*");
      sloRow.findElement(By.cssSelector("[data-testid=slo-open]")).click();
      WebElement sloDetail = browser.await(d -> d.findElement(By.cssSelector("[data-testid=slo-detail]")), Duration.ofSeconds(10),
          "the SLO's detail");
      assertThat(sloDetail.getText()).contains("payments-page: page at 14.4x over 2m and 1m").contains("Time window");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=slo-strategy-chart] svg")) != null
          && d.findElement(By.cssSelector("[data-testid=slo-burn-chart] svg")) != null, Duration.ofSeconds(20), "the SLO charts");
      browser.screenshot("slo-detail");
      // A ticket policy added from the detail: the SRE controller applies it and the detail lists it.
      sloDetail.findElement(By.cssSelector("[data-testid=policy-create-open]")).click();
      WebElement policy = browser.await(d -> d.findElement(By.cssSelector("[data-testid=policy-form]")), Duration.ofSeconds(10),
          "the policy form");
      for (String[] f : new String[][] {{"name", "payments-ticket"}, {"threshold", "3"}, {"lookBackWindow", "10m"},
          {"secondaryWindow", "2m"}, {"conditionMetDuration", "1m"}}) {
        Browser.fill(policy, "policy-" + f[0], f[1]);
      }
      policy.findElement(By.cssSelector("[data-testid=policy-severity] option[value=ticket]")).click();
      policy.findElement(By.cssSelector("[data-testid=policy-create]")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=slo-detail]")).getText()
          .contains("payments-ticket: ticket at 3x over 10m and 2m for 1m"), Duration.ofSeconds(40), "the new policy is in effect");
      browser.driver.findElement(By.cssSelector("[data-testid=slo-create-open]")).click();
      WebElement form = browser.await(d -> d.findElement(By.cssSelector("[data-testid=slo-form]")), Duration.ofSeconds(10), "the SLO form");
      form.findElement(By.cssSelector("[data-testid=slo-create]")).click();
      assertThat(browser.await(d -> d.findElement(By.cssSelector("[data-testid=slo-error]")), Duration.ofSeconds(10),
          "the taken name is refused").getText()).contains("already exists");
      Browser.fill(form, "slo-name", "payments-grpc-99");
      Browser.fill(form, "slo-goal", "99");
      // The manual's REPORTER and WINDOW TYPE fields: measured at the destination proxy, over calendar weeks.
      form.findElement(By.cssSelector("[data-testid=slo-reporter] option[value=destination]")).click();
      form.findElement(By.cssSelector("[data-testid=slo-window-type] option[value=calendar]")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=slo-form] select[data-testid=slo-period] option[value=week]")),
          Duration.ofSeconds(5), "the calendar lengths").click();
      browser.screenshot("slo-form");
      form.findElement(By.cssSelector("[data-testid=slo-create]")).click();
      WebElement created = browser.await(d -> d.findElement(By.cssSelector("[data-testid=slo-table] tr[data-slo=payments-grpc-99]")),
          Duration.ofSeconds(20), "the new SLO is listed");
      assertThat(created.getText()).contains("99% / week");
      // Minutes into a 30-day window, the budget says how much of the window it is based on.
      String budget = browser.await(d -> {
        String text = d.findElement(By.cssSelector("[data-testid=slo-table] tr[data-slo=payments-availability] [data-testid=slo-budget]"))
            .getText();
        return text.contains("recorded") ? text : null;
      }, Duration.ofSeconds(40), "the payments SLO's budget names its data");
      assertThat(budget).matches(".*% at the rate of the first \\d+[smhd] \\(\\d+[smhd] of \\S+ recorded\\)");
      browser.screenshot("slo");

      browser.driver.get(dashboard + "/#/overview");
      WebElement signals = browser.await(d -> d.findElement(By.cssSelector("[data-testid=mesh-rps] .card-value")), Duration.ofSeconds(20),
          "the mesh signals are shown");
      assertThat(Double.parseDouble(signals.getText())).isGreaterThan(35);
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=service-health-summary] .status-failure")).getText())
          .isEqualTo("1");
      assertThat(browser.await(d -> d.findElement(By.cssSelector("[data-testid=slo-summary] .status-failure")), Duration.ofSeconds(20),
          "the SLO summary").getText()).as("the payments SLO is paging").isEqualTo("1");
      browser.screenshot("overview-mesh");
      // The Overview's timelines: mesh RPS, P95 and error rate over the chosen range, and namespace health step by step.
      WebElement rpsChart = browser.await(d -> d.findElement(By.cssSelector("[data-testid=overview-rps-chart]")), Duration.ofSeconds(30),
          "the mesh RPS chart");
      browser.await(d -> d.findElements(By.cssSelector("[data-testid=overview-p95-chart] svg path")).size() > 0
          && d.findElements(By.cssSelector("[data-testid=overview-errors-chart] svg path")).size() > 0, Duration.ofSeconds(20),
          "the P95 and error rate charts");
      assertThat(Integer.parseInt(rpsChart.getAttribute("data-points"))).isPositive();
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=mesh-timelines]")).getAttribute("data-loaded-range")).isEqualTo("1800");
      WebElement demoHealth = browser.await(d -> d.findElement(By.cssSelector("[data-testid=namespace-health] tr[data-namespace=smm-demo]")),
          Duration.ofSeconds(20), "smm-demo's health row");
      assertThat(demoHealth.findElements(By.cssSelector(".tick-failure"))).as("payments is failing in smm-demo").isNotEmpty();
      browser.driver.findElement(By.cssSelector("[data-testid=overview-range] option[value='900']")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=mesh-timelines]")).getAttribute("data-loaded-range").equals("900")
          && Integer.parseInt(d.findElement(By.cssSelector("[data-testid=overview-rps-chart]")).getAttribute("data-points")) > 0,
          Duration.ofSeconds(30), "the charts redrawn with the last 15 minutes");
      browser.screenshot("overview-timelines");
      // The manual's switch (smm.health.enabled: false) as a user flips it with kubectl: the Overview
      // stops scoring and says so at its next refresh, and scores again when it is switched back.
      String kubectl = SandboxE2ETest.findOnPath("kubectl");
      SandboxE2ETest.kubectl(kubectl, Path.of(kubeconfig), "patch", "controlplane", "smm", "--type=merge", "-p",
          "{\"spec\":{\"smm\":{\"health\":{\"enabled\":false}}}}");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=service-health-summary]")).getText().contains("switched off"),
          Duration.ofSeconds(45), "the Overview says health is off");
      browser.screenshot("overview-health-off");
      SandboxE2ETest.kubectl(kubectl, Path.of(kubeconfig), "patch", "controlplane", "smm", "--type=merge", "-p",
          "{\"spec\":{\"smm\":{\"health\":{\"enabled\":true}}}}");
      browser.await(d -> d.findElements(By.cssSelector("[data-testid=service-health-summary] .status-failure")).size() == 1,
          Duration.ofSeconds(45), "health is scored again");
      browser.driver.get(dashboard + "/#/mesh");
      WebElement cps = browser.await(d -> d.findElement(By.cssSelector("[data-testid=control-planes]")), Duration.ofSeconds(20),
          "the control planes are listed");
      assertThat(cps.getText()).contains("cp-v115x.istio-system").contains("ALLOW_ANY");
      assertThat(cps.findElement(By.cssSelector("[data-testid=proxy-memory]")).getText()).endsWith("MiB");
      assertThat(cps.findElement(By.cssSelector("[data-testid=proxy-cpu]")).getText()).matches("\\d+m|\\d+\\.\\d\\d");
      // The install put the mesh's recording rules beside its Prometheus: the page says Prometheus evaluates every one.
      WebElement rules = browser.await(d -> d.findElement(By.cssSelector("[data-testid=recording-rules-note]")), Duration.ofSeconds(20),
          "the recording rules are reported");
      assertThat(rules.getAttribute("data-level")).as(rules.getText()).isEqualTo("ok");
      assertThat(rules.getText()).matches("(?s)✓ All \\d+ recording rules are evaluated \\(group smm-mesh-telemetry, last run .*");
      browser.screenshot("mesh");
      // The control plane's drill-down: istiod pods, proxies synced with istiod (its /debug/syncz), the trust bundle, metrics.
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=mesh-clusters]")).getText()).contains(CLUSTER);
      browser.driver.findElement(By.cssSelector("[data-testid=control-plane-open-cp-v115x]")).click();
      WebElement cpDetail = browser.await(d -> {
        WebElement cp = d.findElement(By.cssSelector("[data-testid=control-plane-detail]"));
        return cp.findElements(By.cssSelector("[data-testid=control-plane-proxies] tr[data-proxy]")).size()
            >= DemoMeshE2ETest.WORKLOADS.size() ? cp : null;
      }, Duration.ofSeconds(30), "the control plane's proxies are listed");
      assertThat(browser.driver.getCurrentUrl()).contains("cp=istio-system%2Fcp-v115x");
      assertThat(cpDetail.findElement(By.cssSelector("[data-testid=control-plane-pods]")).getText()).contains("istiod-cp-v115x")
          .contains("Running");
      // The demo's sidecars are connected and in sync (the gateways' Envoys are not simulated: NOT CONNECTED, the truth here).
      List<WebElement> demoProxies = cpDetail.findElements(By.cssSelector("[data-testid=control-plane-proxies] tr[data-proxy]")).stream()
          .filter(row -> row.findElements(By.tagName("td")).get(1).getText().equals("smm-demo")).toList();
      assertThat(demoProxies).hasSizeGreaterThanOrEqualTo(DemoMeshE2ETest.WORKLOADS.size());
      for (WebElement proxy : demoProxies) {
        assertThat(proxy.findElements(By.cssSelector(".status"))).extracting(WebElement::getText).as(proxy.getText())
            .containsExactly("SYNCED", "SYNCED", "SYNCED", "SYNCED");
      }
      assertThat(cpDetail.findElement(By.cssSelector("[data-testid=trust-bundle]")).getText()).contains("O=cluster.local (CA)");
      browser.await(d -> d.findElements(By.cssSelector("[data-testid=proxy-versions-chart] svg path")).size() > 0, Duration.ofSeconds(20),
          "the proxy versions chart");
      browser.screenshot("mesh-control-plane");

      // Traffic tap: rows stream for the demo namespace, a row opens its details, pause stops the stream.
      browser.driver.get(dashboard + "/#/tap?ns=smm-demo");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=tap-namespace]")).getAttribute("value").equals("smm-demo"),
          Duration.ofSeconds(20), "the tap page has the demo namespace selected");
      browser.driver.findElement(By.cssSelector("[data-testid=tap-toggle]")).click();
      browser.await(d -> Integer.parseInt(d.findElement(By.cssSelector("[data-testid=tap-table]")).getAttribute("aria-rowcount")) >= 50,
          Duration.ofSeconds(30), "50 rows streamed in");
      // Rows are re-rendered as batches arrive (the table follows the newest), faster than a find-then-click on a busy machine
      // can keep up with: find and click in one step in the page, as the user's click lands on whatever row is there then.
      browser.await(d -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
          "const row = document.querySelector('[data-testid=tap-row]'); if (row) { row.click(); } return row !== null;"),
          Duration.ofSeconds(10), "a row can be clicked");
      WebElement details = browser.await(d -> d.findElement(By.cssSelector("[data-testid=tap-details]")), Duration.ofSeconds(10),
          "a row's details");
      assertThat(details.getText()).contains("Reported by").contains("smm-demo/").contains("Upstream");
      browser.screenshot("tap");
      // gRPC failures: the gRPC status filter shows only payments' failing calls, each row with Envoy's status name.
      browser.driver.findElement(By.cssSelector("[data-testid=tap-toggle]")).click();
      browser.driver.get(dashboard + "/#/tap?ns=smm-demo&grpcStatus=Internal");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=tap-namespace]")).getAttribute("value").equals("smm-demo"),
          Duration.ofSeconds(20), "the tap page with a gRPC status filter");
      browser.driver.findElement(By.cssSelector("[data-testid=tap-toggle]")).click();
      browser.await(d -> d.findElements(By.cssSelector("[data-testid=tap-status]")).size() >= 3, Duration.ofSeconds(60),
          "failing gRPC calls stream in");
      // The rows as they are at one moment (read in the page in one step: a batch arriving re-renders them).
      List<?> rows = (List<?>) ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript(
          "return [...document.querySelectorAll('[data-testid=tap-row]')].map(r => "
              + "[r.querySelector('[data-testid=tap-status]').textContent.trim(), r.className]);");
      assertThat(rows).isNotEmpty().allSatisfy(row -> {
        assertThat(((List<?>) row).get(0)).isEqualTo("200 Internal");
        assertThat((String) ((List<?>) row).get(1)).contains("error");
      });
      browser.screenshot("tap-grpc-failures");
      browser.driver.findElement(By.cssSelector("[data-testid=tap-toggle]")).click();
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=tap-toggle]")).getText()).isEqualTo("START STREAMING");
      Thread.sleep(300); // a batch already on its way may still land
      String paused = browser.driver.findElement(By.cssSelector("[data-testid=tap-table]")).getAttribute("aria-rowcount");
      Thread.sleep(1500);
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=tap-table]")).getAttribute("aria-rowcount"))
          .as("no rows arrive while paused").isEqualTo(paused);
    }
  }
}

package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Distributed tracing on the demo mesh, end to end: the sidecars' spans reach the tracing
 * component (the real Zipkin server in the sandbox), a frontpage request's trace holds the hops
 * frontpage → bookings → payments → notifications nested as they were called, a 2 s delay injected
 * on payments shows among its slowest traces, and the service page draws the trace's waterfall.
 */
class TracingE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  String dashboard;
  String session;

  JsonNode graphql(String query, Map<String, Object> variables) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/graphql"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + session)
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query, "variables", variables)))).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("errors").isMissingNode()).as("GraphQL errors: %s", body.path("errors")).isTrue();
    return body.path("data");
  }

  JsonNode traces(String service, double minMs) throws Exception {
    return graphql("query($s: String!, $m: Float) { traces(namespace: \"smm-demo\", service: $s, rangeSeconds: 300, minDurationMs: $m, "
        + "limit: 10) { available message api traces { traceId durationMs rootService spanCount } } }",
        Map.of("s", service, "m", minMs)).path("traces");
  }

  JsonNode trace(String id) throws Exception {
    return graphql("query($id: String!) { trace(id: $id) { available found message trace { traceId durationMs spans { id parentId "
        + "service caller offsetMs durationMs error } } } }", Map.of("id", id)).path("trace");
  }

  /** The chain frontpage → bookings → payments → notifications in a trace, each hop a child of the one before; null when absent. */
  static List<JsonNode> chain(JsonNode trace) {
    Map<String, JsonNode> byId = new HashMap<>();
    trace.path("spans").forEach(s -> byId.put(s.path("id").asText(), s));
    for (JsonNode n : trace.path("spans")) {
      if (!n.path("service").asText().equals("notifications.smm-demo")) {
        continue;
      }
      List<JsonNode> path = new ArrayList<>(List.of(n));
      JsonNode at = n;
      while (byId.containsKey(at.path("parentId").asText())) {
        at = byId.get(at.path("parentId").asText());
        path.add(0, at);
      }
      List<String> services = path.stream().map(s -> s.path("service").asText()).toList();
      int i = services.indexOf("frontpage.smm-demo");
      if (i >= 0 && services.subList(i, services.size())
          .equals(List.of("frontpage.smm-demo", "bookings.smm-demo", "payments.smm-demo", "notifications.smm-demo"))) {
        return path.subList(i, path.size());
      }
    }
    return null;
  }

  @Test
  void aFrontpageRequestIsOneNestedTraceAndADelayShowsAmongTheSlowest(@TempDir Path smmHome) throws Exception {
    Map<String, String> env = Map.of("SMM_HOME", smmHome.toString());
    SmmProcess up = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    try {
      dashboard = up.awaitLine("Dashboard: ", Duration.ofMinutes(2)).replaceFirst(".*Dashboard: (\\S+).*", "$1");
      String kubeconfig = smmHome.resolve("sandbox/kubeconfig").toString();
      session = SandboxLogin.session(dashboard);
      assertThat(SmmProcess.run(env, "-c", kubeconfig, "demoapp", "install", "--rps", "10").exitCode()).isZero();

      // The demo samples every request: a trace through notifications, found from frontpage's traces.
      AtomicReference<List<JsonNode>> hops = new AtomicReference<>();
      SandboxE2ETest.eventually(() -> {
        try {
          JsonNode found = traces("frontpage", 0);
          if (!found.path("available").asBoolean()) {
            return false; // Zipkin still starting
          }
          assertThat(found.path("api").asText()).isEqualTo("zipkin");
          for (JsonNode t : found.path("traces")) {
            List<JsonNode> c = chain(trace(t.path("traceId").asText()).path("trace"));
            if (c != null) {
              hops.set(c);
              return true;
            }
          }
          return false;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(120), "a frontpage trace through bookings, payments and notifications");
      List<JsonNode> c = hops.get();
      for (int i = 1; i < c.size(); i++) {
        JsonNode parent = c.get(i - 1);
        JsonNode child = c.get(i);
        assertThat(child.path("caller").asText()).isEqualTo(parent.path("service").asText());
        assertThat(child.path("offsetMs").asDouble()).as("%s starts within its caller", child.path("service"))
            .isGreaterThanOrEqualTo(parent.path("offsetMs").asDouble());
        assertThat(child.path("offsetMs").asDouble() + child.path("durationMs").asDouble())
            .as("%s ends within its caller", child.path("service"))
            .isLessThanOrEqualTo(parent.path("offsetMs").asDouble() + parent.path("durationMs").asDouble() + 0.001);
      }

      // A trace the tracing server does not have is "not found", not an error.
      JsonNode missing = trace("0123456789abcdef0123456789abcdef");
      assertThat(missing.path("found").asBoolean()).isFalse();
      assertThat(missing.path("message").asText()).contains("not found");

      // 2 s of delay injected on payments: within a minute its slowest traces are the delayed ones.
      assertThat(traces("payments", 2000).path("traces").size()).as("nothing that slow before the fault").isZero();
      String delay = graphql("query($p: [LabelInput!]) { renderIstioTemplate(id: \"virtualservice/fault-delay\", parameters: $p) }",
          Map.of("p", List.of(Map.of("key", "name", "value", "payments-delay"), Map.of("key", "host", "value", "payments"),
              Map.of("key", "delay", "value", "2s"), Map.of("key", "percentage", "value", "100")))).path("renderIstioTemplate").asText();
      assertThat(graphql("mutation($y: String!) { applyIstioResource(yaml: $y) { applied } }", Map.of("y", delay))
          .at("/applyIstioResource/applied").asBoolean()).isTrue();
      AtomicReference<String> slowest = new AtomicReference<>();
      SandboxE2ETest.eventually(() -> {
        try {
          JsonNode slow = traces("payments", 2000).path("traces");
          if (slow.size() > 0) {
            slowest.set(slow.get(0).path("traceId").asText());
          }
          return slow.size() > 0;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(60), "a payments trace of 2 s or more among its slowest");
      JsonNode delayed = trace(slowest.get()).path("trace");
      JsonNode paymentsHop = null;
      for (JsonNode s : delayed.path("spans")) {
        if (s.path("service").asText().equals("payments.smm-demo")) {
          paymentsHop = s;
        }
      }
      assertThat(paymentsHop).isNotNull();
      assertThat(paymentsHop.path("durationMs").asDouble()).as("the delayed hop").isGreaterThanOrEqualTo(2000);

      // The service page: its slowest traces, and the chosen one's waterfall.
      try (Browser browser = new Browser()) {
        SandboxLogin.browser(browser, env, kubeconfig);
        browser.driver.get(dashboard + "/#/services?ns=smm-demo&service=payments");
        WebElement table = browser.await(d -> d.findElement(By.cssSelector("[data-testid=traces-table]")), Duration.ofSeconds(60),
            "the payments traces table");
        Browser.fill(browser.driver.findElement(By.cssSelector("[data-testid=traces]")), "traces-min", "2000");
        browser.await(d -> {
          List<WebElement> rows = d.findElements(By.cssSelector("[data-testid=traces-table] tbody tr"));
          return !rows.isEmpty() && rows.stream().allMatch(r -> parseMs(r.findElements(By.tagName("td")).get(2).getText()) >= 2000);
        }, Duration.ofSeconds(60), "only traces of 2 s or more listed");
        browser.driver.findElement(By.cssSelector("[data-testid=traces-table] tbody tr button")).click();
        WebElement view = browser.await(d -> d.findElement(By.cssSelector("[data-testid=trace-view]")), Duration.ofSeconds(30),
            "the trace's waterfall");
        WebElement paymentsRow = view.findElement(By.cssSelector("[data-testid=span-payments]"));
        assertThat(parseMs(paymentsRow.findElements(By.tagName("td")).get(4).getText())).isGreaterThanOrEqualTo(2000);
        assertThat(Integer.parseInt(paymentsRow.getAttribute("data-depth")))
            .isGreaterThan(Integer.parseInt(view.findElement(By.cssSelector("[data-testid=span-bookings]")).getAttribute("data-depth")));
        browser.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", view);
        System.out.println("screenshot: " + browser.screenshot("trace-view"));
        assertThat(table).isNotNull();
      }
    } finally {
      up.interruptAndDrain(Duration.ofSeconds(30));
    }
  }

  static double parseMs(String text) {
    return Double.parseDouble(text.replace("ms", "").trim());
  }
}

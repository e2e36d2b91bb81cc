package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.operator.components.GrafanaDashboards;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Tracing and Grafana on the demo mesh, one sandbox for both. Tracing end to end: the sidecars'
 * spans reach the tracing component (the real Zipkin server in the sandbox), a frontpage request's
 * trace holds the hops frontpage → bookings → payments → notifications nested as they were called,
 * a 2 s delay injected on payments shows among its slowest traces, and the service page draws the
 * trace's waterfall. Grafana: every panel the product ships, its variables set to the demo's,
 * parses and returns series in the sandbox's real Prometheus (no Grafana binary runs here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  Path smmHome;
  Map<String, String> env;
  SmmProcess up;
  String kubeconfig;
  String dashboard;
  String prometheus;
  String session;

  @BeforeAll
  void startTheDemo(@TempDir Path home) throws Exception {
    smmHome = home;
    env = Map.of("SMM_HOME", smmHome.toString());
    up = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    prometheus = up.awaitLine("  Prometheus:", Duration.ofMinutes(2)).replaceFirst(".*Prometheus:\\s+(\\S+).*", "$1");
    dashboard = up.awaitLine("Dashboard: ", Duration.ofMinutes(2)).replaceFirst(".*Dashboard: (\\S+).*", "$1");
    kubeconfig = smmHome.resolve("sandbox/kubeconfig").toString();
    session = SandboxLogin.session(dashboard);
    assertThat(SmmProcess.run(env, "-c", kubeconfig, "demoapp", "install", "--rps", "10").exitCode()).isZero();
  }

  @AfterAll
  void stop() throws Exception {
    if (up != null) {
      up.interruptAndDrain(Duration.ofSeconds(30));
    }
  }

  JsonNode graphql(String query, Map<String, Object> variables) throws Exception {
    return new DashboardApi(dashboard, session).graphql(query, variables);
  }

  JsonNode traces(String service, double minMs) throws Exception {
    return graphql("query($s: String!, $m: Float) { traces(namespace: \"smm-demo\", service: $s, rangeSeconds: 300, minDurationMs: $m, "
        + "limit: 10) { available message api traces { traceId start durationMs rootService spanCount } } }",
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
  void aFrontpageRequestIsOneNestedTraceAndADelayShowsAmongTheSlowest() throws Exception {
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

    // 2 s of delay injected on payments: within a minute its slowest traces include delayed ones, begun after the fault
    // (a loaded machine can make a trace that slow now and then before it, so those are not counted).
    Instant faultApplied = Instant.now();
    String delay = graphql("query($p: [LabelInput!]) { renderIstioTemplate(id: \"virtualservice/fault-delay\", parameters: $p) }",
        Map.of("p", List.of(Map.of("key", "name", "value", "payments-delay"), Map.of("key", "host", "value", "payments"),
            Map.of("key", "delay", "value", "2s"), Map.of("key", "percentage", "value", "100")))).path("renderIstioTemplate").asText();
    assertThat(graphql("mutation($y: String!) { applyIstioResource(yaml: $y) { applied } }", Map.of("y", delay))
        .at("/applyIstioResource/applied").asBoolean()).isTrue();
    AtomicReference<String> slowest = new AtomicReference<>();
    SandboxE2ETest.eventually(() -> {
      try {
        for (JsonNode slow : traces("payments", 2000).path("traces")) {
          if (!java.time.OffsetDateTime.parse(slow.path("start").asText()).toInstant().isBefore(faultApplied)) {
            slowest.set(slow.path("traceId").asText());
            return true;
          }
        }
        return false;
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
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=traces-table]")), Duration.ofSeconds(60),
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
      assertThat(paymentsRow.findElements(By.tagName("td")).get(2).getText()).as("Envoy's delay-injected flag").contains("DI");
      assertThat(Integer.parseInt(paymentsRow.getAttribute("data-depth")))
          .isGreaterThan(Integer.parseInt(view.findElement(By.cssSelector("[data-testid=span-bookings]")).getAttribute("data-depth")));
      browser.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", view);
      System.out.println("screenshot: " + browser.screenshot("trace-view"));

      // The same trace in the tracing server's own UI: Zipkin's, proxied on the backend's tools port (an origin of its own).
      String dashboardTab = browser.driver.getWindowHandle();
      view.findElement(By.cssSelector("[data-testid=open-trace-ui]")).click();
      String zipkinTab = browser.await(d -> d.getWindowHandles().stream().filter(h -> !h.equals(dashboardTab)).findFirst().orElse(null),
          Duration.ofSeconds(20), "a tab for the tracing UI");
      browser.driver.switchTo().window(zipkinTab);
      browser.await(d -> d.getCurrentUrl().contains("/zipkin/traces/") && !d.getCurrentUrl().startsWith(dashboard)
          && d.findElement(By.tagName("body")).getText().toLowerCase(Locale.ROOT).contains("payments"), Duration.ofSeconds(60),
          "Zipkin's UI showing the trace, on another origin than the dashboard");
      browser.screenshot("trace-in-zipkin");
      browser.driver.close();
      browser.driver.switchTo().window(dashboardTab);

      // From traffic tap to the request's trace: a tapped HTTP request's details find its trace by its x-request-id.
      browser.driver.get(dashboard + "/#/tap?ns=smm-demo&protocol=http");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=tap-namespace]")).getAttribute("value").equals("smm-demo"),
          Duration.ofSeconds(20), "the tap page has the demo namespace selected");
      browser.driver.findElement(By.cssSelector("[data-testid=tap-toggle]")).click();
      browser.await(d -> Integer.parseInt(d.findElement(By.cssSelector("[data-testid=tap-table]")).getAttribute("aria-rowcount")) >= 5,
          Duration.ofSeconds(30), "rows streamed in");
      browser.driver.findElement(By.cssSelector("[data-testid=tap-toggle]")).click(); // paused: the rows stay put
      browser.driver.findElement(By.cssSelector("[data-testid=tap-row]")).click();
      WebElement details = browser.await(d -> d.findElement(By.cssSelector("[data-testid=tap-details]")), Duration.ofSeconds(10),
          "a row's details");
      details.findElement(By.cssSelector("[data-testid=find-trace]")).click();
      WebElement requestTrace = browser.await(d -> {
        List<WebElement> again = d.findElements(By.cssSelector("[data-testid=tap-details] [data-testid=trace-again]"));
        if (!again.isEmpty()) {
          again.get(0).click(); // its spans were still on their way to the collector
          return null;
        }
        return d.findElement(By.cssSelector("[data-testid=tap-details] [data-testid=trace-view]"));
      }, Duration.ofSeconds(60), "the tapped request's trace");
      assertThat(requestTrace.findElements(By.cssSelector("tbody tr"))).as("the request's hops").hasSizeGreaterThanOrEqualTo(2);
      browser.screenshot("tap-trace");
    }
  }

  /** The demo's values for the dashboards' variables: a service with callers, a workload that calls out, the SLO made below. */
  static final Map<String, String> VARIABLES = Map.of("namespace", "smm-demo", "service", "payments", "workload", "bookings-v1",
      "revision", "1.15.3", "slo", "frontpage-availability");
  /** Grafana's own variables, as it would set them for a 30-minute view. */
  static final Map<String, String> BUILT_IN = Map.of("__rate_interval", "1m", "__interval", "15s", "__range", "30m");
  static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

  static String substitute(String expr) {
    String out = expr;
    for (Map.Entry<String, String> v : BUILT_IN.entrySet()) {
      out = out.replace("$" + v.getKey(), v.getValue());
    }
    for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
      out = out.replace("$" + v.getKey(), v.getValue());
    }
    return out;
  }

  JsonNode prometheus(String path, String param, String value) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheus + path + "?" + param + "="
        + URLEncoder.encode(value, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  /** What is wrong with one dashboard against the demo's data: variables whose value is not offered, panels that fail or are empty. */
  List<String> problems(String name) throws Exception {
    JsonNode dashboard = JSON.readTree(GrafanaDashboards.json(name));
    List<String> problems = new ArrayList<>();
    for (JsonNode v : dashboard.at("/templating/list")) {
      Matcher m = LABEL_VALUES.matcher(v.path("query").asText());
      assertThat(m.matches()).as("%s: variable %s is label_values(...)", name, v.path("name")).isTrue();
      JsonNode series = prometheus("/api/v1/series", "match[]", substitute(m.group(1)));
      String wanted = VARIABLES.get(v.path("name").asText());
      boolean offered = false;
      for (JsonNode s : series.path("data")) {
        offered |= wanted.equals(s.path(m.group(2)).asText());
      }
      if (!offered) {
        problems.add(name + ": variable " + v.path("name").asText() + " does not offer " + wanted + " (" + series.path("error").asText("")
            + ")");
      }
    }
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr = substitute(target.path("expr").asText());
        JsonNode answer = prometheus("/api/v1/query", "query", expr);
        if (!"success".equals(answer.path("status").asText())) {
          problems.add(name + " / " + panel.path("title").asText() + ": " + answer.path("error").asText() + " in " + expr);
        } else if (answer.at("/data/result").isEmpty()) {
          problems.add(name + " / " + panel.path("title").asText() + ": no series for " + expr);
        }
      }
    }
    return problems;
  }

  @Test
  void everyShippedGrafanaPanelParsesAndReturnsSeriesForTheDemo() throws Exception {
    // The SLO dashboard needs an SLO: the demo's example one, made as a user makes it.
    graphql("mutation($i: SloInput!) { createSlo(input: $i) { name } }", Map.of("i", Map.of("namespace", "smm-demo",
        "name", "frontpage-availability", "service", "frontpage", "template", "http-requests-success-rate", "goal", "99.9")));
    AtomicReference<List<String>> last = new AtomicReference<>(List.of("not asked yet"));
    int panels = 0;
    for (String name : GrafanaDashboards.NAMES) {
      panels += JSON.readTree(GrafanaDashboards.json(name)).path("panels").size();
    }
    try {
      SandboxE2ETest.eventually(() -> {
        try {
          List<String> all = new ArrayList<>();
          for (String name : GrafanaDashboards.NAMES) {
            all.addAll(problems(name));
          }
          last.set(all);
          return all.isEmpty();
        } catch (Exception e) {
          last.set(List.of(e.toString()));
          return false;
        }
      }, Duration.ofSeconds(180), "every panel of every shipped dashboard returns series");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + String.join("\n", last.get()), e);
    }
    System.out.println(GrafanaDashboards.NAMES.size() + " dashboards, " + panels + " panels: every query parses and returns series");
  }

  static double parseMs(String text) {
    return Double.parseDouble(text.replace("ms", "").trim());
  }
}

package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.sandbox.istiod.MeshCa;
import io.smm.sandbox.testing.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Traffic management on the demo mesh through the product's own API and pages: templates applied
 * through GraphQL change what the simulated sidecars do (faults, weights, mTLS), `smm analyze`
 * judges the demo, and the Istio resources and Gateways pages create resources in Chromium.
 */
class TrafficManagementE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  String dashboard;
  String session;

  JsonNode graphql(String query, Map<String, Object> variables) throws Exception {
    return new DashboardApi(dashboard, session).graphql(query, variables);
  }

  String render(String template, Map<String, String> parameters) throws Exception {
    List<Map<String, String>> params = parameters.entrySet().stream().map(e -> Map.of("key", e.getKey(), "value", e.getValue())).toList();
    return graphql("query($id: String!, $p: [LabelInput!]) { renderIstioTemplate(id: $id, parameters: $p) }",
        Map.of("id", template, "p", params)).path("renderIstioTemplate").asText();
  }

  /** Applies YAML through the API without force: the demo mesh must not need it. */
  JsonNode apply(String yaml) throws Exception {
    JsonNode result = graphql("mutation($y: String!) { applyIstioResource(yaml: $y) { applied created issues { checkId severity message } } }",
        Map.of("y", yaml)).path("applyIstioResource");
    assertThat(result.path("applied").asBoolean()).as("applied without force: %s", result).isTrue();
    return result;
  }

  String yamlOf(String kind, String name) throws Exception {
    return graphql("query($k: String!, $n: String!) { istioResource(kind: $k, namespace: \"smm-demo\", name: $n) { yaml } }",
        Map.of("k", kind, "n", name)).at("/istioResource/yaml").asText();
  }

  JsonNode edge(String source, String target) throws Exception {
    JsonNode t = graphql("{ topology(namespaces: [\"smm-demo\"], windowSeconds: 10) { edges { source target requestsPerSecond "
        + "errorRatio mtls } } }", Map.of()).path("topology");
    return TopologyE2ETest.edge(t, source, target);
  }

  double rate(String source, String target, String field) {
    try {
      JsonNode e = edge(source, target);
      return e == null ? 0 : e.path(field).asDouble(0);
    } catch (Exception ex) {
      return -1;
    }
  }

  @Test
  void templatesChangeTheMeshAndThePagesCreateResources(@TempDir Path smmHome) throws Exception {
    Map<String, String> env = Map.of("SMM_HOME", smmHome.toString());
    SmmProcess up = SmmProcess.start(env, "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    try {
      dashboard = up.awaitLine("Dashboard: ", Duration.ofMinutes(2)).replaceFirst(".*Dashboard: (\\S+).*", "$1");
      String kubeconfig = smmHome.resolve("sandbox/kubeconfig").toString();
      session = SandboxLogin.session(dashboard);
      assertThat(SmmProcess.run(env, "-c", kubeconfig, "demoapp", "install", "--rps", "10").exitCode()).isZero();
      String bookings = TopologyE2ETest.workload("bookings-v1");
      String payments = TopologyE2ETest.service("payments");
      String movies = TopologyE2ETest.service("movies");
      SandboxE2ETest.eventually(() -> rate(bookings, payments, "requestsPerSecond") > 0
          && rate(movies, TopologyE2ETest.workload("movies-v1"), "requestsPerSecond") > 0
          && rate(movies, TopologyE2ETest.workload("movies-v2"), "requestsPerSecond") > 0, Duration.ofSeconds(120),
          "payments and every movies version serve traffic");

      // The demo mesh as it is installed has no validation errors.
      SmmProcess.Result analyze = SmmProcess.run(env, "-c", kubeconfig, "analyze");
      System.out.println("smm analyze on the demo:\n" + analyze.output());
      assertThat(analyze.exitCode()).as(analyze.output()).isZero();
      assertThat(analyze.output()).contains("✓ 0 validation errors found");
      offlineAnalysisAgreesWithTheLiveOne(env, kubeconfig, smmHome);
      supportBundleHasLogsAndNoCredentials(env, kubeconfig, smmHome);

      // Fault injection from the template: calls to payments fail; deleting it heals them.
      assertThat(rate(bookings, payments, "errorRatio")).isZero();
      apply(render("virtualservice/fault-abort", Map.of("name", "payments-fault", "host", "payments", "percentage", "100")));
      SandboxE2ETest.eventually(() -> rate(bookings, payments, "errorRatio") > 0.9, Duration.ofSeconds(60),
          "bookings' calls to payments fail after the abort fault");
      assertThat(graphql("mutation { deleteIstioResource(kind: \"VirtualService\", namespace: \"smm-demo\", name: \"payments-fault\") }",
          Map.of()).path("deleteIstioResource").asBoolean()).isTrue();
      SandboxE2ETest.eventually(() -> {
        double r = rate(bookings, payments, "errorRatio");
        return r >= 0 && r < 0.05;
      }, Duration.ofSeconds(60), "the calls to payments succeed again");

      // A weighted route shifts all of movies' traffic to v2.
      apply(render("destinationrule/subsets", Map.of("name", "movies", "host", "movies")));
      apply(render("virtualservice/weighted-routes", Map.of("name", "movies", "host", "movies", "subsetA", "v1", "weightA", "0",
          "subsetB", "v2", "weightB", "100")));
      SandboxE2ETest.eventually(() -> rate(movies, TopologyE2ETest.workload("movies-v1"), "requestsPerSecond") == 0
          && rate(movies, TopologyE2ETest.workload("movies-v3"), "requestsPerSecond") == 0
          && rate(movies, TopologyE2ETest.workload("movies-v2"), "requestsPerSecond") > 0, Duration.ofSeconds(60),
          "movies v2 gets all of movies' traffic");

      // mTLS: DISABLE, then an update of the same PeerAuthentication to STRICT, shows in the topology's mTLS flag.
      String catalog = TopologyE2ETest.service("catalog");
      String catalogV1 = TopologyE2ETest.workload("catalog-v1");
      JsonNode created = apply(render("peerauthentication/mtls", Map.of("name", "catalog", "app", "catalog", "mode", "DISABLE")));
      assertThat(created.path("created").asBoolean()).isTrue();
      SandboxE2ETest.eventually(() -> rate(catalog, catalogV1, "requestsPerSecond") > 0 && rate(catalog, catalogV1, "mtls") == 0,
          Duration.ofSeconds(60), "catalog's traffic is plaintext");
      JsonNode updated = apply(yamlOf("PeerAuthentication", "catalog").replace("mode: DISABLE", "mode: STRICT"));
      assertThat(updated.path("created").asBoolean()).isFalse();
      SandboxE2ETest.eventually(() -> rate(catalog, catalogV1, "mtls") == 1.0, Duration.ofSeconds(60),
          "catalog's traffic is mutual TLS after STRICT");

      // A Sidecar recommended from the observed traffic, applied: payments keeps reaching notifications.
      SmmProcess.Result egress = SmmProcess.run(env, "-c", kubeconfig, "sidecar-proxy", "egress", "recommend", "smm-demo", "--workload", "payments-v1",
          "--apply", "--url", dashboard);
      System.out.println(egress.output());
      assertThat(egress.exitCode()).as(egress.output()).isZero();
      assertThat(egress.output()).contains("Recommended sidecar egress rules for smm-demo/payments-v1", "payments-v1", "app=\"payments\"",
          "./notifications.smm-demo.svc.cluster.local", "✓ Sidecar smm-demo/payments-v1 created");
      String notifications = TopologyE2ETest.service("notifications");
      String paymentsV1 = TopologyE2ETest.workload("payments-v1");
      Thread.sleep(12_000); // a full 10 s window under the Sidecar
      SandboxE2ETest.eventually(() -> rate(paymentsV1, notifications, "requestsPerSecond") > 0
          && rate(paymentsV1, notifications, "errorRatio") == 0, Duration.ofSeconds(30), "payments still reaches notifications");

      pagesCreateResources(env, kubeconfig);
    } finally {
      up.interruptAndDrain(Duration.ofSeconds(30));
    }
  }

  /** A finding as both runs must agree on it: check, subject (without the cluster part of the key), path, message. */
  static Set<String> findings(String output) throws Exception {
    JsonNode report = JSON.readTree(output.substring(output.indexOf('{')));
    Set<String> out = new TreeSet<>();
    report.fields().forEachRemaining(e -> e.getValue().forEach(f -> out.add(f.path("checkID").asText() + " "
        + f.path("subjectContextKey").asText().replaceFirst(":[^:]*:", "::") + " " + f.at("/error/path").asText() + " "
        + f.path("istioCode").asText("-") + " " + f.path("errorMessage").asText())));
    return out;
  }

  /**
   * Two broken resources saved with force, then `smm analyze` on the cluster and `smm analyze
   * --use-kube=false` on what kubectl exports of it must report the same findings; the dashboard
   * shows the Istio codes beside them.
   */
  void offlineAnalysisAgreesWithTheLiveOne(Map<String, String> env, String kubeconfig, Path dir) throws Exception {
    String ghost = """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: ghost-route, namespace: smm-demo}
        spec:
          hosts: [ghost]
          http: [{route: [{destination: {host: ghost}}]}]
        """;
    String noPods = """
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: movies-v9, namespace: smm-demo}
        spec: {host: movies, subsets: [{name: v9, labels: {version: v9}}]}
        """;
    for (String yaml : List.of(ghost, noPods)) {
      assertThat(graphql("mutation($y: String!) { applyIstioResource(yaml: $y, force: true) { applied } }", Map.of("y", yaml))
          .at("/applyIstioResource/applied").asBoolean()).isTrue();
    }
    SmmProcess.Result live = SmmProcess.run(env, "-c", kubeconfig, "analyze", "-o", "json");
    assertThat(live.exitCode()).as(live.output()).isEqualTo(1);
    Set<String> liveFindings = findings(live.output());
    assertThat(liveFindings).anyMatch(f -> f.startsWith("virtualservice/destination/host-not-found virtualservice.networking.istio.io::"
        + "smm-demo:ghost-route spec.http[0].route[0].destination.host IST0101"));
    assertThat(liveFindings).anyMatch(f -> f.startsWith("destinationrule/subset/no-pods destinationrule.networking.istio.io::smm-demo:"
        + "movies-v9 spec.subsets[0].labels IST0173"));

    String kubectl = SandboxE2ETest.findOnPath("kubectl");
    if (kubectl == null) {
      System.out.println("SKIPPED offline analysis of a kubectl export: kubectl is not on PATH");
    } else {
      Path export = dir.resolve("export/mesh.yaml");
      Files.createDirectories(export.getParent());
      Process p = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig, "get", "namespaces,nodes,pods,services,serviceaccounts,secrets,"
          + "configmaps,deployments,mutatingwebhookconfigurations,virtualservices,destinationrules,gateways,serviceentries,sidecars,"
          + "envoyfilters,peerauthentications,authorizationpolicies,requestauthentications,istiocontrolplanes", "-A", "-o", "yaml")
          .redirectOutput(export.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      assertThat(p.waitFor()).as("kubectl get ... -o yaml").isZero();
      // No cluster: the environment has no kubeconfig and the run must not need one.
      SmmProcess.Result offline = SmmProcess.run(env, "analyze", "--use-kube=false", "-f", export.getParent().toString(), "-o", "json");
      assertThat(offline.exitCode()).as(offline.output()).isEqualTo(1);
      assertThat(findings(offline.output())).isEqualTo(liveFindings);
    }

    try (Browser browser = new Browser()) {
      SandboxLogin.browser(browser, env, kubeconfig);
      browser.driver.get(dashboard + "/#/overview");
      browser.await(d -> d.findElements(By.cssSelector("[data-testid=validation-findings] tr[data-check='virtualservice/destination/"
          + "host-not-found'] [data-testid=istio-code]")).stream().anyMatch(e -> e.getText().equals("IST0101")), Duration.ofSeconds(30),
          "IST0101 beside the ghost route's finding");
      assertThat(browser.driver.findElement(By.cssSelector("tr[data-check='destinationrule/subset/no-pods'] [data-testid=istio-code]"))
          .getText()).isEqualTo("IST0173");
      assertThat(browser.driver.findElement(By.cssSelector("tr[data-check='virtualservice/destination/host-not-found']")).getText())
          .contains("ReferencedResourceNotFound", "smm-demo/ghost-route");
      ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("arguments[0].scrollIntoView()",
          browser.driver.findElement(By.cssSelector("[data-testid=validation-issues]")));
      browser.screenshot("validation-istio-codes");
    }
    for (String[] r : List.of(new String[] {"VirtualService", "ghost-route"}, new String[] {"DestinationRule", "movies-v9"})) {
      assertThat(graphql("mutation { deleteIstioResource(kind: \"" + r[0] + "\", namespace: \"smm-demo\", name: \"" + r[1] + "\") }",
          Map.of()).path("deleteIstioResource").asBoolean()).isTrue();
    }
  }

  /**
   * The editor's validation has run and found no error. The demo's services have two ports (HTTP
   * and gRPC), so a route without a port gets Istio's IST0112 advice as a warning; it may stay.
   */
  static void awaitNoErrors(Browser browser, String what) throws Exception {
    browser.await(d -> !d.findElements(By.cssSelector("[data-testid=resource-valid]")).isEmpty()
        || !d.findElements(By.cssSelector("[data-testid=resource-issues] li.issue-warning")).isEmpty()
        && d.findElements(By.cssSelector("[data-testid=resource-issues] li.issue-error")).isEmpty(), Duration.ofSeconds(15), what);
  }

  /** `smm support-bundle` on the running sandbox: resources, events and logs are in it, the session token and Secrets are not. */
  void supportBundleHasLogsAndNoCredentials(Map<String, String> env, String kubeconfig, Path dir) throws Exception {
    Path zip = dir.resolve("bundle.zip");
    SmmProcess.Result r = SmmProcess.run(env, "-c", kubeconfig, "support-bundle", "-n", "smm-demo", "-o", zip.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    Map<String, String> entries = new java.util.TreeMap<>();
    try (java.util.zip.ZipInputStream z = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
      for (java.util.zip.ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        entries.put(e.getName(), new String(z.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    System.out.println("support bundle: " + entries.size() + " files; errors.txt: " + entries.get("errors.txt").strip());
    // The product's own pods log nothing here (the sandbox runs them in its process); the demo's sidecars log every request.
    assertThat(entries.keySet()).contains("namespaces/smm-system/pods.yaml", "namespaces/smm-system/events.yaml")
        .anyMatch(n -> n.startsWith("namespaces/smm-demo/logs/") && n.endsWith("/istio-proxy.log") && !entries.get(n).isBlank());
    assertThat(entries).containsKeys("smm/controlplanes.yaml", "smm/istiocontrolplanes.yaml", "validation.json");
    entries.forEach((name, content) -> assertThat(content).as(name).doesNotContain(session));
  }

  static void choose(WebElement select, String value) {
    select.findElement(By.cssSelector("option[value='" + value + "']")).click();
  }

  /** Istio resources page: a template with a bad host shows a marker, the fix clears it, save lists it; Gateways page creates one. */
  static String base64(String text) {
    return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  void pagesCreateResources(Map<String, String> env, String kubeconfig) throws Exception {
    try (Browser browser = new Browser()) {
      SandboxLogin.browser(browser, env, kubeconfig);
      browser.driver.get(dashboard + "/#/istio-resources?ns=smm-demo");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=resources-table]")), Duration.ofSeconds(30), "the resources table");
      browser.driver.findElement(By.cssSelector("[data-testid=new-resource]")).click();
      choose(browser.await(d -> d.findElement(By.cssSelector("[data-testid=template-select]")), Duration.ofSeconds(10),
          "the template picker"), "virtualservice/timeout");
      browser.await(d -> d.findElement(By.cssSelector("input[name=host]")), Duration.ofSeconds(5), "the template's parameters");
      browser.driver.findElement(By.cssSelector("input[name=name]")).sendKeys("bookings-timeout");
      browser.driver.findElement(By.cssSelector("input[name=host]")).sendKeys("bokings");
      browser.driver.findElement(By.cssSelector("[data-testid=use-template]")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=resource-issues]")).getText()
          .contains("virtualservice/destination/host-not-found"), Duration.ofSeconds(15), "the bad host is reported");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=yaml-editor] .cm-lintRange-error")), Duration.ofSeconds(10),
          "an error marker in the editor");
      browser.screenshot("istio-resource-invalid");

      // Fix it in the editor: every line naming the bad host, at its end, "bokings" -> "bookings".
      for (int i = 0; i < 4; i++) {
        List<WebElement> bad = browser.driver.findElements(By.xpath("//div[contains(@class,'cm-line')][contains(., 'bokings')]"));
        if (bad.isEmpty()) {
          break;
        }
        bad.get(0).click();
        bad.get(0).sendKeys(Keys.END, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE,
            Keys.BACK_SPACE, "bookings");
      }
      awaitNoErrors(browser, "no error after the fix");
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=resource-editor]")).getText())
          .doesNotContain("host-not-found");
      browser.driver.findElement(By.xpath("//section[@data-testid='resource-editor']//button[text()='Save']")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=resources-notice]")).getText()
          .contains("Saved VirtualService smm-demo/bookings-timeout"), Duration.ofSeconds(15), "the save is confirmed");
      browser.await(d -> d.findElement(By.cssSelector("tr[data-resource='VirtualService/smm-demo/bookings-timeout']")),
          Duration.ofSeconds(15), "the new VirtualService in the list");
      browser.screenshot("istio-resources");
      assertThat(yamlOf("VirtualService", "bookings-timeout")).contains("host: bookings").doesNotContain("bokings");

      // A service's traffic action opens the editor filled in for it; saved, it is listed on the service.
      browser.driver.get(dashboard + "/#/services?ns=smm-demo&service=payments");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=traffic-actions] [data-action='virtualservice/retry']")),
          Duration.ofSeconds(30), "payments' traffic actions").click();
      awaitNoErrors(browser, "a retry rule without errors");
      assertThat(browser.driver.findElement(By.cssSelector("[data-testid=yaml-editor]")).getText())
          .contains("name: payments-retry", "host: payments", "attempts: 3");
      browser.driver.findElement(By.xpath("//section[@data-testid='resource-editor']//button[text()='Save']")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=service-istio-resources]")).getText().contains("payments-retry"),
          Duration.ofSeconds(15), "the retry rule listed on the service");
      browser.screenshot("service-traffic-actions");

      browser.driver.get(dashboard + "/#/gateways");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=create-gateway]")), Duration.ofSeconds(20), "the Gateways page")
          .click();
      choose(browser.await(d -> d.findElement(By.cssSelector("[data-testid=template-select]")), Duration.ofSeconds(10),
          "the gateway templates"), "istiomeshgateway/ingress");
      browser.await(d -> d.findElement(By.cssSelector("input[name=name]")), Duration.ofSeconds(5), "the name parameter")
          .sendKeys("e2e-ingress");
      browser.driver.findElement(By.cssSelector("[data-testid=use-template]")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=resource-valid]")), Duration.ofSeconds(15), "a valid gateway");
      browser.driver.findElement(By.xpath("//section[@data-testid='resource-editor']//button[text()='Save']")).click();
      WebElement row = browser.await(d -> d.findElement(By.cssSelector("[data-testid=gateways-table] tr[data-gateway=e2e-ingress]")),
          Duration.ofSeconds(20), "the new ingress gateway in the list");
      assertThat(row.getText()).contains("istio-system", "ingress");
      // The sandbox's gateways carry no traffic: their rate reads 0.0, which Prometheus answered (not "—").
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=gateways-table] tr[data-gateway=e2e-ingress]")).getText()
          .contains("0.0%"), Duration.ofSeconds(20), "the gateway's error rate and requests/s from Prometheus");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=gateways-table] tr[data-gateway=e2e-ingress]")).getText()
          .contains("Available"), Duration.ofSeconds(60), "the operator makes the gateway available");
      browser.screenshot("gateways");

      // Ports & Hosts: an HTTP entry point, then HTTPS with Let's Encrypt (Issuer + annotated Certificate; the secret comes later).
      browser.driver.findElement(By.linkText("e2e-ingress")).click();
      WebElement form = browser.await(d -> d.findElement(By.cssSelector("[data-testid=entry-point-form]")), Duration.ofSeconds(10),
          "the entry point form");
      Browser.replaceText(form.findElement(By.cssSelector("input[name=port]")), "80");
      choose(form.findElement(By.cssSelector("select[name=protocol]")), "HTTP");
      form.findElement(By.cssSelector("input[name=hosts]")).sendKeys("e2e.example.com");
      form.findElement(By.cssSelector("[data-testid=create-entry-point]")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=gateways-notice]")).getText()
          .contains("Created Gateway istio-system/e2e-ingress-http-80"), Duration.ofSeconds(15), "the HTTP entry point is created");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=entry-points] tr[data-entry='80/HTTP']")), Duration.ofSeconds(15),
          "the HTTP entry point in Ports & Hosts");
      form = browser.driver.findElement(By.cssSelector("[data-testid=entry-point-form]"));
      Browser.replaceText(form.findElement(By.cssSelector("input[name=port]")), "443");
      choose(form.findElement(By.cssSelector("select[name=protocol]")), "HTTPS");
      Browser.replaceText(form.findElement(By.cssSelector("input[name=hosts]")), "app.example.org");
      browser.driver.findElement(By.cssSelector("[data-testid=entry-point-form] input[name=letsEncrypt]")).click();
      browser.driver.findElement(By.cssSelector("[data-testid=entry-point-form] input[name=email]")).sendKeys("ops@example.org");
      browser.driver.findElement(By.cssSelector("[data-testid=create-entry-point]")).click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=gateways-notice]")).getText()
          .contains("Certificate istio-system/e2e-ingress-https-443"), Duration.ofSeconds(15), "the Let's Encrypt entry point is created");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=entry-points] tr[data-entry='443/HTTPS']")).getText()
          .contains("e2e-ingress-https-443-tls"), Duration.ofSeconds(15), "the HTTPS entry point with its certificate's secret");
      browser.screenshot("gateway-detail");
      // No cert-manager runs in the sandbox: the HTTPS row says what it waits for (the manual's warning icon) ...
      assertThat(browser.await(d -> d.findElement(By.cssSelector(
          "[data-testid=entry-points] tr[data-entry='443/HTTPS'] [data-testid=tls-pending]")), Duration.ofSeconds(15),
          "the pending certificate").getText()).contains("waiting for its certificate: Secret istio-system/e2e-ingress-https-443-tls not found");
      // ... and once the certificate's Secret is there (written with kubectl here, as cert-manager writes it), the check mark.
      MeshCa.Workload issued = MeshCa.create("e2e-acme").issue("istio-system", "e2e", "app.example.org");
      Path secret = Files.createTempFile("e2e-tls", ".yaml");
      Files.writeString(secret, """
          apiVersion: v1
          kind: Secret
          type: kubernetes.io/tls
          metadata: {name: e2e-ingress-https-443-tls, namespace: istio-system}
          data: {tls.crt: %s, tls.key: %s}
          """.formatted(base64(Pem.certificate(issued.certificate())), base64(Pem.privateKey(issued.key()))));
      DemoMeshE2ETest.apply(SandboxE2ETest.findOnPath("kubectl"), kubeconfig, "apply", secret);
      browser.await(d -> !d.findElements(By.cssSelector("[data-testid=entry-points] tr[data-entry='443/HTTPS'] [data-testid=tls-ready]"))
          .isEmpty(), Duration.ofSeconds(30), "the check mark once the certificate is in place");
      browser.screenshot("gateway-certificate");

      browser.driver.get(dashboard + "/#/overview");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=validation-summary]")), Duration.ofSeconds(30),
          "the validation issues on the Overview");
      browser.screenshot("overview-validation");

      // The Mesh page counts each control plane's findings and lists them on a click.
      browser.driver.get(dashboard + "/#/mesh");
      browser.await(d -> d.findElement(By.cssSelector("[data-testid='validations-cp-v115x.istio-system']")), Duration.ofSeconds(30),
          "the control plane's validations").click();
      browser.await(d -> d.findElement(By.cssSelector("[data-testid=control-plane-validations]")).getText()
          .contains("namespace/injection/missing"), Duration.ofSeconds(10), "the control plane's findings");
      browser.screenshot("mesh-validations");
    }
  }
}

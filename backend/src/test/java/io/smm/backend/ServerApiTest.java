package io.smm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.grpc.Status;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.backend.tap.AlsClient;
import io.smm.backend.tap.StalledWebSocket;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.IstioFixtures;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The backend's HTTP surface against the sandbox's Kubernetes API stand-in. */
class ServerApiTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static EmbeddedApiServer api;
  static KubernetesClient client;
  static SmmServer server;
  static String base;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    ClusterSeed.apply(client);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo")
        .addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("legacy")
        .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("opted-out")
        .addToLabels("istio-injection", "disabled").addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata().build()).create();
    server = new SmmServer(client, "kubeconfig-cluster", URI.create("http://127.0.0.1:1/"));
    base = "http://127.0.0.1:" + server.start(new ServerOptions("127.0.0.1", 0, 0).anonymous());
  }

  @AfterAll
  static void stop() {
    server.close();
    client.close();
    api.close();
  }

  /** GraphQL over HTTP without a session (the server runs in anonymous mode). */
  JsonNode graphql(String query) throws Exception {
    return graphql(query, Map.of());
  }

  @Test
  void clustersReportsNameVersionAndNodeCount() throws Exception {
    JsonNode cluster = graphql("{ clusters { name kubernetesVersion nodeCount local } }").path("data").path("clusters").get(0);
    assertThat(cluster.path("name").asText()).isEqualTo("kubeconfig-cluster");
    assertThat(cluster.path("kubernetesVersion").asText()).isEqualTo(client.getKubernetesVersion().getGitVersion());
    assertThat(cluster.path("nodeCount").asInt()).isEqualTo(1);
    assertThat(cluster.path("local").asBoolean()).isTrue();
  }

  /** The ControlPlane CRD, once for the tests that need one (they share this API server). */
  static synchronized void ensureControlPlaneCrd() {
    if (client.apiextensions().v1().customResourceDefinitions().withName("controlplanes.smm.cisco.com").get() != null) {
      return;
    }
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("controlplanes.smm.cisco.com").endMetadata()
        .withNewSpec().withGroup("smm.cisco.com").withScope("Cluster")
        .withNewNames().withKind("ControlPlane").withPlural("controlplanes").withSingular("controlplane").withShortNames("cp").endNames()
        .addNewVersion().withName("v1alpha1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build()).create();
  }

  @Test
  void healthSwitchedOffInTheControlPlaneIsNotComputedAndTheOverviewSaysSo() throws Exception {
    String overview = "{ meshOverview { healthEnabled errors } }";
    String health = "{ health(rangeSeconds: 120) { id } }";
    JsonNode on = graphql(overview).path("data");
    assertThat(on.at("/meshOverview/healthEnabled").asBoolean()).isTrue();
    assertThat(on.at("/meshOverview/errors").toString()).as("Prometheus is down: the health query failed").contains("health: ");
    assertThat(graphql(health).at("/errors/0/extensions/code").asText()).isEqualTo("PROMETHEUS_UNAVAILABLE");

    ensureControlPlaneCrd();
    var controlPlanes = client.genericKubernetesResources("smm.cisco.com/v1alpha1", "ControlPlane");
    controlPlanes.resource(new GenericKubernetesResourceBuilder().withApiVersion("smm.cisco.com/v1alpha1").withKind("ControlPlane")
        .withNewMetadata().withName("smm").endMetadata()
        .addToAdditionalProperties("spec", Map.of("smm", Map.of("health", Map.of("enabled", false)))).build()).create();
    try {
      JsonNode off = graphql(overview).path("data");
      assertThat(off.at("/meshOverview/healthEnabled").asBoolean()).isFalse();
      assertThat(off.at("/meshOverview/errors").toString()).as("no health query was sent").doesNotContain("health: ");
      JsonNode none = graphql(health);
      assertThat(none.path("errors")).as(none.toString()).isEmpty();
      assertThat(none.at("/data/health")).isEmpty();
    } finally {
      controlPlanes.withName("smm").delete();
    }
  }

  @Test
  void theControlPlaneClusterNameWinsOverTheKubeconfigOne() throws Exception {
    ensureControlPlaneCrd();
    var controlPlanes = client.genericKubernetesResources("smm.cisco.com/v1alpha1", "ControlPlane");
    controlPlanes.resource(new GenericKubernetesResourceBuilder().withApiVersion("smm.cisco.com/v1alpha1").withKind("ControlPlane")
        .withNewMetadata().withName("smm").endMetadata()
        .addToAdditionalProperties("spec", Map.of("clusterName", "primary")).build()).create();
    try {
      assertThat(graphql("{ clusters { name } }").path("data").path("clusters").get(0).path("name").asText()).isEqualTo("primary");
    } finally {
      controlPlanes.withName("smm").delete();
    }
  }

  @Test
  void namespacesShowWhatIstiosInjectorWouldDo() throws Exception {
    JsonNode namespaces = graphql("{ namespaces { name istioRevision sidecarInjection labels { key value } } }")
        .path("data").path("namespaces");
    Map<String, JsonNode> byName = new HashMap<>();
    namespaces.forEach(n -> byName.put(n.path("name").asText(), n));
    assertThat(byName).containsKeys("default", "kube-system", "smm-demo", "legacy", "opted-out");
    assertThat(byName.get("smm-demo").path("sidecarInjection").asBoolean()).isTrue();
    assertThat(byName.get("smm-demo").path("istioRevision").asText()).isEqualTo("cp-v115x.istio-system");
    assertThat(byName.get("legacy").path("sidecarInjection").asBoolean()).isTrue();
    assertThat(byName.get("opted-out").path("sidecarInjection").asBoolean()).as("istio-injection=disabled wins").isFalse();
    assertThat(byName.get("default").path("sidecarInjection").asBoolean()).isFalse();
    assertThat(namespaces.findValuesAsText("name")).isSorted();
  }

  JsonNode graphql(String query, Map<String, Object> variables) throws Exception {
    return new ApiClient(base).graphql(null, query, variables).body();
  }

  @Test
  void istioResourcesThroughTheApiConflictsAndValidationIssues() throws Exception {
    IstioFixtures.istioCrds(client);
    String apply = "mutation($y: String!, $f: Boolean) { applyIstioResource(yaml: $y, force: $f) { applied created "
        + "resource { resourceVersion yaml validation { checkID } } issues { checkId line } overridden { checkId } } }";
    String yaml = """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: inventory, namespace: smm-demo}
        spec:
          hosts: [inventory]
          http:
          - route:
            - destination: {host: inventory}
        """;
    JsonNode refused = graphql(apply, Map.of("y", yaml, "f", false)).at("/data/applyIstioResource");
    assertThat(refused.path("applied").asBoolean()).isFalse();
    assertThat(refused.at("/issues/0/checkId").asText()).isEqualTo("virtualservice/destination/host-not-found");
    assertThat(refused.at("/issues/0/line").asInt()).isEqualTo(8);

    JsonNode forced = graphql(apply, Map.of("y", yaml, "f", true)).at("/data/applyIstioResource");
    assertThat(forced.path("applied").asBoolean()).isTrue();
    assertThat(forced.at("/overridden/0/checkId").asText()).isEqualTo("virtualservice/destination/host-not-found");
    assertThat(forced.at("/resource/validation/0/checkID").asText()).isEqualTo("virtualservice/destination/host-not-found");

    String stale = forced.at("/resource/yaml").asText().replace("host: inventory", "host: inventory.smm-demo");
    graphql(apply, Map.of("y", forced.at("/resource/yaml").asText().replace("host: inventory", "host: inventory.smm-demo.svc"), "f", true));
    JsonNode conflict = graphql(apply, Map.of("y", stale, "f", true));
    assertThat(conflict.at("/errors/0/extensions/code").asText()).isEqualTo("CONFLICT");
    assertThat(conflict.at("/errors/0/message").asText()).contains("was changed since you loaded it");

    JsonNode report = graphql("{ validationIssues(namespaces: [\"smm-demo\"], refresh: true) { errors cluster json "
        + "findings { checkID subjectContextKey } } }").at("/data/validationIssues");
    // The other error: smm-demo asks for revision cp-v115x.istio-system, which has no IstioControlPlane here.
    assertThat(report.path("errors").asInt()).isEqualTo(2);
    assertThat(report.path("findings").findValuesAsText("checkID")).containsExactlyInAnyOrder("virtualservice/destination/host-not-found",
        "pod/revision/control-plane-missing");
    assertThat(report.path("findings").findValuesAsText("subjectContextKey"))
        .contains("virtualservice.networking.istio.io:kubeconfig-cluster:smm-demo:inventory");
    assertThat(JSON.readTree(report.path("json").asText()).has("virtualservice.networking.istio.io:kubeconfig-cluster:smm-demo:inventory"))
        .isTrue();
    // The Overview's tile counts the same run's errors and warnings (infos are advice).
    JsonNode all = graphql("{ validationIssues { errors warnings } }").at("/data/validationIssues");
    assertThat(graphql("{ meshOverview { validationIssues } }").at("/data/meshOverview/validationIssues").asInt())
        .isEqualTo(all.path("errors").asInt() + all.path("warnings").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(graphql("mutation { deleteIstioResource(kind: \"vs\", namespace: \"smm-demo\", name: \"inventory\") }")
        .at("/data/deleteIstioResource").asBoolean()).isTrue();
    assertThat(graphql("{ istioResources(namespace: \"smm-demo\") { name } }").at("/data/istioResources").size()).isZero();
  }

  @Test
  void aGatewaysTlsServersSayWhetherTheirCertificateIsInPlace() throws Exception {
    client.secrets().inNamespace("smm-demo").resource(new SecretBuilder().withNewMetadata().withName("issued-tls").endMetadata()
        .withType("kubernetes.io/tls").addToStringData("tls.crt", TestCertificates.longLived()).addToStringData("tls.key", "key")
        .build()).create();
    String yaml = """
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata: {name: tls-gw, namespace: smm-demo}
        spec:
          selector: {gateway-name: nowhere}
          servers:
          - port: {number: 443, name: https, protocol: HTTPS}
            hosts: [a.example.org]
            tls: {mode: SIMPLE, credentialName: issued-tls}
          - port: {number: 8443, name: https-2, protocol: HTTPS}
            hosts: [b.example.org]
            tls: {mode: SIMPLE, credentialName: pending-tls}
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: ["*"]
        """;
    JsonNode applied = graphql("mutation($y: String!) { applyIstioResource(yaml: $y, force: true) { applied issues { message } } }",
        Map.of("y", yaml));
    assertThat(applied.at("/data/applyIstioResource/applied").asBoolean()).as(applied.toString()).isTrue();
    try {
      JsonNode gw = graphql("{ istioResources(namespace: \"smm-demo\", kind: \"Gateway\") { name credentials { port credentialName "
          + "ready notAfter message } } }").at("/data/istioResources");
      JsonNode credentials = null;
      for (JsonNode r : gw) {
        if (r.path("name").asText().equals("tls-gw")) {
          credentials = r.path("credentials");
        }
      }
      assertThat(credentials).as(gw.toString()).hasSize(2);
      assertThat(credentials.get(0).path("ready").asBoolean()).as(credentials.toString()).isTrue();
      assertThat(credentials.get(0).path("notAfter").asText()).startsWith("2126-");
      assertThat(credentials.get(1).path("ready").asBoolean()).isFalse();
      assertThat(credentials.get(1).path("message").asText())
          .isEqualTo("waiting for its certificate: Secret smm-demo/pending-tls not found");
    } finally {
      graphql("mutation { deleteIstioResource(kind: \"Gateway\", namespace: \"smm-demo\", name: \"tls-gw\") }");
      client.secrets().inNamespace("smm-demo").withName("issued-tls").delete();
    }
  }

  @Test
  void invalidQueriesGetGraphQLErrorsNotServerErrors() throws Exception {
    JsonNode r = graphql("{ clusters { nope } }");
    assertThat(r.path("errors").get(0).path("message").asText()).contains("nope");
  }

  @Test
  void healthReadinessAndOwnMetrics() throws Exception {
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).body())
        .isEqualTo("ok");
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    graphql("{ version { version } }");
    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("smm_http_requests_total{code=\"200\",route=\"/api/graphql\"}").contains("jvm_memory_used_bytes");
  }

  @Test
  void servesTheDashboard() throws Exception {
    HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<div id=\"root\">");
    assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("script-src 'self';", "frame-ancestors 'none'"));
    assertThat(index.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(index.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(base + "/api/graphql"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ version { version } }\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(api.headers().firstValue("Referrer-Policy")).contains("no-referrer");
  }

  @Test
  void theHtmlIsRevalidatedAndOnlyHashedAssetsAreCachedForLong() throws Exception {
    HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(index.headers().firstValue("Cache-Control")).contains("no-cache");
    var asset = Pattern.compile("/assets/[A-Za-z0-9_.-]+\\.js").matcher(index.body());
    assertThat(asset.find()).as("index.html names a hashed script").isTrue();
    HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(base + asset.group())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("immutable", "max-age=31536000"));
  }

  @Test
  void aMutationOverGetIsRefusedAndAQueryOverGetStillWorks() throws Exception {
    String mutation = URLEncoder.encode("mutation { deleteSlo(namespace: \"x\", name: \"y\") }", StandardCharsets.UTF_8);
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/api/graphql?query=" + mutation)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(405);
    assertThat(refused.headers().firstValue("Allow")).contains("POST");
    assertThat(refused.body()).contains("mutations must be sent with POST");
    String query = URLEncoder.encode("{ version { version } }", StandardCharsets.UTF_8);
    HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(base + "/api/graphql?query=" + query)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("\"version\"");
  }

  @Test
  void readinessFailsWithTheReasonWhenTheApiServerIsDown() throws Exception {
    EmbeddedApiServer gone = EmbeddedApiServer.start(0);
    KubernetesClient orphan = new KubernetesClientBuilder().withConfig(new ConfigBuilder(gone.newClient().getConfiguration())
        .withRequestRetryBackoffLimit(0).withConnectionTimeout(1000).build()).build();
    gone.close();
    try (SmmServer lonely = new SmmServer(orphan, "x", URI.create("http://127.0.0.1:1/"))) {
      String url = "http://127.0.0.1:" + lonely.start(new ServerOptions("127.0.0.1", 0).anonymous());
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(url + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(ready.body()).path("reason").asText()).startsWith("Kubernetes API");
      HttpResponse<String> clusters = http.send(HttpRequest.newBuilder(URI.create(url + "/api/graphql"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ clusters { name } }\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode error = JSON.readTree(clusters.body()).path("errors").get(0);
      assertThat(error.path("message").asText()).startsWith("Kubernetes API: ").contains("Connection refused");
      assertThat(error.path("path").get(0).asText()).isEqualTo("clusters");
    } finally {
      orphan.close();
    }
  }

  @Test
  void namespaceSubscriptionSendsTheListAndEveryChange() throws Exception {
    try (ApiClient.Subscriptions ws = new ApiClient(base).subscriptions()) {
      BlockingQueue<JsonNode> messages = ws.messages;
      assertThat(ws.subprotocol()).as("browsers close the socket unless the server confirms it").isEqualTo("graphql-transport-ws");
      assertThat(ws.init(null).path("type").asText()).as("anonymous mode needs no session").isEqualTo("connection_ack");
      ws.subscribe("1", "subscription { namespaces { name } }");
      JsonNode first = messages.poll(10, TimeUnit.SECONDS);
      assertThat(first.path("type").asText()).isEqualTo("next");
      assertThat(first.path("payload").path("data").path("namespaces").findValuesAsText("name")).contains("default").doesNotContain("fresh");

      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("fresh").endMetadata().build()).create();
      JsonNode update;
      do {
        update = messages.poll(10, TimeUnit.SECONDS);
        assertThat(update).as("an update arrives").isNotNull();
      } while (!update.path("payload").path("data").path("namespaces").findValuesAsText("name").contains("fresh"));
    }
  }

  @Test
  void tapStreamsTheAccessLogsSidecarsSendMatchingItsFilterAndRefusesABadOne() throws Exception {
    try (ApiClient.Subscriptions ws = new ApiClient(base).subscriptions();
        var sidecar = new AlsClient(server.accessLogPort())) {
      BlockingQueue<JsonNode> messages = ws.messages;
      assertThat(ws.init(null).path("type").asText()).isEqualTo("connection_ack");
      ws.subscribe("bad", "subscription { tap(filter: {kind: \"service\", namespace: \"shop\"}) { matched } }");
      JsonNode refused = messages.poll(10, TimeUnit.SECONDS);
      assertThat(refused.toString()).contains("unknown tap target kind").contains("\"id\":\"bad\"");
      ws.subscribe("1", "subscription { tap(filter: {kind: \"ns\", namespace: \"shop\", minResponseCode: 500, maxResponseCode: 599}) "
          + "{ dropped entries { direction source { name } destination { name } request { method path headers { key value } } "
          + "response { code } } } }");
      AlsClient.Stream stream = sidecar.open("shop", "bookings-v1", "bookings-v1-5c7f9-x2x4z");
      JsonNode entry = null;
      for (int i = 0; i < 50 && entry == null; i++) {
        // Until the subscription is registered, entries are not kept for it: send until one arrives.
        stream.send(List.of(AlsClient.entry(true, "GET", "/ok", 200, "payments-v1-7c9b5-bbbbb", "Go"),
            AlsClient.entry(true, "GET", "/fail", 503, "payments-v1-7c9b5-bbbbb", "Go")));
        JsonNode m = messages.poll(200, TimeUnit.MILLISECONDS);
        if (m != null && m.path("type").asText().equals("next")) {
          entry = m.at("/payload/data/tap/entries/0");
        }
      }
      assertThat(entry).as("a batch arrived").isNotNull();
      assertThat(entry.at("/request/path").asText()).isEqualTo("/fail");
      assertThat(entry.at("/response/code").asInt()).isEqualTo(503);
      assertThat(entry.at("/destination/name").asText()).isEqualTo("payments-v1-7c9b5-bbbbb");
      assertThat(entry.at("/request/headers/0/key").asText()).isEqualTo("x-tenant");
      // Forged 500s from a caller that reached the port without the mesh: refused, counted, never tapped.
      AlsClient.Stream forged = sidecar.open(null, "shop", "bookings-v1", "bookings-v1-5c7f9-x2x4z", null)
          .send(List.of(AlsClient.entry(true, "GET", "/forged", 500, "payments-v1-7c9b5-bbbbb", "Go")));
      assertThat(Status.fromThrowable(forged.closed.get(10, TimeUnit.SECONDS)).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      JsonNode raw = graphql("{ tapReceiver { streams openStreams entries rejectedStreams failedStreams unauthenticatedStreams } }");
      JsonNode stats = raw.path("data").path("tapReceiver");
      assertThat(stats.path("openStreams").asInt()).isEqualTo(1);
      assertThat(stats.path("entries").asDouble()).isPositive();
      assertThat(stats.path("unauthenticatedStreams").asInt()).isEqualTo(1);
      stream.send(List.of(AlsClient.entry(true, "GET", "/after", 500, "payments-v1-7c9b5-bbbbb", "Go")));
      List<String> tapped = new ArrayList<>();
      while (!tapped.contains("/after")) {
        JsonNode m = messages.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("the genuine sidecar's next entry").isNotNull();
        m.at("/payload/data/tap/entries").forEach(e -> tapped.add(e.at("/request/path").asText()));
      }
      assertThat(tapped).doesNotContain("/forged");
    }
  }

  @Test
  void aTapSubscriberThatStopsReadingIsHeldBackThenClosedWithBoundedMemory() throws Exception {
    try (SmmServer tapServer = new SmmServer(client, "kubeconfig-cluster", URI.create("http://127.0.0.1:1/"), URI.create("http://127.0.0.1:1/"),
        URI.create("http://127.0.0.1:1/"), Duration.ofSeconds(2))) {
      int port = tapServer.start(new ServerOptions("127.0.0.1", 0, 0).anonymous());
      try (StalledWebSocket ws = new StalledWebSocket(port); var sidecar = new AlsClient(tapServer.accessLogPort())) {
        ws.send("{\"type\":\"connection_init\",\"payload\":{}}");
        ws.readUntil("connection_ack");
        ws.send("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription { tap(filter: {kind: \\\"ns\\\", "
            + "namespace: \\\"flood\\\"}) { dropped matched entries { time direction protocol source { name address } destination "
            + "{ name address } request { method path authority userAgent id headers { key value } } response { code flags bytes "
            + "durationNanos } upstream { cluster address } } } }\"}}");
        AlsClient.Stream stream = sidecar.open("flood", "bookings-v1", "bookings-v1-5c7f9-x2x4z");
        String path = "/" + "p".repeat(300);
        // The subscription starts asynchronously: an entry sent before it is not for it. Sent until one is streamed.
        var early = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        early.scheduleWithFixedDelay(() -> stream.send(List.of(AlsClient.entry(true, "GET", path, 200, "payments-v1-7c9b5-bbbbb", "Go"))),
            0, 200, TimeUnit.MILLISECONDS);
        try {
          ws.readUntil("\"next\""); // streaming; from now on the client reads nothing
        } finally {
          early.shutdownNow();
          early.awaitTermination(5, TimeUnit.SECONDS);
        }
        long before = retainedMemory();
        // A flood that goes on (ten times the hub's queue every second) at a subscriber that does not read.
        long sent = 0;
        long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < until) {
          stream.send(new ArrayList<>(Collections.nCopies(1000, AlsClient.entry(true, "GET", path, 200, "payments-v1-7c9b5-bbbbb", "Go"))));
          sent += 1000;
          Thread.sleep(10);
        }
        long flood = sent;
        // Measured once the receiver took all of it (the sender's own buffers are in this JVM too).
        Eventually.until(() -> tapEntries("http://127.0.0.1:" + port) >= flood, Duration.ofSeconds(60), () -> "the receiver took the flood");
        long grown = retainedMemory() - before;
        System.out.println("memory held for a never-reading tap subscriber after " + sent + " entries: +" + grown / (1024 * 1024) + " MiB");
        assertThat(grown).as("memory held while the subscriber did not read").isLessThan(32L * 1024 * 1024);
        assertThat(ws.drainUntilClosed()).isEqualTo("the tap subscriber has not read for 2 s");
      }
    }
  }

  /**
   * What this JVM holds after a collection: heap, direct buffers and Netty's pools — wherever a
   * WebSocket's unsent frames may sit (the server runs in this JVM).
   */
  private static long retainedMemory() {
    System.gc();
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream().filter(b -> b.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    var netty = io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric();
    return rt.totalMemory() - rt.freeMemory() + direct + netty.usedDirectMemory() + netty.usedHeapMemory();
  }

  private static long tapEntries(String base) {
    try {
      return new ApiClient(base).graphql(null, "{ tapReceiver { entries } }").body().at("/data/tapReceiver/entries").asLong();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void servicesWorkloadsAndPodsForTheDrillDown() throws Exception {
    client.services().inNamespace("smm-demo").resource(new ServiceBuilder().withNewMetadata()
        .withName("catalog").endMetadata().withNewSpec().withSelector(Map.of("app", "catalog")).addNewPort().withName("http")
        .withPort(8080).endPort().endSpec().build()).create();
    client.apps().deployments().inNamespace("smm-demo").resource(new DeploymentBuilder(
        DemoWorkloads.minimalDeployment("catalog-v1", Map.of("app", "catalog", "version", "v1")))
        .editSpec().withReplicas(2).endSpec().build()).create();
    client.pods().inNamespace("smm-demo").resource(new PodBuilder().withNewMetadata().withName("catalog-v1-abc")
        .addToLabels("app", "catalog").endMetadata().withNewSpec().addNewContainer().withName("catalog").endContainer()
        .addNewContainer().withName("istio-proxy").endContainer().withNodeName("node-1").endSpec().withNewStatus().withPhase("Running")
        .addNewContainerStatus().withName("catalog").withImage("catalog").withImageID("catalog@sha256:1").withReady(true).withRestartCount(2)
        .endContainerStatus()
        .addNewContainerStatus().withName("istio-proxy").withImage("proxyv2").withImageID("proxyv2@sha256:1").withReady(true)
        .withRestartCount(0).endContainerStatus().endStatus().build()).create();

    JsonNode data = graphql("""
        { services(namespaces: ["smm-demo"]) { name ports selector { key value } }
          workloads(namespaces: ["smm-demo", "no-such-namespace"]) { name kind replicas app version }
          pods(namespace: "smm-demo", selector: [{key: "app", value: "catalog"}]) { name status readyContainers containers restarts node sidecar }
          none: pods(namespace: "smm-demo", selector: []) { name } }""").path("data");
    assertThat(data.at("/services/0/name").asText()).isEqualTo("catalog");
    assertThat(data.at("/services/0/ports/0").asText()).isEqualTo("http 8080/TCP");
    assertThat(data.at("/services/0/selector/0/value").asText()).isEqualTo("catalog");
    assertThat(data.at("/workloads/0/kind").asText()).isEqualTo("Deployment");
    assertThat(data.at("/workloads/0/replicas").asInt()).isEqualTo(2);
    assertThat(data.at("/workloads/0/version").asText()).isEqualTo("v1");
    JsonNode pod = data.at("/pods/0");
    assertThat(pod.path("status").asText()).isEqualTo("Running");
    assertThat(pod.path("readyContainers").asInt()).isEqualTo(2);
    assertThat(pod.path("restarts").asInt()).isEqualTo(2);
    assertThat(pod.path("sidecar").asBoolean()).isTrue();
    assertThat(pod.path("node").asText()).isEqualTo("node-1");
    assertThat(data.path("none")).as("an empty selector selects nothing").isEmpty();
    JsonNode logs = graphql("""
        { present: podLogs(namespace: "smm-demo", pod: "catalog-v1-abc", container: "catalog") }""");
    assertThat(logs.at("/data/present").asText()).as("nothing runs behind this pod: an empty log").isEmpty();
    assertThat(graphql("{ podLogs(namespace: \"smm-demo\", pod: \"nope\") }").at("/errors/0/message").asText()).contains("not found");
    // A pod of two containers: without one named, the API server refuses; the backend names the first, as kubectl does.
    assertThat(graphql("{ podLogs(namespace: \"smm-demo\", pod: \"catalog-v1-abc\") }").path("errors").isMissingNode()).isTrue();
    assertThat(graphql("{ podLogs(namespace: \"smm-demo\", pod: \"catalog-v1-abc\", container: \"sidecar\") }")
        .at("/errors/0/message").asText()).as("an error, not its body as log text").contains("container sidecar is not valid for pod catalog-v1-abc");
    assertThat(graphql("{ podLogs(namespace: \"smm-demo\", pod: \"catalog-v1-abc\", tailLines: 0) }").at("/errors/0/extensions/code")
        .asText()).isEqualTo("BAD_USER_INPUT");
    // Names become parts of API server paths: anything but a Kubernetes name is refused before a request is made.
    for (String query : new String[] {"{ podLogs(namespace: \"../kube-system\", pod: \"x\") }",
        "{ podLogs(namespace: \"smm-demo\", pod: \"a/b:15014/proxy\") }", "{ services(namespaces: [\"smm-demo\", \"Bad_NS\"]) { name } }",
        "{ controlPlane(namespace: \"istio-system\", name: \"cp?x=1\") { name } }"}) {
      JsonNode refused = graphql(query);
      assertThat(refused.at("/errors/0/extensions/code").asText()).as(query).isEqualTo("BAD_USER_INPUT");
      assertThat(refused.at("/errors/0/message").asText()).as(query).contains("must be a Kubernetes name");
    }
  }

  @Test
  void withPrometheusDownTheTopologyIsPartialWithATypedErrorAndBadArgumentsAreRefused() throws Exception {
    JsonNode r = graphql("{ topology(namespaces: [\"smm-demo\"]) { nodes { id idle } errors } }");
    assertThat(r.at("/data/topology/errors").size()).isGreaterThan(0);
    assertThat(r.at("/errors/0/extensions/code").asText()).isEqualTo("PROMETHEUS_UNAVAILABLE");
    assertThat(r.at("/errors/0/message").asText()).contains("Prometheus at http://127.0.0.1:1/ is not reachable");
    JsonNode bad = graphql("{ topology(time: \"yesterday\") { errors } }");
    assertThat(bad.at("/errors/0/message").asText()).contains("time must be an RFC 3339 instant");
    assertThat(bad.at("/errors/0/extensions/code").asText()).isEqualTo("BAD_USER_INPUT");
    for (String refresh : List.of("refreshSeconds: 1", "refreshSeconds: 3601", "time: \"2026-11-25T14:00:00Z\", refreshSeconds: 15")) {
      JsonNode badRefresh = graphql("{ topology(" + refresh + ") { errors } }");
      assertThat(badRefresh.at("/errors/0/extensions/code").asText()).as(refresh).isEqualTo("BAD_USER_INPUT");
      assertThat(badRefresh.at("/errors/0/message").asText()).as(refresh).contains("refreshSeconds");
    }
    JsonNode noName = graphql("{ goldenSignals(kind: SERVICE, namespace: \"smm-demo\") { errors } }");
    assertThat(noName.at("/errors/0/message").asText()).isEqualTo("golden signals of a service need its name");
    JsonNode tooMany = graphql("{ health(rangeSeconds: 86400, stepSeconds: 1) { id } }");
    assertThat(tooMany.at("/errors/0/message").asText()).contains("at most 1440 points");
  }

  /** A dashboard's LIVE view, asked again within its refresh interval, is answered from the view's latest evaluation. */
  @Test
  void aLiveViewWithARefreshIntervalIsAnsweredFromItsLatestEvaluation() throws Exception {
    String view = "{ topology(namespaces: [\"smm-demo\"], refreshSeconds: 3600) { time errors } }";
    JsonNode first = graphql(view);
    assertThat(first.at("/data/topology/errors").size()).as("Prometheus is down: still an answer").isGreaterThan(0);
    JsonNode again = graphql(view);
    assertThat(again.at("/data/topology/time").asText()).as("the same evaluation").isEqualTo(first.at("/data/topology/time").asText());
    assertThat(again.at("/errors/0/extensions/code").asText()).as("with its errors").isEqualTo("PROMETHEUS_UNAVAILABLE");
  }

  @Test
  void aRequestOfAThousandTopologiesIsRefusedWholeBeforeAnyQueryAndANormalOneStillAnswers() throws Exception {
    StringBuilder abusive = new StringBuilder("{");
    for (int i = 0; i < 1000; i++) {
      abusive.append(" t").append(i).append(": topology { nodes { id } }");
    }
    JsonNode refused = graphql(abusive.append(" }").toString());
    assertThat(refused.at("/errors/0/message").asText()).startsWith("this request would cost ").contains("the limit is 1000");
    // Had any topology run, each would have added its own "Prometheus ... not reachable" error (this server's Prometheus is down).
    assertThat(refused.path("errors")).as("refused before anything ran").hasSize(1);
    assertThat(refused.path("data").isNull() || refused.path("data").isMissingNode()).isTrue();
    JsonNode normal = graphql("{ topology(namespaces: [\"smm-demo\"]) { nodes { id } errors } }");
    assertThat(normal.at("/data/topology/nodes").isArray()).isTrue();
  }

  @Test
  void theOverviewCountsWhatIsInTheMeshEvenWhenPrometheusIsDown() throws Exception {
    String counts = "{ meshOverview { pods { inMesh total } services { inMesh total } workloads { inMesh total } } }";
    JsonNode before = graphql(counts).at("/data/meshOverview");
    client.pods().inNamespace("legacy").resource(new PodBuilder().withNewMetadata().withName("meshed")
        .addToLabels("app", "meshed").endMetadata().withNewSpec().addNewContainer().withName("app").endContainer()
        .addNewContainer().withName("istio-proxy").endContainer().endSpec().build()).create();
    client.pods().inNamespace("legacy").resource(new PodBuilder().withNewMetadata().withName("plain")
        .addToLabels("app", "plain").endMetadata().withNewSpec().addNewContainer().withName("app").endContainer().endSpec().build()).create();
    client.services().inNamespace("legacy").resource(new ServiceBuilder().withNewMetadata()
        .withName("meshed").endMetadata().withNewSpec().withSelector(Map.of("app", "meshed")).addNewPort().withPort(80).endPort()
        .endSpec().build()).create();
    try {
      JsonNode r = graphql("{ meshOverview { requestsPerSecond errorRatio p95Ms clusters validationIssues errors "
          + "pods { inMesh total } services { inMesh total } workloads { inMesh total } serviceHealth { status count } } "
          + "controlPlanes { revision } }");
      JsonNode o = r.at("/data/meshOverview");
      assertThat(r.path("errors")).as(r.toString()).isEmpty();
      assertThat(o.path("requestsPerSecond").isNull()).as("unknown, not 0").isTrue();
      assertThat(o.path("errors").toString()).contains("request rates: Prometheus at http://127.0.0.1:1/ is not reachable");
      // Other tests share this API server: compare with the counts before the three objects were added.
      assertThat(o.at("/pods/inMesh").asInt() - before.at("/pods/inMesh").asInt()).isEqualTo(1);
      assertThat(o.at("/pods/total").asInt() - before.at("/pods/total").asInt()).isEqualTo(2);
      assertThat(o.at("/services/inMesh").asInt() - before.at("/services/inMesh").asInt()).isEqualTo(1);
      assertThat(o.at("/services/total").asInt() - before.at("/services/total").asInt()).isEqualTo(1);
      assertThat(o.at("/workloads/inMesh").asInt() - before.at("/workloads/inMesh").asInt()).isEqualTo(1);
      assertThat(o.at("/workloads/total").asInt() - before.at("/workloads/total").asInt()).isEqualTo(2);
      assertThat(r.at("/data/controlPlanes")).as("no Istio operator CRD: no control planes, no error").isEmpty();
    } finally {
      client.pods().inNamespace("legacy").delete();
      client.services().inNamespace("legacy").withName("meshed").delete();
    }
  }
}

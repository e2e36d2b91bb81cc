package io.smm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.TestTimeouts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One user floods the backend with the most expensive requests it lets through; another asks for
 * a topology meanwhile. Prometheus (a stand-in answering each query after 25 ms) is the scarce
 * resource: the second user's queries must be served in turn with the first's, not after them,
 * and a request whose client hangs up must stop sending queries. Through real HTTP, with two
 * real logins.
 */
class FairShareTest {

  /**
   * The biggest topology request the cost limit lets through: 18 aliases of 53 each, each about
   * another minute of the TIMELINE (identical LIVE requests would share one evaluation).
   */
  static String flood(int request) {
    Instant base = Instant.now().minusSeconds(3600L * (request + 1));
    return IntStream.range(0, 18).mapToObj(i -> "t" + i + ": topology(namespaces: [\"alice-ns\"], time: \""
        + base.minusSeconds(60L * i) + "\") { nodes { id } }").collect(Collectors.joining(" ", "{ ", " }"));
  }
  static final String BOB_TOPOLOGY = "{ topology(namespaces: [\"bob-ns\"]) { nodes { id } } }";

  static HttpServer prometheus;
  static final ExecutorService answering = Executors.newCachedThreadPool();
  /** The namespace each query that reached Prometheus was about, in order. */
  static final List<String> arrived = new CopyOnWriteArrayList<>();
  /** While not null and not released, alice's queries get no answer. */
  static volatile CountDownLatch holdAlice;
  static EmbeddedApiServer api;
  static KubernetesClient admin;
  static SmmServer server;
  static ApiClient http;
  static int port;
  static String alice;
  static String bob;

  @BeforeAll
  static void start() throws Exception {
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prometheus.setExecutor(answering);
    prometheus.createContext("/api/v1/", FairShareTest::answer);
    prometheus.start();
    api = EmbeddedApiServer.startWithRbac(0);
    admin = api.newClient();
    ClusterSeed.apply(admin);
    api.tokens().add("alice-token", "alice", "system:authenticated");
    api.tokens().add("bob-token", "bob", "system:authenticated");
    viewer("alice-ns", "alice");
    viewer("bob-ns", "bob");
    server = new SmmServer(admin, "c1", URI.create("http://127.0.0.1:" + prometheus.getAddress().getPort()));
    port = server.start(new ServerOptions("127.0.0.1", 0, 0));
    http = new ApiClient("http://127.0.0.1:" + port);
    alice = http.session("alice-token");
    bob = http.session("bob-token");
  }

  static void viewer(String namespace, String user) {
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata().withName("viewer").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("*").withResources("*").withVerbs("get", "list", "watch").build()).build())
        .create();
    admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata().withName("viewer-" + user)
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "viewer")
        .withSubjects(new SubjectBuilder().withKind("User").withName(user).withApiGroup("rbac.authorization.k8s.io").build()).build())
        .create();
  }

  @AfterAll
  static void stop() {
    server.close();
    admin.close();
    api.close();
    prometheus.stop(0);
    answering.shutdownNow();
  }

  /** Empty answers after 25 ms, as a busy Prometheus; records whose query it was. */
  static void answer(HttpExchange exchange) throws IOException {
    String body = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    arrived.add(body.contains("alice-ns") ? "alice" : body.contains("bob-ns") ? "bob" : "other");
    try {
      CountDownLatch hold = holdAlice;
      if (hold != null && body.contains("alice-ns")) {
        hold.await(60, TimeUnit.SECONDS);
      }
      Thread.sleep(25);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean range = exchange.getRequestURI().getPath().endsWith("query_range");
    byte[] answer = ("{\"status\":\"success\",\"data\":{\"resultType\":\"" + (range ? "matrix" : "vector") + "\",\"result\":[]}}")
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  @BeforeEach
  void fresh() {
    arrived.clear();
    holdAlice = null;
  }

  static long count(String who) {
    return arrived.stream().filter(who::equals).count();
  }

  @Test
  void anotherUsersTopologyIsServedInTurnWithAFloodAndAnAbandonedRequestStopsQuerying() throws Exception {
    long t0 = System.nanoTime();
    ApiClient.Answer idle = http.graphql(bob, BOB_TOPOLOGY);
    double idleSeconds = (System.nanoTime() - t0) / 1e9;
    assertThat(idle.status()).as("%s", idle).isEqualTo(200);
    long bobQueries = count("bob");
    assertThat(bobQueries).as("a topology asks Prometheus several questions").isGreaterThan(5);

    // Alice: as many of the most expensive requests as she may run at once.
    List<CompletableFuture<ApiClient.Answer>> flood = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String request = flood(i);
      flood.add(CompletableFuture.supplyAsync(() -> {
        try {
          return http.graphql(alice, request);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    Eventually.until(() -> count("alice") >= 40, Duration.ofSeconds(30), "alice's flood reaches Prometheus");
    int bobStarts = arrived.size();
    t0 = System.nanoTime();
    ApiClient.Answer loaded = http.graphql(bob, BOB_TOPOLOGY);
    double loadedSeconds = (System.nanoTime() - t0) / 1e9;
    assertThat(loaded.status()).as("%s", loaded).isEqualTo(200);
    assertThat(loaded.body().path("errors").isMissingNode()).as("%s", loaded.body()).isTrue();
    // A copy first: alice's queries still arrive, and a view of the live list fails when it grows under it.
    List<String> snapshot = List.copyOf(arrived);
    List<String> during = snapshot.subList(bobStarts, snapshot.size());
    int firstBob = during.indexOf("bob");
    int lastBob = during.lastIndexOf("bob");
    long aliceBetween = during.subList(firstBob, lastBob + 1).stream().filter("alice"::equals).count();
    long aliceQueued = 4L * 18 * bobQueries - count("alice");
    System.out.printf("fair share: bob's topology %.3fs idle, %.3fs beside alice's flood (ratio %.1f); his first query went to"
        + " Prometheus after %d of hers, then %d of hers between his first and last of %d; %d of hers were still waiting%n",
        idleSeconds, loadedSeconds, loadedSeconds / idleSeconds, firstBob, aliceBetween, bobQueries, aliceQueued);
    // In turn: about one of hers per one of his (plus the 8 running when he asked), not all of hers first.
    assertThat(aliceBetween).as("alice's queries sent between bob's first and last: " + during).isLessThanOrEqualTo(2 * bobQueries + 8);
    assertThat((long) firstBob).as("bob's queries did not wait for alice's queue: " + during).isLessThan(aliceQueued / 2);
    assertThat(aliceQueued).as("the flood was still queued when bob was answered").isGreaterThan(2 * bobQueries);
    for (CompletableFuture<ApiClient.Answer> f : flood) {
      assertThat(f.get(TestTimeouts.scaled(Duration.ofSeconds(120)).toSeconds(), TimeUnit.SECONDS).status())
          .as("alice's requests are slow, not refused").isEqualTo(200);
    }

    // Alice's client hangs up in the middle of one more: what her request had not yet sent is never sent.
    long before = count("alice");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      String json = "{\"query\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(flood(4)) + "}";
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(("POST /api/graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Authorization: Bearer " + alice + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      Eventually.until(() -> count("alice") >= before + 16, Duration.ofSeconds(30), "the request's first queries reach Prometheus");
    }
    long atHangUp = count("alice") - before;
    long[] last = {-1};
    Eventually.until(() -> {
      long now = count("alice");
      boolean settled = now == last[0];
      last[0] = now;
      if (!settled) {
        sleep(500);
      }
      return settled;
    }, Duration.ofSeconds(60), "no more of alice's queries arrive");
    long sent = count("alice") - before;
    System.out.printf("abandoned request: %d queries sent at hang-up, %d in all, of %d it would have sent%n", atHangUp, sent, 18 * bobQueries);
    assertThat(sent).as("queries the abandoned request sent").isLessThan(18 * bobQueries / 2);
  }

  /** Four of a user's requests run at once and 32 wait their turn; beyond that the user is told to slow down. */
  @Test
  void oneUserCannotQueueWithoutBound() throws Exception {
    holdAlice = new CountDownLatch(1);
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        requests.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/graphql"))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + alice)
            .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ topology(namespaces: [\\\"alice-ns\\\"]) { nodes { id } } }\"}"))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      Eventually.until(() -> requests.stream().filter(CompletableFuture::isDone).count() == 4, Duration.ofSeconds(30),
          () -> "4 requests are refused while 4 run and 32 wait: " + requests.stream().filter(CompletableFuture::isDone).count() + " done");
      for (CompletableFuture<HttpResponse<String>> r : requests) {
        if (r.isDone()) {
          assertThat(r.get().statusCode()).isEqualTo(429);
          assertThat(r.get().headers().firstValue("Retry-After")).contains("1");
          assertThat(r.get().body()).contains("TOO_MANY_REQUESTS").contains("4 running and 32 waiting");
        }
      }
      ApiClient.Answer other = http.graphql(bob, BOB_TOPOLOGY);
      assertThat(other.status()).as("another user is not held by alice's queue").isEqualTo(200);
    } finally {
      holdAlice.countDown();
    }
    for (CompletableFuture<HttpResponse<String>> r : requests) {
      int status = r.get(TestTimeouts.scaled(Duration.ofSeconds(60)).toSeconds(), TimeUnit.SECONDS).statusCode();
      assertThat(status).isIn(200, 429);
    }
    assertThat(requests.stream().filter(r -> r.join().statusCode() == 200).count()).as("the 36 admitted ones are answered").isEqualTo(36);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

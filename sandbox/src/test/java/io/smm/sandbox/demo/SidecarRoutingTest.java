package io.smm.sandbox.demo;

import static io.smm.sandbox.testing.DemoWorkloads.deployment;
import static io.smm.sandbox.testing.DemoWorkloads.namespace;
import static io.smm.sandbox.testing.DemoWorkloads.service;
import static io.smm.sandbox.testing.DemoWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.Exposition;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** VirtualService routing as the simulated sidecars apply it: matches, rewrite, redirect, mirror, timeouts, retries. */
class SidecarRoutingTest extends DemoMeshFixture {

  static final String SUBSETS = """
      apiVersion: networking.istio.io/v1beta1
      kind: DestinationRule
      metadata: {name: catalog, namespace: shop}
      spec:
        host: catalog
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """;

  void catalogV1AndV2(Map<String, String> frontpageEnv) throws InterruptedException {
    namespace(client, "shop", true);
    workload(client, "shop", "frontpage", frontpageEnv);
    deployment(client, "shop", "catalog", "v1", env());
    deployment(client, "shop", "catalog", "v2", env());
    service(client, "shop", "catalog");
  }

  @Test
  void headerAndUriMatchesPickTheirRouteAndOthersFallThrough() throws Exception {
    catalogV1AndV2(env("REQUESTS", "http://catalog:8080/api/items#1 http://catalog:8080/static/logo.png#1", "HEADERS", "end-user=jason"));
    awaitPods(3);
    apply(SUBSETS + """
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: catalog, namespace: shop}
        spec:
          hosts: [catalog]
          http:
          - match:
            - headers: {end-user: {exact: jason}}
              uri: {prefix: /api}
            route:
            - destination: {host: catalog, subset: v2}
          - route:
            - destination: {host: catalog, subset: v1}
        """);
    send("shop", "frontpage", 5);
    // /api with end-user: jason goes to v2; /static matches only the catch-all route to v1.
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "destination_version", "v2"))).isEqualTo(5);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "destination_version", "v1"))).isEqualTo(5);
  }

  @Test
  void aRequestNoRouteMatchesGets404WithFlagNR() throws Exception {
    catalogV1AndV2(env("REQUESTS", "http://catalog:8080/other#1"));
    awaitPods(3);
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: catalog, namespace: shop}
        spec:
          hosts: [catalog]
          http:
          - match: [{uri: {exact: /only}}]
            route: [{destination: {host: catalog}}]
        """);
    send("shop", "frontpage", 2);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "404", "response_flags", "NR"))).isEqualTo(2);
  }

  @Test
  void redirectAnswersWithoutCallingTheUpstreamAndRewriteChangesThePathSent() throws Exception {
    catalogV1AndV2(env("REQUESTS", "http://catalog:8080/old/page#1 http://catalog:8080/v1/items#1"));
    awaitPods(3);
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: catalog, namespace: shop}
        spec:
          hosts: [catalog]
          http:
          - match: [{uri: {prefix: /old}}]
            redirect: {uri: /new, redirectCode: 302}
          - match: [{uri: {prefix: /v1/}}]
            rewrite: {uri: /api/}
            route: [{destination: {host: catalog}}]
        """);
    send("shop", "frontpage", 3);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "302"))).isEqualTo(3);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "200"))).isEqualTo(3);
    // Only the rewritten requests reached catalog.
    double reached = requests("shop", "catalog", Map.of("reporter", "destination"));
    reached += scrapeOther("catalog");
    assertThat(reached).isEqualTo(3);
  }

  /** The catalog v2 pod's destination-side count (requests() reads the first catalog pod only). */
  double scrapeOther(String app) throws Exception {
    var pods = client.pods().inNamespace("shop").withLabel("app", app).list().getItems();
    double total = 0;
    for (int i = 1; i < pods.size(); i++) {
      String address = runtime.address(pods.get(i), 15090).orElseThrow();
      String text = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/stats/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      total += Exposition.sum(text, "istio_requests_total", Map.of("reporter", "destination"));
    }
    return total;
  }

  @Test
  void mirroredRequestsReachTheMirrorWhoseAnswerIsIgnored() throws Exception {
    namespace(client, "shop", true);
    workload(client, "shop", "frontpage", env("REQUESTS", "http://catalog:8080/#1"));
    workload(client, "shop", "catalog", env());
    workload(client, "shop", "audit", env("ERROR_RATE", "1"));
    awaitPods(3);
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: catalog, namespace: shop}
        spec:
          hosts: [catalog]
          http:
          - route: [{destination: {host: catalog}}]
            mirror: {host: audit}
            mirrorPercentage: {value: 100}
        """);
    send("shop", "frontpage", 4);
    Eventually.until(() -> {
      try {
        return requests("shop", "audit", Map.of("reporter", "destination", "source_workload", "frontpage-v1")) == 4;
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(5), "audit received the 4 shadowed requests");
    // The caller saw only catalog's answers, and reports no series for the mirror.
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "200"))).isEqualTo(4);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "destination_service_name", "audit"))).isZero();
  }

  @Test
  void aRouteTimeoutTurnsASlowAnswerInto504WithFlagUT() throws Exception {
    frontpageCallingCatalog(env("LATENCY_MS", "400"));
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: catalog, namespace: shop}
        spec:
          hosts: [catalog]
          http:
          - route: [{destination: {host: catalog}}]
            timeout: 100ms
        """);
    send("shop", "frontpage", 2);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "504", "response_flags", "UT"))).isEqualTo(2);
  }

  @Test
  void retriesRepeatFailedAttemptsAndTheClientReportsTheLastOne() throws Exception {
    frontpageCallingCatalog(env("ERROR_RATE", "1"));
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: catalog, namespace: shop}
        spec:
          hosts: [catalog]
          http:
          - route: [{destination: {host: catalog}}]
            retries: {attempts: 3, retryOn: 5xx}
        """);
    send("shop", "frontpage", 2);
    // Each request: 1 try + 3 retries at catalog; one report at the caller, flagged retry limit exceeded.
    assertThat(requests("shop", "catalog", Map.of("reporter", "destination", "response_code", "500"))).isEqualTo(8);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "500", "response_flags", "URX")))
        .isEqualTo(2);
  }

  @Test
  void aVirtualServiceTheSidecarsCannotHonourIsSkippedAndTrafficStillFlows() throws Exception {
    frontpageCallingCatalog(env());
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: catalog, namespace: shop}
        spec:
          hosts: [catalog]
          http:
          - delegate: {name: catalog-routes, namespace: shop}
        """);
    assertThat(send("shop", "frontpage", 2)).isEqualTo(200);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "200"))).isEqualTo(2);
  }
}

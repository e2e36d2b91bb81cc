package io.smm.sandbox.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a sidecar takes from one VirtualService for one request. */
class RoutingTableTest {

  static MeshResources.Rule vs(String yamlSpec) throws Exception {
    return new MeshResources.Rule("shop", "catalog", "1", new ObjectMapper(new YAMLFactory()).readTree(yamlSpec));
  }

  static RoutingTable.RequestView get(String path, Map<String, String> headers) {
    return new RoutingTable.RequestView("shop", Map.of("app", "frontpage"), "http", "catalog:8080", 8080, path, "GET", headers);
  }

  @Test
  void prefixRewriteReplacesOnlyTheMatchedPrefixAndKeepsTheRest() throws Exception {
    var route = RoutingTable.route(vs("""
        hosts: [catalog]
        http:
        - match: [{uri: {prefix: /v1/}}]
          rewrite: {uri: /api/, authority: catalog-internal}
          route: [{destination: {host: catalog}}]
        """), get("/v1/items?page=2", Map.of())).orElseThrow();
    assertThat(route.rewriteUri()).isEqualTo("/api/items?page=2");
    assertThat(route.rewriteAuthority()).isEqualTo("catalog-internal");
  }

  @Test
  void retriesTimeoutsAndHeaderOperationsAreRead() throws Exception {
    var route = RoutingTable.route(vs("""
        hosts: [catalog]
        http:
        - route: [{destination: {host: catalog, subset: v2, port: {number: 8080}}}]
          timeout: 1.5s
          retries: {attempts: 4, perTryTimeout: 200ms, retryOn: "gateway-error,reset"}
          headers:
            request:
              set: {X-Canary: "yes"}
              remove: [X-Debug]
        """), get("/", Map.of())).orElseThrow();
    assertThat(route.subset()).isEqualTo("v2");
    assertThat(route.port()).isEqualTo(8080);
    assertThat(route.timeoutMs()).isEqualTo(1500);
    assertThat(route.retry()).isEqualTo(new RoutingTable.Retry(4, 200, Set.of("gateway-error", "reset")));
    assertThat(route.setHeaders()).containsEntry("x-canary", "yes");
    assertThat(route.removeHeaders()).containsExactly("x-debug");
  }

  @Test
  void withoutHeadersAndSourceLabelsNarrowAMatch() throws Exception {
    var rule = vs("""
        hosts: [catalog]
        http:
        - match: [{withoutHeaders: {x-test: {}}, sourceLabels: {app: frontpage}}]
          route: [{destination: {host: catalog, subset: v2}}]
        - route: [{destination: {host: catalog, subset: v1}}]
        """);
    assertThat(RoutingTable.route(rule, get("/", Map.of())).orElseThrow().subset()).isEqualTo("v2");
    assertThat(RoutingTable.route(rule, get("/", Map.of("x-test", "1"))).orElseThrow().subset()).isEqualTo("v1");
  }

  @Test
  void whatTheSandboxDoesNotSimulateIsRefusedNotGuessed() throws Exception {
    assertThatThrownBy(() -> RoutingTable.route(vs("""
        hosts: [catalog]
        http:
        - match: [{gateways: [ingress]}]
          route: [{destination: {host: catalog}}]
        """), get("/", Map.of()))).hasMessageContaining("match field gateways is not simulated");
    assertThatThrownBy(() -> RoutingTable.route(vs("""
        hosts: [catalog]
        tls:
        - match: [{sniHosts: [catalog]}]
          route: [{destination: {host: catalog}}]
        """), get("/", Map.of()))).hasMessageContaining("TLS routes are not simulated");
  }

  @Test
  void virtualServicesBoundToGatewaysOnlyDoNotApplyToSidecars() throws Exception {
    var gatewayOnly = new MeshResources.Rule("shop", "edge", "2", new ObjectMapper(new YAMLFactory()).readTree("""
        hosts: [catalog]
        gateways: [shop/ingress]
        http: [{route: [{destination: {host: catalog}}]}]
        """));
    var mesh = vs("""
        hosts: [catalog.shop.svc.cluster.local]
        gateways: [mesh, shop/ingress]
        http: [{route: [{destination: {host: catalog}}]}]
        """);
    Destination catalog = Destination.service("catalog", "shop");
    assertThat(RoutingTable.forHost(List.of(gatewayOnly, mesh), catalog::isNamedBy)).containsExactly(mesh);
  }
}

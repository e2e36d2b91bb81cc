package io.smm.sandbox.demo;

import static io.smm.sandbox.testing.DemoWorkloads.deployment;
import static io.smm.sandbox.testing.DemoWorkloads.namespace;
import static io.smm.sandbox.testing.DemoWorkloads.service;
import static io.smm.sandbox.testing.DemoWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * DestinationRule traffic policies, PeerAuthentication, Sidecar egress and the outbound traffic
 * policy, as the simulated sidecars apply them.
 */
class SidecarPolicyTest extends DemoMeshFixture {

  @Test
  void theConnectionPoolLimitTurnsExcessConcurrentRequestsInto503UO() throws Exception {
    frontpageCallingCatalog(env("LATENCY_MS", "300"));
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: catalog, namespace: shop}
        spec:
          host: catalog
          trafficPolicy:
            connectionPool:
              tcp: {maxConnections: 1}
              http: {http1MaxPendingRequests: 1}
        """);
    List<CompletableFuture<Integer>> concurrent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      concurrent.add(CompletableFuture.supplyAsync(() -> {
        try {
          return send("shop", "frontpage", 1);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    concurrent.forEach(CompletableFuture::join);
    double overflow = requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "503", "response_flags", "UO"));
    double served = requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "200"));
    assertThat(overflow + served).isEqualTo(8);
    assertThat(overflow).as("at most 2 in flight (1 connection + 1 pending) of 8 concurrent").isGreaterThanOrEqualTo(4);
    assertThat(requests("shop", "catalog", Map.of("reporter", "destination"))).isEqualTo(served);
  }

  @Test
  void outlierDetectionEjectsTheFailingEndpointAndTrafficGoesToTheHealthyOne() throws Exception {
    namespace(client, "shop", true);
    workload(client, "shop", "frontpage", env("REQUESTS", "http://catalog:8080/#1"));
    deployment(client, "shop", "catalog", "v1", env("ERROR_RATE", "1"));
    deployment(client, "shop", "catalog", "v2", env());
    service(client, "shop", "catalog");
    awaitPods(3);
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: catalog, namespace: shop}
        spec:
          host: catalog
          trafficPolicy:
            outlierDetection: {consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 60s, maxEjectionPercent: 50}
        """);
    send("shop", "frontpage", 30);
    // Round robin sends every other request to v1 until its third consecutive 500 ejects it.
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "500", "destination_version", "v1")))
        .isEqualTo(3);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "200", "destination_version", "v2")))
        .isEqualTo(27);
  }

  void catalogMtls(String mode) {
    apply("""
        apiVersion: security.istio.io/v1beta1
        kind: PeerAuthentication
        metadata: {name: catalog, namespace: shop}
        spec:
          selector: {matchLabels: {app: catalog}}
          mtls: {mode: %s}
        """.formatted(mode));
  }

  @Test
  void peerAuthenticationDecidesTheConnectionSecurityPolicyAndStrictRefusesPlaintext() throws Exception {
    namespace(client, "shop", true);
    namespace(client, "outside", false);
    workload(client, "shop", "frontpage", env("REQUESTS", "http://catalog:8080/#1"));
    workload(client, "shop", "catalog", env());
    workload(client, "outside", "legacy", env("REQUESTS", "http://catalog.shop:8080/#1"));
    awaitPods(3);
    catalogMtls("DISABLE");
    send("shop", "frontpage", 2);
    assertThat(requests("shop", "catalog", Map.of("reporter", "destination", "connection_security_policy", "none",
        "source_principal", "unknown", "source_workload", "frontpage-v1"))).isEqualTo(2);

    catalogMtls("STRICT");
    send("shop", "frontpage", 3);
    assertThat(requests("shop", "catalog", Map.of("reporter", "destination", "connection_security_policy", "mutual_tls")))
        .isEqualTo(3);
    // A workload without a sidecar cannot do mTLS: STRICT refuses it, nothing reaches catalog.
    send("outside", "legacy", 2);
    assertThat(requests("shop", "catalog", Map.of("reporter", "destination"))).isEqualTo(5);

    // A DestinationRule forcing plaintext against a STRICT server: the connection is reset (503 UC).
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: catalog, namespace: shop}
        spec:
          host: catalog
          trafficPolicy: {tls: {mode: DISABLE}}
        """);
    send("shop", "frontpage", 1);
    assertThat(requests("shop", "frontpage", Map.of("reporter", "source", "response_code", "503", "response_flags", "UC,URX")))
        .as("Istio's default retry policy retries the reset twice, then gives up").isEqualTo(1);
  }

  @Test
  void externalHostsGoThroughPassthroughUnderAllowAnyAndServiceEntriesNameThem() throws Exception {
    namespace(client, "shop", true);
    workload(client, "shop", "notifications", env("REQUESTS", "http://httpbin.org/get#1 http://api.example.com/v1#1"));
    awaitPods(1);
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: ServiceEntry
        metadata: {name: example, namespace: shop}
        spec:
          hosts: [api.example.com]
          location: MESH_EXTERNAL
          ports: [{number: 80, name: http, protocol: HTTP}]
          resolution: DNS
        """);
    send("shop", "notifications", 2);
    assertThat(requests("shop", "notifications", Map.of("reporter", "source", "destination_service_name", "PassthroughCluster",
        "destination_service", "httpbin.org", "response_code", "200"))).isEqualTo(2);
    assertThat(requests("shop", "notifications", Map.of("reporter", "source", "destination_service_name", "api.example.com",
        "destination_service_namespace", "shop", "response_code", "200"))).isEqualTo(2);
  }

  @Test
  void registryOnlySendsUnknownHostsToTheBlackHoleAndSidecarEgressHidesServices() throws Exception {
    client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane").inNamespace("istio-system")
        .withName("cp-v115x").edit(icp -> {
          icp.getAdditionalProperties().put("spec", Map.of("version", "1.15.3",
              "meshConfig", Map.of("outboundTrafficPolicy", Map.of("mode", "REGISTRY_ONLY"))));
          return icp;
        });
    namespace(client, "shop", true);
    namespace(client, "billing", true);
    workload(client, "shop", "notifications", env("REQUESTS", "http://httpbin.org/get#1 http://catalog:8080/#1 http://ledger.billing:8080/#1"));
    workload(client, "shop", "catalog", env());
    workload(client, "billing", "ledger", env());
    awaitPods(3);
    runtime.refreshMeshConfig();
    send("shop", "notifications", 2);
    assertThat(requests("shop", "notifications", Map.of("reporter", "source", "destination_service_name", "BlackHoleCluster",
        "response_code", "502"))).isEqualTo(2);
    assertThat(requests("shop", "notifications", Map.of("reporter", "source", "destination_service_name", "ledger",
        "response_code", "200"))).isEqualTo(2);

    // Egress restricted to the own namespace: billing's ledger is no longer in this sidecar's registry.
    apply("""
        apiVersion: networking.istio.io/v1beta1
        kind: Sidecar
        metadata: {name: default, namespace: shop}
        spec:
          egress:
          - hosts: ["./*", "istio-system/*"]
        """);
    send("shop", "notifications", 2);
    assertThat(requests("shop", "notifications", Map.of("reporter", "source", "destination_service_name", "BlackHoleCluster",
        "response_code", "502"))).isEqualTo(6);
    assertThat(requests("shop", "notifications", Map.of("reporter", "source", "destination_service_name", "catalog",
        "response_code", "200"))).isEqualTo(4);
    assertThat(requests("billing", "ledger", Map.of("reporter", "destination"))).isEqualTo(2);
  }
}

package io.smm.backend.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smm.backend.prometheus.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class TopologyBuilderTest {

  static Map<String, String> edge(String from, String service, String to, String protocol) {
    Map<String, String> l = new HashMap<>();
    l.put("source_cluster", "c1");
    l.put("source_workload_namespace", from.equals("unknown") ? "unknown" : "shop");
    l.put("source_workload", from);
    l.put("destination_cluster", "c1");
    l.put("destination_service_namespace", "shop");
    l.put("destination_service_name", service);
    l.put("destination_workload_namespace", to.equals("unknown") ? "unknown" : "shop");
    l.put("destination_workload", to);
    l.put("request_protocol", protocol);
    return l;
  }

  static Sample sample(Map<String, String> labels, double value, String... more) {
    Map<String, String> l = new HashMap<>(labels);
    for (int i = 0; i < more.length; i += 2) {
      l.put(more[i], more[i + 1]);
    }
    return new Sample(l, value);
  }

  @Test
  void seriesBecomeClientToServiceAndServiceToServerEdgesWithTheirRatesErrorsAndLatency() {
    var b = new TopologyBuilder("c1");
    var fc = edge("frontpage-v1", "catalog", "catalog-v1", "http");
    b.requests(sample(fc, 9, "response_code", "200", "grpc_response_status", ""));
    b.requests(sample(fc, 1, "response_code", "503", "grpc_response_status", ""));
    var cm = edge("catalog-v1", "movies", "movies-v2", "grpc");
    b.requests(sample(cm, 4, "response_code", "200", "grpc_response_status", "0"));
    b.requests(sample(cm, 1, "response_code", "200", "grpc_response_status", "13"));
    for (String[] bucket : new String[][] {{"10", "5"}, {"50", "9"}, {"100", "10"}, {"+Inf", "10"}}) {
      b.durationBucket(sample(fc, Double.parseDouble(bucket[1]), "le", bucket[0]));
    }
    b.security(sample(fc, 10, "connection_security_policy", "mutual_tls"));
    b.known(new KnownWorkload("c1", "shop", "idle-job", "idle", "v1"));

    Topology t = b.build(Instant.EPOCH, Duration.ofMinutes(1), List.of());
    assertThat(t.nodes()).extracting(TopologyNode::id).containsExactly("service:c1/shop/catalog", "service:c1/shop/movies",
        "workload:c1/shop/catalog-v1", "workload:c1/shop/frontpage-v1", "workload:c1/shop/idle-job", "workload:c1/shop/movies-v2");
    assertThat(t.nodes()).filteredOn(TopologyNode::idle).extracting(TopologyNode::name).containsExactly("idle-job");
    TopologyEdge toCatalog = t.edges().stream().filter(e -> e.source().equals("workload:c1/shop/frontpage-v1")).findFirst().orElseThrow();
    assertThat(toCatalog.target()).isEqualTo("service:c1/shop/catalog");
    assertThat(toCatalog.requestsPerSecond()).isEqualTo(10);
    assertThat(toCatalog.errorRatio()).isCloseTo(0.1, within(1e-9));
    assertThat(toCatalog.p50()).isCloseTo(10, within(1e-9));
    assertThat(toCatalog.p95()).isCloseTo(75, within(1e-9));
    assertThat(toCatalog.mtlsRatio()).isEqualTo(1);
    assertThat(toCatalog.responseCodes()).containsEntry("200", 9.0).containsEntry("503", 1.0);
    TopologyEdge grpc = t.edges().stream().filter(e -> e.target().equals("workload:c1/shop/movies-v2")).findFirst().orElseThrow();
    assertThat(grpc.protocol()).isEqualTo("grpc");
    assertThat(grpc.errorRatio()).as("gRPC INTERNAL is an error").isCloseTo(0.2, within(1e-9));
    assertThat(grpc.mtlsRatio()).as("no server reported it").isNaN();
  }

  @Test
  void trafficFromOutsideTheMeshAndToExternalHostsEndsInUnknownAndExternalNodes() {
    var b = new TopologyBuilder("c1");
    b.requests(sample(edge("unknown", "frontpage", "frontpage-v1", "http"), 5, "response_code", "200"));
    Map<String, String> external = edge("notifications-v1", "PassthroughCluster", "unknown", "http");
    external.put("destination_service_namespace", "unknown");
    external.put("destination_cluster", "unknown");
    b.requests(sample(external, 1, "response_code", "200"));
    Map<String, String> bare = new HashMap<>(); // an older Istio without most labels
    bare.put("destination_service", "legacy.example.com");
    b.requests(sample(bare, 2));
    Topology t = b.build(Instant.EPOCH, Duration.ofMinutes(1), List.of());
    assertThat(t.nodes()).extracting(TopologyNode::id, TopologyNode::type).contains(
        Tuple.tuple("unknown", TopologyNode.Type.UNKNOWN),
        Tuple.tuple("service:c1//PassthroughCluster", TopologyNode.Type.EXTERNAL),
        Tuple.tuple("service:c1//legacy.example.com", TopologyNode.Type.SERVICE));
    assertThat(t.edges()).extracting(TopologyEdge::source, TopologyEdge::target).contains(
        Tuple.tuple("unknown", "service:c1/shop/frontpage"),
        Tuple.tuple("service:c1/shop/frontpage", "workload:c1/shop/frontpage-v1"),
        Tuple.tuple("workload:c1/shop/notifications-v1", "service:c1//PassthroughCluster"),
        Tuple.tuple("unknown", "service:c1//legacy.example.com"));
  }

  @Test
  void groupedByAppTheVersionsOfAnAppBecomeOneNodeWithTheirTrafficAddedUp() {
    var b = new TopologyBuilder("c1", TopologyNode.Grouping.APP);
    for (String v : new String[] {"v1", "v2", "v3"}) {
      Map<String, String> l = edge("catalog-v1", "movies", "movies-" + v, "grpc");
      l.put("source_app", "catalog");
      l.put("destination_app", "movies");
      b.requests(sample(l, 2, "response_code", "200", "grpc_response_status", "0"));
    }
    b.known(new KnownWorkload("c1", "shop", "movies-v4", "movies", "v4"));
    Topology t = b.build(Instant.EPOCH, Duration.ofMinutes(1), List.of());
    assertThat(t.nodes()).extracting(TopologyNode::id).containsExactly("app:c1/shop/catalog", "app:c1/shop/movies",
        "service:c1/shop/movies");
    assertThat(t.nodes()).filteredOn(n -> n.id().equals("app:c1/shop/movies")).singleElement()
        .satisfies(n -> assertThat(n.idle()).as("busy versions win over an idle one").isFalse());
    TopologyEdge toApp = t.edges().stream().filter(e -> e.target().equals("app:c1/shop/movies")).findFirst().orElseThrow();
    assertThat(toApp.requestsPerSecond()).isEqualTo(6);
  }

  @Test
  void groupedByNamespaceEachCallIsOneEdgeBetweenTheNamespacesOfClientAndServer() {
    var b = new TopologyBuilder("c1", TopologyNode.Grouping.NAMESPACE);
    Map<String, String> crossing = edge("frontpage-v1", "payments", "payments-v1", "http");
    crossing.put("destination_service_namespace", "billing");
    crossing.put("destination_workload_namespace", "billing");
    b.requests(sample(crossing, 3, "response_code", "200"));
    b.requests(sample(crossing, 1, "response_code", "500"));
    b.requests(sample(edge("frontpage-v1", "catalog", "catalog-v1", "http"), 5, "response_code", "200"));
    Map<String, String> external = edge("frontpage-v1", "PassthroughCluster", "unknown", "http");
    external.put("destination_service_namespace", "unknown");
    external.put("destination_cluster", "unknown");
    b.requests(sample(external, 2, "response_code", "200"));
    b.known(new KnownWorkload("c1", "batch", "nightly", "nightly", "v1"));

    Topology t = b.build(Instant.EPOCH, Duration.ofMinutes(1), List.of());
    assertThat(t.nodes()).extracting(TopologyNode::id, TopologyNode::type, TopologyNode::idle).containsExactly(
        Tuple.tuple("namespace:c1/batch", TopologyNode.Type.NAMESPACE, true),
        Tuple.tuple("namespace:c1/billing", TopologyNode.Type.NAMESPACE, false),
        Tuple.tuple("namespace:c1/shop", TopologyNode.Type.NAMESPACE, false),
        Tuple.tuple("service:c1//PassthroughCluster", TopologyNode.Type.EXTERNAL, false));
    assertThat(t.edges()).extracting(TopologyEdge::source, TopologyEdge::target, TopologyEdge::requestsPerSecond).containsExactly(
        Tuple.tuple("namespace:c1/shop", "namespace:c1/billing", 4.0),
        Tuple.tuple("namespace:c1/shop", "namespace:c1/shop", 5.0),
        Tuple.tuple("namespace:c1/shop", "service:c1//PassthroughCluster", 2.0));
    assertThat(t.edges().get(0).errorRatio()).isEqualTo(0.25);

    var byCluster = new TopologyBuilder("c1", TopologyNode.Grouping.CLUSTER);
    byCluster.requests(sample(crossing, 3, "response_code", "200"));
    assertThat(byCluster.build(Instant.EPOCH, Duration.ofMinutes(1), List.of()).edges())
        .extracting(TopologyEdge::source, TopologyEdge::target).containsExactly(Tuple.tuple("cluster:c1", "cluster:c1"));
  }

  @Test
  void gatewaysAndVmsAreTheirOwnKindsOfNodeTrafficOrNot() {
    var b = new TopologyBuilder("c1");
    b.requests(sample(edge("istio-ingress", "frontpage", "frontpage-v1", "http"), 5, "response_code", "200"));
    b.requests(sample(edge("frontpage-v1", "legacy", "legacy-vm", "http"), 1, "response_code", "200"));
    b.known(new KnownWorkload("c1", "shop", "istio-ingress", "", "", TopologyNode.Type.GATEWAY), false);
    b.known(new KnownWorkload("c1", "shop", "legacy-vm", "legacy", "v1", TopologyNode.Type.VM), false);
    b.known(new KnownWorkload("c1", "shop", "batch-vm", "batch", "v1", TopologyNode.Type.VM), false);
    Topology t = b.build(Instant.EPOCH, Duration.ofMinutes(1), List.of());
    assertThat(t.nodes()).filteredOn(n -> n.id().startsWith("workload:")).extracting(TopologyNode::name, TopologyNode::type)
        .as("without idle nodes, the idle VM is left out").containsExactly(
            Tuple.tuple("frontpage-v1", TopologyNode.Type.WORKLOAD),
            Tuple.tuple("istio-ingress", TopologyNode.Type.GATEWAY),
            Tuple.tuple("legacy-vm", TopologyNode.Type.VM));
  }
}

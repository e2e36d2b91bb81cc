package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.smm.sandbox.testing.Eventually;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sandboxes on one machine, each its own cluster (API server, Prometheus, load balancer address,
 * dashboard), joined with `smm istio cluster attach` as seed 2.7.1.2 does it, in both variants. First
 * multi-primary (--active-istio-control-plane): both clusters' cluster registries form the group,
 * `smm istio cluster status` lists both Available with their control planes, each cluster receives the
 * other's IstioControlPlane as a PeerIstioControlPlane, the split demo calls across the networks'
 * gateways, the primary's topology, health and tap cover the peer (a passive Service Mesh Manager
 * cluster), a peer that stops is stale and comes back, and detach undoes it on both sides. Then remote
 * Istio (the manual's default): the peer's control plane is PASSIVE, runs no istiod, and its proxies
 * follow the primary's istiod through the primary's meshexpansion gateway; detach gives the peer its
 * own istiod back.
 */
class MultiClusterE2ETest {

  static final ResourceDefinitionContext PEER_CONTROL_PLANES = new ResourceDefinitionContext.Builder()
      .withGroup("servicemesh.cisco.com").withVersion("v1alpha1").withKind("PeerIstioControlPlane").withPlural("peeristiocontrolplanes")
      .withNamespaced(true).build();
  static final ResourceDefinitionContext CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup("clusterregistry.k8s.cisco.com").withVersion("v1alpha1").withKind("Cluster").withPlural("clusters")
      .withNamespaced(false).build();

  @Test
  void twoSandboxesAttachIntoOneGroupAndDetach(@TempDir Path dir) throws Exception {
    Map<String, String> primaryEnv = Map.of("SMM_HOME", dir.resolve("primary").toString());
    Map<String, String> peerEnv = Map.of("SMM_HOME", dir.resolve("peer").toString());
    Path primaryConfig = dir.resolve("primary/sandbox/kubeconfig");
    Path peerConfig = dir.resolve("peer/sandbox/kubeconfig");
    SmmProcess primary = SmmProcess.start(primaryEnv, "sandbox", "up", "--cluster-name", "primary", "--port",
        Integer.toString(SandboxE2ETest.freePort()));
    // The peer's API keeps its port across a restart, as a cluster's address does: its Cluster secret names it.
    String peerKubePort = Integer.toString(SandboxE2ETest.freePort());
    String peerPort = Integer.toString(SandboxE2ETest.freePort());
    SmmProcess peer = SmmProcess.start(peerEnv, "sandbox", "up", "--cluster-name", "peer", "--port", peerPort, "--kube-port", peerKubePort);
    SmmProcess[] peers = {peer};
    try {
      String dashboard = SandboxRestartE2ETest.dashboard(primary);
      long t0 = System.nanoTime();
      SandboxRestartE2ETest.dashboard(peer);

      // A primary Istio cluster of its own (multi-primary), on a network of its own (the default: its name): the clusters'
      // pods reach each other only through the other's meshexpansion gateway (15443, AUTO_PASSTHROUGH).
      SmmProcess.Result attach = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "attach",
          peerConfig.toString(), "--active-istio-control-plane", "--name", "peer");
      assertThat(attach.exitCode()).as(attach.output()).isZero();
      assertThat(attach.output()).contains("enabling the cluster registry of primary", "enabling the cluster registry of peer (Istio network peer)",
          "rendering the mesh networks of primary and peer", "Cluster peer attached");

      SmmProcess.Result status = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "status");
      assertThat(status.output()).containsPattern("primary +local +Available").containsPattern("peer +peer +Available")
          // each cluster's control plane with its mode, network and gateway address
          .containsPattern("primary +cp-v115x +istio-system +.*ACTIVE +network1 +127\\.")
          .containsPattern("peer +cp-v115x +istio-system +.*ACTIVE +peer +127\\.");

      try (KubernetesClient primaryClient = SandboxRestartE2ETest.client(primaryConfig);
          KubernetesClient peerClient = SandboxRestartE2ETest.client(peerConfig)) {
        // The peer's own controller (in the peer sandbox) sees the primary too.
        Eventually.until(() -> ready(peerClient, "primary"), Duration.ofMinutes(2), "the peer's registry reaches the primary");
        Eventually.until(() -> peerClient.genericKubernetesResources(PEER_CONTROL_PLANES).inNamespace("istio-system")
            .withName("cp-v115x-primary").get() != null, Duration.ofMinutes(2), "the primary's control plane as a peer on the peer cluster");
        Eventually.until(() -> primaryClient.genericKubernetesResources(PEER_CONTROL_PLANES).inNamespace("istio-system")
            .withName("cp-v115x-peer").get() != null, Duration.ofMinutes(2), "the peer's control plane as a peer on the primary");
        // Each istiod gets the other cluster's remote secret (the istio-operator's reader secret, synced and labelled).
        Eventually.until(() -> primaryClient.secrets().inNamespace("istio-system").withLabel("istio/multiCluster", "true").list()
            .getItems().stream().anyMatch(s -> s.getData().containsKey("peer")), Duration.ofMinutes(2), "the primary's istiod reads the peer");

        // Each istiod knows both networks: its own cluster's, and the other's behind that cluster's meshexpansion gateway.
        for (KubernetesClient side : List.of(primaryClient, peerClient)) {
          String networks = meshNetworks(side);
          JsonNode n = new ObjectMapper(new YAMLFactory()).readTree(networks);
          assertThat(n.at("/networks/network1/endpoints/0/fromRegistry").asText()).as(networks).isEqualTo("primary");
          assertThat(n.at("/networks/peer/endpoints/0/fromRegistry").asText()).as(networks).isEqualTo("peer");
          assertThat(n.at("/networks/peer/gateways/0/port").asInt()).as(networks).isEqualTo(15443);
        }
        System.out.printf("%s after %.1fs%n", "remote secrets", (System.nanoTime() - t0) / 1e9);
        // The demo split across the clusters as seed 2.3.2 step 5 does it; the primary's frontpage gets the load.
        SmmProcess.Result primaryDemo = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "demoapp", "install", "-s",
            "frontpage,catalog,bookings,postgresql", "--rps", "10");
        assertThat(primaryDemo.exitCode()).as(primaryDemo.output()).isZero();
        SmmProcess.Result peerDemo = SmmProcess.run(Map.of(), "-c", peerConfig.toString(), "demoapp", "install", "-s",
            "movies,payments,notifications,analytics,database,mysql", "--peer");
        assertThat(peerDemo.exitCode()).as(peerDemo.output()).isZero();

        System.out.printf("%s after %.1fs%n", "demo installed", (System.nanoTime() - t0) / 1e9);
        String prometheus = JSON.readTree(SmmProcess.run(primaryEnv, "sandbox", "status", "-o", "json").output()).path("prometheus").asText();
        // The primary's sidecars call the peer's services (catalog -> movies over gRPC, bookings -> payments), and the
        // primary's Prometheus, scraping both clusters' sidecars, also sees calls made entirely in the peer (movies -> database).
        Eventually.until(() -> rate(prometheus, "reporter=\"source\",source_cluster=\"primary\",source_workload=\"catalog-v1\","
            + "destination_cluster=\"peer\",destination_service_name=\"movies\"") > 0
            && rate(prometheus, "reporter=\"destination\",source_cluster=\"primary\",destination_cluster=\"peer\","
            + "destination_workload=\"payments-v1\"") > 0, Duration.ofMinutes(2), "cross-cluster calls in the primary's Prometheus");
        // Envoy's access log names the upstream host: for the peer's movies, the peer's meshexpansion gateway on 15443
        // (the calls that found no endpoint before the peer's pods were ready name none).
        String catalogPod = primaryClient.pods().inNamespace("smm-demo").withLabel("app", "catalog").list().getItems().get(0)
            .getMetadata().getName();
        String proxyLog = primaryClient.pods().inNamespace("smm-demo").withName(catalogPod).inContainer("istio-proxy").getLog();
        String peerGateway = peerClient.services().inNamespace("istio-system").withName("istio-meshexpansion-cp-v115x").get().getStatus()
            .getLoadBalancer().getIngress().get(0).getIp();
        assertThat(peerGateway).as("each sandbox's load balancer has an address of its own").startsWith("127.").isNotEqualTo("127.0.0.1");
        assertThat(proxyLog.lines().filter(l -> l.contains("outbound|8082||movies.smm-demo.svc.cluster.local") && l.contains("HTTP/2\" 200 ")))
            .as(proxyLog).isNotEmpty().allMatch(l -> l.contains("\"" + peerGateway + ":15443\""));
        System.out.printf("%s after %.1fs%n", "cross-cluster calls", (System.nanoTime() - t0) / 1e9);
        Eventually.until(() -> tcpRate(prometheus, "source_cluster=\"peer\",destination_cluster=\"peer\","
            + "destination_service_name=\"database\"") > 0, Duration.ofMinutes(2), "the peer's own calls in the primary's Prometheus");

        System.out.printf("%s after %.1fs%n", "peer calls", (System.nanoTime() - t0) / 1e9);
        // The peer is a passive Service Mesh Manager cluster: its proxies stream their access logs to the primary's receiver,
        // through the primary's meshexpansion gateway (50600): a tap on the namespace in the primary streams the peer's calls.
        tapStreamsThePeer(primaryEnv, primaryConfig);
        System.out.printf("%s after %.1fs%n", "peer tapped", (System.nanoTime() - t0) / 1e9);
        // The primary's topology spans both clusters: the peer's workloads are nodes of cluster peer, with the edges into them.
        String session = SandboxLogin.session(dashboard);
        JsonNode[] topology = new JsonNode[1];
        Eventually.until(() -> {
          topology[0] = topology(dashboard, session);
          return edgeRps(topology[0], "workload:primary/smm-demo/catalog-v1", "service:peer/smm-demo/movies") > 0
              && hasNode(topology[0], "workload:peer/smm-demo/movies-v1") && hasNode(topology[0], "workload:peer/smm-demo/database-v1");
        }, Duration.ofMinutes(2), () -> "the primary's topology shows the peer's workloads and the edges into them: " + topology[0]);

        System.out.printf("%s after %.1fs%n", "topology", (System.nanoTime() - t0) / 1e9);

        // The Mesh page lists both clusters; the topology grouped by cluster draws one box each.
        try (Browser browser = new Browser()) {
          SandboxLogin.browser(browser, primaryEnv, primaryConfig.toString());
          browser.driver.get(dashboard + "/#/mesh");
          browser.await(d -> d.findElement(By.cssSelector("[data-testid=mesh-cluster-peer]")).getText().contains("Available"),
              Duration.ofSeconds(30), "the Mesh page lists the peer as Available");
          assertThat(browser.driver.findElement(By.cssSelector("[data-testid=mesh-cluster-primary]")).getText()).contains("primary", "network1");
          assertThat(browser.driver.findElement(By.cssSelector("[data-testid=mesh-cluster-peer]")).getText()).contains("peer")
              .doesNotContain("network1");
          browser.screenshot("multicluster-mesh");
          browser.driver.get(dashboard + "/#/topology?ns=smm-demo&group=cluster");
          browser.await(d -> {
            String nodes = d.findElement(By.cssSelector("[data-testid=topology-graph]")).getAttribute("data-nodes");
            return nodes != null && nodes.contains("\"cluster:primary\"") && nodes.contains("\"cluster:peer\"");
          }, Duration.ofSeconds(30), "the topology grouped by cluster draws both clusters");
          browser.screenshot("multicluster-topology-clusters");

          // Payments fails in the peer: the primary's topology page draws the peer's payments failing.
          peerClient.apps().deployments().inNamespace("smm-demo").withName("payments-v1").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().add(new EnvVar("ERROR_RATE", "0.5", null));
            return d;
          });
          browser.driver.get(dashboard + "/#/topology?ns=smm-demo&refresh=5");
          browser.await(d -> {
            WebElement graph = d.findElement(By.cssSelector("[data-testid=topology-graph]"));
            return "FAILURE".equals(drawnStatus(graph, "service:peer/smm-demo/payments"));
          }, Duration.ofMinutes(2), "the page draws the peer's payments failing");
          browser.screenshot("multicluster-topology-peer-fault");
          System.out.printf("%s after %.1fs%n", "fault seen", (System.nanoTime() - t0) / 1e9);

          // The peer goes away: the primary keeps working, says the peer is unreachable, and draws what it last saw of it as
          // stale; the peer comes back, and so does it in the primary, by itself.
          SandboxRestartE2ETest.stop(peerEnv, peers[0]);
          browser.await(d -> d.findElement(By.cssSelector("[data-testid=topology-stale]")).getText().contains("peer"), Duration.ofMinutes(2),
              "the topology page says the peer is not reachable");
          browser.screenshot("multicluster-topology-peer-stale");
          SmmProcess.Result down = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "status");
          assertThat(down.output()).containsPattern("primary +local +Available").containsPattern("peer +peer +Failed");
          System.out.printf("%s after %.1fs%n", "peer stale", (System.nanoTime() - t0) / 1e9);
          peers[0] = SmmProcess.start(peerEnv, "sandbox", "up", "--cluster-name", "peer", "--port", peerPort, "--kube-port", peerKubePort);
          SandboxRestartE2ETest.dashboard(peers[0]);
          Eventually.until(() -> ready(primaryClient, "peer") && topology(dashboard, session).path("staleClusters").isEmpty(),
              Duration.ofMinutes(2), "the peer is back in the primary");
          browser.await(d -> d.findElements(By.cssSelector("[data-testid=topology-stale]")).isEmpty(), Duration.ofSeconds(30),
              "the page no longer calls the peer unreachable");
          System.out.printf("%s after %.1fs%n", "peer back", (System.nanoTime() - t0) / 1e9);
        }
        // The restarted sandbox resumed its ControlPlane as attach left it (the registry on), not as a fresh install.
        assertThat(peerClient.genericKubernetesResources("smm.cisco.com/v1alpha1", "ControlPlane").withName("smm").get()
            .getAdditionalProperties().get("spec")).asString().contains("clusterRegistry={enabled=true}");

        SmmProcess.Result detach = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "detach",
            peerConfig.toString(), "--name", "peer");
        assertThat(detach.exitCode()).as(detach.output()).isZero();
        assertThat(primaryClient.genericKubernetesResources(CLUSTERS).withName("peer").get()).isNull();
        assertThat(peerClient.genericKubernetesResources(CLUSTERS).withName("primary").get()).isNull();
        assertThat(primaryClient.genericKubernetesResources(PEER_CONTROL_PLANES).inNamespace("istio-system").withName("cp-v115x-peer")
            .get()).as("the copy the primary made of the peer's control plane").isNull();
        assertThat(peerClient.genericKubernetesResources(PEER_CONTROL_PLANES).inNamespace("istio-system").withName("cp-v115x-primary")
            .get()).as("the copy the peer made of the primary's control plane").isNull();
        assertThat(meshNetworks(primaryClient)).as("the primary's istiod no longer knows the peer's network").doesNotContain("peer");
        // The peer's ControlPlane is as it was before attach: an active Service Mesh Manager cluster of its own again.
        GenericKubernetesResource restored = peerClient.genericKubernetesResources("smm.cisco.com/v1alpha1", "ControlPlane").withName("smm").get();
        assertThat(restored.getAdditionalProperties().get("spec")).asString().doesNotContain("passive");
        assertThat(restored.getMetadata().getAnnotations()).doesNotContainKey("smm.cisco.com/spec-before-attach");
        assertThat(peerClient.services().inNamespace("smm-system").withName("smm-als").get().getSpec().getSelector()).containsEntry("app", "smm");
        SmmProcess.Result after = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "status");
        assertThat(after.output()).containsPattern("primary +local").doesNotContainPattern("peer +peer");
        // Without its remote secret the primary no longer calls or scrapes the peer: once the window has passed, the peer
        // is gone from the topology.
        Eventually.until(() -> {
          topology[0] = topology(dashboard, session);
          return topology[0].path("nodes").size() > 0 && !topology[0].toString().contains("peer/smm-demo");
        }, Duration.ofMinutes(2), () -> "the peer leaves the primary's topology: " + topology[0]);
        System.out.printf("%s after %.1fs%n", "peer gone", (System.nanoTime() - t0) / 1e9);

        // Remote Istio (primary-remote, attach without --active-istio-control-plane): the peer's control plane is PASSIVE, it
        // runs no istiod, and its proxies are served by the primary's, through the primary's meshexpansion gateway (15012).
        SmmProcess.Result remote = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "attach",
            peerConfig.toString(), "--name", "peer");
        assertThat(remote.exitCode()).as(remote.output()).isZero();
        assertThat(remote.output()).contains("with a passive Istio control plane", "Cluster peer attached");
        // The manual's upgrade step: attach --force on an attached peer reconciles its components again, and changes nothing else.
        SmmProcess.Result forced = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "attach",
            peerConfig.toString(), "--name", "peer", "--force");
        assertThat(forced.exitCode()).as(forced.output()).isZero();
        assertThat(forced.output()).contains("is already attached; its Service Mesh Manager components were reconciled again");
        SmmProcess.Result remoteStatus = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "status");
        assertThat(remoteStatus.output()).containsPattern("peer +peer +Available")
            .containsPattern("peer +cp-v115x +istio-system +.*PASSIVE +peer +127\\.");
        Eventually.until(() -> peerClient.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v115x").get() == null,
            Duration.ofMinutes(1), "no istiod runs in the peer");
        String primaryGateway = primaryClient.services().inNamespace("istio-system").withName("istio-meshexpansion-cp-v115x").get()
            .getStatus().getLoadBalancer().getIngress().get(0).getIp();
        assertThat(peerClient.endpoints().inNamespace("istio-system").withName("istiod-cp-v115x").get().getSubsets().get(0).getAddresses())
            .extracting(a -> a.getIp()).as("the peer's proxies find istiod at the primary's gateway").containsExactly(primaryGateway);
        // The peer's pods, injected again by the peer's own injector, now take their configuration and certificates from the
        // primary's istiod: a VirtualService applied in the primary fails the peer's payments' calls to notifications.
        peerClient.pods().inNamespace("smm-demo").delete();
        primaryClient.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("smm-demo")
            .resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1")
                .withKind("VirtualService").withNewMetadata().withName("notifications-down").withNamespace("smm-demo").endMetadata()
                .addToAdditionalProperties("spec", Map.of("hosts", List.of("notifications"), "http", List.of(Map.of(
                    "fault", Map.of("abort", Map.of("httpStatus", 503, "percentage", Map.of("value", 100))),
                    "route", List.of(Map.of("destination", Map.of("host", "notifications"))))))).build()).create();
        Eventually.until(() -> rate(prometheus, "reporter=\"source\",source_cluster=\"peer\",source_workload=\"payments-v1\","
            + "destination_service_name=\"notifications\",response_flags=\"FI\"") > 0
            && rate(prometheus, "reporter=\"source\",source_cluster=\"primary\",destination_cluster=\"peer\","
            + "destination_service_name=\"movies\",response_code=\"200\"") > 0, Duration.ofMinutes(2),
            "the peer's sidecars follow the primary's configuration, and the primary's calls reach the peer");
        System.out.printf("%s after %.1fs%n", "remote cluster configured by the primary", (System.nanoTime() - t0) / 1e9);
        Eventually.until(() -> {
          topology[0] = topology(dashboard, session);
          return edgeRps(topology[0], "workload:primary/smm-demo/catalog-v1", "service:peer/smm-demo/movies") > 0
              && edgeRps(topology[0], "workload:primary/smm-demo/bookings-v1", "service:peer/smm-demo/payments") > 0
              // the calls the primary's VirtualService aborts in the peer's payments reach no endpoint: drawn in the caller's cluster
              && edgeRps(topology[0], "workload:peer/smm-demo/payments-v1", "service:peer/smm-demo/notifications") > 0;
        }, Duration.ofMinutes(2), () -> "the primary's topology draws the remote cluster's workloads and the calls into them: " + topology[0]);
        // Their access logs reach the primary's receiver, which trusts only its own CA here: the certificates are the primary's.
        tapStreamsThePeer(primaryEnv, primaryConfig);
        System.out.printf("%s after %.1fs%n", "remote cluster tapped", (System.nanoTime() - t0) / 1e9);

        SmmProcess.Result remoteDetach = SmmProcess.run(Map.of(), "-c", primaryConfig.toString(), "istio", "cluster", "detach",
            peerConfig.toString(), "--name", "peer");
        assertThat(remoteDetach.exitCode()).as(remoteDetach.output()).isZero();
        Eventually.until(() -> peerClient.apps().deployments().inNamespace("istio-system").withName("istiod-cp-v115x").get() != null
            && peerClient.endpoints().inNamespace("istio-system").withName("istiod-cp-v115x").get() == null, Duration.ofMinutes(1),
            "the peer runs its own istiod again");
        System.out.printf("%s after %.1fs%n", "remote cluster detached", (System.nanoTime() - t0) / 1e9);
      }
      SandboxRestartE2ETest.stop(peerEnv, peers[0]);
      SandboxRestartE2ETest.stop(primaryEnv, primary);
    } finally {
      // After a failure too: `sandbox down` stops the sandbox's Prometheus and Alertmanager, which would outlive a
      // killed sandbox process and load the machine for the tests after this one.
      for (Map<String, String> env : List.of(primaryEnv, peerEnv)) {
        SmmProcess.run(env, "sandbox", "down");
      }
      primary.process.destroyForcibly();
      peers[0].process.destroyForcibly();
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The peer's proxies stream their access logs to the primary's receiver, through the primary's
   * meshexpansion gateway (50600): a tap on the namespace in the primary streams the peer's calls.
   */
  private static void tapStreamsThePeer(Map<String, String> primaryEnv, Path primaryConfig) throws Exception {
    SmmProcess tap = SmmProcess.start(primaryEnv, "-c", primaryConfig.toString(), "tap", "ns/smm-demo", "-o", "json");
    try {
      Eventually.until(() -> reportedByThePeer(tap.all).isPresent(), Duration.ofSeconds(90),
          () -> "an entry the peer's movies reported, in a tap in the primary: " + tap.all);
    } finally {
      tap.interruptAndDrain(Duration.ofSeconds(20));
    }
    JsonNode entry = reportedByThePeer(tap.all).orElseThrow();
    assertThat(entry.at("/reporter/namespace").asText()).as(entry.toString()).isEqualTo("smm-demo");
  }

  /** The first tapped entry (JSON lines) whose reporter is a movies pod of the peer cluster. */
  private static java.util.Optional<JsonNode> reportedByThePeer(List<String> lines) {
    for (String line : lines) {
      try {
        JsonNode entry = line.startsWith("{") ? JSON.readTree(line) : null;
        if (entry != null && "peer".equals(entry.at("/reporter/cluster").asText()) && entry.at("/reporter/workload").asText().startsWith("movies")) {
          return java.util.Optional.of(entry);
        }
      } catch (java.io.IOException e) {
        // not an entry
      }
    }
    return java.util.Optional.empty();
  }

  /** The meshNetworks of the control plane's mesh ConfigMap (found by its labels; its name depends on the distribution). */
  private static String meshNetworks(KubernetesClient client) {
    return client.configMaps().inNamespace("istio-system").withLabel("istio", "meshconfig")
        .withLabel("istio.io/rev", "cp-v115x.istio-system").list().getItems().get(0).getData().get("meshNetworks");
  }
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private static double rate(String prometheus, String selector) {
    return scalar(prometheus, "sum(rate(istio_requests_total{" + selector + "}[30s]))");
  }

  private static double tcpRate(String prometheus, String selector) {
    return scalar(prometheus, "sum(rate(istio_tcp_connections_opened_total{" + selector + "}[30s]))");
  }

  private static double scalar(String prometheus, String promql) {
    try {
      JsonNode result = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
          + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body()).at("/data/result");
      return result.size() == 0 ? 0 : result.get(0).path("value").get(1).asDouble();
    } catch (Exception e) {
      return 0;
    }
  }

  private static JsonNode topology(String dashboard, String session) {
    try {
      String query = "{ topology(namespaces: [\"smm-demo\"], windowSeconds: 30) { staleClusters nodes { id } edges { source target requestsPerSecond } } }";
      return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/graphql"))
          .header("Content-Type", "application/json").header("Authorization", "Bearer " + session)
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query)))).build(),
          HttpResponse.BodyHandlers.ofString()).body()).at("/data/topology");
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  /** The status the page drew a node with (its data-nodes attribute); "" when it is not drawn. */
  private static String drawnStatus(WebElement graph, String id) {
    try {
      String drawn = graph.getAttribute("data-nodes");
      for (JsonNode n : drawn == null ? JSON.createArrayNode() : JSON.readTree(drawn)) {
        if (n.path("id").asText().equals(id)) {
          return n.path("status").asText();
        }
      }
    } catch (java.io.IOException e) {
      return "";
    }
    return "";
  }

  private static boolean hasNode(JsonNode topology, String id) {
    for (JsonNode n : topology.path("nodes")) {
      if (n.path("id").asText().equals(id)) {
        return true;
      }
    }
    return false;
  }

  private static double edgeRps(JsonNode topology, String source, String target) {
    for (JsonNode e : topology.path("edges")) {
      if (e.path("source").asText().equals(source) && e.path("target").asText().equals(target)) {
        return e.path("requestsPerSecond").asDouble();
      }
    }
    return 0;
  }

  private static boolean ready(KubernetesClient client, String cluster) {
    GenericKubernetesResource c = client.genericKubernetesResources(CLUSTERS).withName(cluster).get();
    return c != null && c.getAdditionalProperties().get("status") instanceof Map<?, ?> s && "Ready".equals(s.get("state"));
  }
}

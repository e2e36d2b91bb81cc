package io.smm.sandbox.demo;

import static io.smm.sandbox.testing.DemoWorkloads.namespace;
import static io.smm.sandbox.testing.DemoWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.smm.sandbox.envoy.AccessLogReceiverSidecar;
import io.smm.sandbox.istiod.MeshCa;
import io.smm.sandbox.kubelet.CadvisorEndpoint;
import io.smm.sandbox.prometheus.ScrapeTargets;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.Exposition;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Demo pods run in-process; injected ones report Istio metrics from both sides of each call, for HTTP, gRPC and TCP. */
class DemoRuntimeTest extends DemoMeshFixture {

  /** Namespace shop, labelled for cp-v115x: frontpage calls catalog over HTTP, catalog calls movies over gRPC and db over TCP. */
  void shop() throws InterruptedException {
    namespace(client, "shop", true);
    workload(client, "shop", "frontpage", env("REQUESTS", "http://catalog:8080/#1"));
    workload(client, "shop", "catalog", env("REQUESTS", "grpc://movies:8082#1 tcp://db:5432#2"));
    workload(client, "shop", "movies", env());
    workload(client, "shop", "db", env());
    awaitPods(4);
  }

  @Test
  void aLoadGeneratorSendsItsMethodAndHeadersForItsDurationThenStopsAndSaysHowMany() throws Exception {
    namespace(client, "shop", true);
    workload(client, "shop", "frontpage", env());
    DemoWorkloads.deployment(client, "shop", "load", "v1", env("ROLE", "loadgen", "TARGET", "http://frontpage:8080/api",
        "METHOD", "POST", "HEADERS", "x-tenant=blue", "MIN_RPS", "20", "MAX_RPS", "20", "DURATION_SECONDS", "1"));
    awaitPods(2);
    Pod load = pod("shop", "load");
    Eventually.until(() -> runtime.logs(load, null, null).orElse("").contains("load finished: "), Duration.ofSeconds(20),
        "the load generator reports it is done");
    String summary = runtime.logs(load, null, null).orElseThrow().lines().filter(l -> l.contains("load finished: ")).findFirst().orElseThrow();
    int sent = Integer.parseInt(summary.replaceFirst(".*load finished: (\\d+) requests.*", "$1"));
    assertThat(sent).as(summary).isBetween(10, 30);
    // Every request it counted went out through its sidecar; those that reached frontpage (all but
    // any sent before the Service was known) are reported there too, and none follows the end.
    assertThat(requests("shop", "load", Map.of("reporter", "source"))).isEqualTo(sent);
    double delivered = requests("shop", "load", Map.of("reporter", "source", "destination_workload", "frontpage-v1", "response_code", "200"));
    assertThat(delivered).isGreaterThan(sent / 2.0);
    Eventually.until(() -> {
      try {
        return requests("shop", "frontpage", Map.of("reporter", "destination", "source_workload", "load-v1")) == delivered;
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(10), "frontpage's sidecar reports the " + delivered + " requests that reached it");
    assertThat(runtime.logs(pod("shop", "frontpage"), null, null).orElseThrow()).contains("POST /api");
  }

  @Test
  void injectedPodsReportBothSidesOfHttpCallsWithIstiosLabels() throws Exception {
    shop();
    Pod frontpage = pod("shop", "frontpage");
    assertThat(frontpage.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("frontpage", "istio-proxy");
    // As Istio's injector: the revision is recorded in the status annotation, not as a label.
    assertThat(frontpage.getMetadata().getLabels()).doesNotContainKey("istio.io/rev").containsEntry("security.istio.io/tlsMode", "istio");
    assertThat(frontpage.getMetadata().getAnnotations().get("sidecar.istio.io/status")).contains("\"revision\":\"cp-v115x.istio-system\"");

    assertThat(send("shop", "frontpage", 3)).isEqualTo(200);
    String source = scrape("shop", "frontpage");
    String destination = scrape("shop", "catalog");
    Map<String, String> edge = Map.of("source_workload", "frontpage-v1", "destination_workload", "catalog-v1",
        "destination_service", "catalog.shop.svc.cluster.local", "destination_service_name", "catalog",
        "request_protocol", "http", "response_code", "200");
    assertThat(Exposition.sum(source, "istio_requests_total", with(edge, "reporter", "source"))).isEqualTo(3);
    assertThat(Exposition.sum(destination, "istio_requests_total", with(edge, "reporter", "destination"))).isEqualTo(3);
    // Only the server side knows the connection's security; the client reports "unknown", as Istio does.
    assertThat(Exposition.sum(destination, "istio_requests_total", Map.of("reporter", "destination",
        "connection_security_policy", "mutual_tls", "source_principal", "spiffe://cluster.local/ns/shop/sa/frontpage"))).isEqualTo(3);
    assertThat(Exposition.sum(source, "istio_requests_total", Map.of("reporter", "source", "connection_security_policy", "unknown")))
        .isEqualTo(3);
    assertThat(source).contains("istio_request_duration_milliseconds_bucket{").contains("le=\"0.5\"");
    // frontpage was called from outside the mesh: its inbound series has an unknown source and no mTLS.
    assertThat(Exposition.sum(source, "istio_requests_total", Map.of("reporter", "destination", "source_workload", "unknown",
        "connection_security_policy", "none"))).isEqualTo(3);
  }

  @Test
  void grpcCallsAndTcpConnectionsAreReportedWithTheirOwnMetrics() throws Exception {
    shop();
    send("shop", "frontpage", 4);
    String catalog = scrape("shop", "catalog");
    assertThat(Exposition.sum(catalog, "istio_requests_total", Map.of("reporter", "source", "destination_workload", "movies-v1",
        "request_protocol", "grpc", "response_code", "200", "grpc_response_status", "0"))).isEqualTo(4);
    Map<String, String> tcp = Map.of("reporter", "source", "destination_workload", "db-v1", "request_protocol", "tcp",
        "destination_service", "db.shop.svc.cluster.local");
    assertThat(Exposition.sum(catalog, "istio_tcp_connections_opened_total", tcp)).isEqualTo(8);
    assertThat(Exposition.sum(catalog, "istio_tcp_connections_closed_total", tcp)).isEqualTo(8);
    assertThat(Exposition.sum(catalog, "istio_tcp_received_bytes_total", tcp)).isPositive();
    assertThat(Exposition.sum(catalog, "istio_tcp_sent_bytes_total", tcp)).isPositive();
    String db = scrape("shop", "db");
    assertThat(Exposition.sum(db, "istio_tcp_connections_opened_total", Map.of("reporter", "destination",
        "source_workload", "catalog-v1", "connection_security_policy", "mutual_tls"))).isEqualTo(8);
    assertThat(db).doesNotContain("istio_requests_total{");
    // TCP series carry no response code, as in Istio.
    assertThat(catalog.lines().filter(l -> l.startsWith("istio_tcp_")).toList()).allMatch(l -> !l.contains("response_code="));
  }

  @Test
  void applicationErrorsAreHttp500AndGrpcInternal() throws Exception {
    namespace(client, "shop", true);
    workload(client, "shop", "frontpage", env("REQUESTS", "http://catalog:8080/#1 grpc://catalog:8082#1"));
    workload(client, "shop", "catalog", env("ERROR_RATE", "1"));
    awaitPods(2);
    send("shop", "frontpage", 2);
    String frontpage = scrape("shop", "frontpage");
    assertThat(Exposition.sum(frontpage, "istio_requests_total", Map.of("reporter", "source", "request_protocol", "http",
        "response_code", "500"))).isEqualTo(2);
    assertThat(Exposition.sum(frontpage, "istio_requests_total", Map.of("reporter", "source", "request_protocol", "grpc",
        "response_code", "200", "grpc_response_status", "13"))).isEqualTo(2);
  }

  @Test
  void theKubeletsCadvisorMetricsChargeEachPodsWorkToItsAppAndProxyContainers() throws Exception {
    shop();
    String before = cadvisor();
    Map<String, String> catalogApp = Map.of("namespace", "shop", "pod", pod("shop", "catalog").getMetadata().getName(),
        "container", "catalog");
    Map<String, String> catalogProxy = Map.of("namespace", "shop", "pod", pod("shop", "catalog").getMetadata().getName(),
        "container", "istio-proxy");
    send("shop", "frontpage", 200);
    String after = cadvisor();

    assertThat(Exposition.sum(after, "container_cpu_usage_seconds_total", catalogApp))
        .as("catalog's handlers used CPU").isGreaterThan(Exposition.sum(before, "container_cpu_usage_seconds_total", catalogApp));
    assertThat(Exposition.sum(after, "container_cpu_usage_seconds_total", catalogProxy))
        .as("its sidecar routed and reported 200 calls").isGreaterThan(Exposition.sum(before, "container_cpu_usage_seconds_total",
            catalogProxy));
    assertThat(Exposition.sum(after, "container_memory_working_set_bytes", catalogProxy))
        .as("an Envoy's base plus its stats").isGreaterThan(PodMeter.PROXY_BASE_BYTES);
    assertThat(Exposition.sum(after, "container_memory_working_set_bytes", catalogApp))
        .as("the app's base plus its 200 log lines").isGreaterThan(PodMeter.APP_BASE_BYTES);
    // 200 requests cannot have taken more CPU than the wall time they took on 2 cores.
    assertThat(Exposition.sum(after, "container_cpu_usage_seconds_total", Map.of("namespace", "shop"))).isLessThan(60);
  }

  /** The kubelet's /metrics/cadvisor, as Prometheus scrapes it. */
  private String cadvisor() throws Exception {
    try (var endpoint = new CadvisorEndpoint(mesh.kubelet::usage)) {
      return http.send(HttpRequest.newBuilder(URI.create("http://" + endpoint.address()
          + CadvisorEndpoint.PATH)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  @Test
  void aContainerWithAnUnusableKnobCrashesWithTheReasonAndOthersKeepRunning() throws Exception {
    namespace(client, "shop", true);
    workload(client, "shop", "catalog", env("ERROR_RATE", "lots"));
    workload(client, "shop", "frontpage", env());
    awaitPods(1);
    Eventually.until(() -> {
      var status = pod("shop", "catalog").getStatus();
      return status.getContainerStatuses().stream().anyMatch(c -> c.getState().getWaiting() != null);
    }, Duration.ofSeconds(10), "catalog's container is waiting");
    var c = pod("shop", "catalog").getStatus().getContainerStatuses().stream().filter(s -> s.getName().equals("catalog"))
        .findFirst().orElseThrow();
    assertThat(c.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(c.getState().getWaiting().getMessage()).contains("ERROR_RATE \"lots\"").contains("between 0 and 1");
    assertThat(c.getReady()).isFalse();
    assertThat(send("shop", "frontpage", 1)).isEqualTo(200);
    assertThat(client.pods().inNamespace("shop").withName(pod("shop", "catalog").getMetadata().getName()).inContainer("catalog").getLog())
        .as("kubectl logs shows why it crashed").contains("invalid ERROR_RATE \"lots\"");
  }

  /**
   * As with ISTIO_MUTUAL: each sidecar connects with its own workload certificate, the receiver's
   * sidecar stand-in verifies it against the mesh root and hands the receiver the caller's SPIFFE
   * id in x-forwarded-client-cert; the node metadata names the same service account.
   */
  @Test
  void sidecarsStreamAccessLogsToTheAlsReceiverTheMeshConfigNames() throws Exception {
    String als = "smm-als.smm-system.svc.cluster.local:50600";
    client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane").inNamespace("istio-system")
        .withName("cp-v115x").edit(icp -> {
          icp.getAdditionalProperties().put("spec", Map.of("version", "1.15.3", "meshConfig", Map.of(
              "enableEnvoyAccessLogService", true,
              "defaultConfig", Map.of("envoyAccessLogService", Map.of("address", als)))));
          return icp;
        });
    BlockingQueue<StreamAccessLogsMessage> received = new LinkedBlockingQueue<>();
    Map<String, String> forwardedCertOfPod = new ConcurrentHashMap<>();
    Context.Key<String> xfcc = Context.key("xfcc");
    ServerInterceptor captureXfcc = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String value = headers.get(Metadata.Key.of("x-forwarded-client-cert", Metadata.ASCII_STRING_MARSHALLER));
        return Contexts.interceptCall(Context.current().withValue(xfcc, value == null ? "" : value), call, headers, next);
      }
    };
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new AccessLogServiceGrpc.AccessLogServiceImplBase() {
          @Override
          public StreamObserver<StreamAccessLogsMessage> streamAccessLogs(StreamObserver<StreamAccessLogsResponse> responses) {
            String forwarded = xfcc.get();
            return new StreamObserver<>() {
              String node = "";

              @Override
              public void onNext(StreamAccessLogsMessage m) {
                if (m.hasIdentifier()) {
                  var metadata = m.getIdentifier().getNode().getMetadata();
                  node = metadata.getFieldsOrThrow("NAME").getStringValue();
                  forwardedCertOfPod.put(node, forwarded + " SERVICE_ACCOUNT=" + metadata.getFieldsOrThrow("SERVICE_ACCOUNT").getStringValue());
                }
                // Each batch is stored with the identity of the stream it came on.
                received.add(m.toBuilder().setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder().setLogName(node)).build());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                responses.onCompleted();
              }
            };
          }
        }, captureXfcc)).build().start();
    MeshCa.Workload receiverCert = runtime.meshCa().issue("smm-system", "smm", "smm-als.smm-system.svc.cluster.local");
    AccessLogReceiverSidecar receiverSidecar = new AccessLogReceiverSidecar(receiverCert.key(), receiverCert.certificate(),
        runtime.trust(), runtime.meshCa().spiffeId("smm-system", "smm"), "127.0.0.1:" + server.getPort());
    try {
      runtime.mapMeshAddress(als, receiverSidecar.address());
      shop();
      Pod frontpage = pod("shop", "frontpage");
      Pod catalog = pod("shop", "catalog");
      send("shop", "frontpage", 1);

      List<HTTPAccessLogEntry> outbound = new ArrayList<>();
      List<HTTPAccessLogEntry> inboundAtCatalog = new ArrayList<>();
      List<TCPAccessLogEntry> tcpFromCatalog = new ArrayList<>();
      Eventually.until(() -> {
        StreamAccessLogsMessage m;
        while ((m = received.poll()) != null) {
          String node = m.getIdentifier().getLogName();
          for (var e : m.getHttpLogs().getLogEntryList()) {
            String cluster = e.getCommonProperties().getUpstreamCluster();
            if (node.equals(frontpage.getMetadata().getName()) && cluster.startsWith("outbound|")) {
              outbound.add(e);
            }
            if (node.equals(catalog.getMetadata().getName()) && cluster.startsWith("inbound|")) {
              inboundAtCatalog.add(e);
            }
          }
          if (node.equals(catalog.getMetadata().getName())) {
            tcpFromCatalog.addAll(m.getTcpLogs().getLogEntryList());
          }
        }
        return !outbound.isEmpty() && !inboundAtCatalog.isEmpty() && tcpFromCatalog.size() >= 2;
      }, Duration.ofSeconds(10), "frontpage's outbound, catalog's inbound and its TCP entries arrive");
      var out = outbound.get(0);
      assertThat(out.getCommonProperties().getUpstreamCluster()).isEqualTo("outbound|8080||catalog.shop.svc.cluster.local");
      assertThat(out.getRequest().getAuthority()).isEqualTo("catalog.shop.svc.cluster.local:8080");
      assertThat(out.getRequest().getRequestMethod()).isEqualTo(RequestMethod.GET);
      assertThat(out.getRequest().getPath()).isEqualTo("/");
      assertThat(out.getResponse().getResponseCode().getValue()).isEqualTo(200);
      // Addresses as Envoy logs them: pod IPs and container ports, never the sandbox's loopback sockets.
      assertThat(out.getCommonProperties().getUpstreamRemoteAddress().getSocketAddress().getAddress())
          .isEqualTo(catalog.getStatus().getPodIP()).doesNotStartWith("127.");
      assertThat(out.getCommonProperties().getUpstreamRemoteAddress().getSocketAddress().getPortValue()).isEqualTo(8080);
      var in = inboundAtCatalog.get(0);
      assertThat(in.getCommonProperties().getDownstreamRemoteAddress().getSocketAddress().getAddress())
          .isEqualTo(frontpage.getStatus().getPodIP());
      assertThat(in.getCommonProperties().getUpstreamRemoteAddress().getSocketAddress().getAddress())
          .isEqualTo(catalog.getStatus().getPodIP());
      assertThat(in.getResponse().getResponseCode().getValue()).isEqualTo(200);
      assertThat(in.getRequest().getRequestId()).as("the request id travels with the request").isEqualTo(out.getRequest().getRequestId());
      assertThat(in.getCommonProperties().hasTlsProperties()).as("sidecar to sidecar is mutual TLS").isTrue();
      assertThat(tcpFromCatalog.get(0).getCommonProperties().getUpstreamCluster()).isEqualTo("outbound|5432||db.shop.svc.cluster.local");
      assertThat(tcpFromCatalog.get(0).getConnectionProperties().getSentBytes()).isPositive();
      assertThat(tcpFromCatalog.get(0).getCommonProperties().getUpstreamRemoteAddress().getSocketAddress().getAddress())
          .doesNotStartWith("127.").doesNotStartWith("/");
      assertThat(forwardedCertOfPod.get(frontpage.getMetadata().getName()))
          .startsWith("By=spiffe://cluster.local/ns/smm-system/sa/smm;Hash=")
          .endsWith(";URI=spiffe://cluster.local/ns/shop/sa/frontpage SERVICE_ACCOUNT=frontpage");
    } finally {
      receiverSidecar.close();
      server.shutdownNow();
    }
  }

  @Test
  void podsOutsideTheMeshGetNoSidecarAndReportNothing() throws Exception {
    namespace(client, "plain", false);
    workload(client, "plain", "frontpage", env("REQUESTS", "http://catalog:8080/#1"));
    workload(client, "plain", "catalog", env());
    awaitPods(2);
    Pod frontpage = pod("plain", "frontpage");
    assertThat(frontpage.getSpec().getContainers()).hasSize(1);
    assertThat(send("plain", "frontpage", 1)).isEqualTo(200);
    assertThat(runtime.address(frontpage, ScrapeTargets.ENVOY_STATS_PORT)).as("no Envoy, no stats port").isEmpty();
  }

  @Test
  void kubectlLogsShowsTheApplicationsRequestsAndTheSidecarsAccessLog() throws Exception {
    shop();
    send("shop", "frontpage", 3);
    var frontpage = client.pods().inNamespace("shop").withName(pod("shop", "frontpage").getMetadata().getName());
    String app = frontpage.inContainer("frontpage").getLog();
    assertThat(app).contains("smm-demo frontpage v1 starting: grpc :8082, http :8080, tcp :5432; REQUESTS=[http://catalog:8080/#1]");
    assertThat(app.lines().filter(l -> l.endsWith("ms") && l.contains(" GET / 200 "))).hasSize(3);
    assertThat(frontpage.inContainer("frontpage").tailingLines(1).getLog().lines()).hasSize(1);
    assertThat(frontpage.inContainer("frontpage").limitBytes(10).getLog()).hasSize(10);
    // As kube-apiserver: a pod of two containers needs one named (kubectl names its default container itself).
    Assertions.assertThatThrownBy(frontpage::getLog)
        .hasMessageContaining("a container name must be specified for pod " + frontpage.get().getMetadata().getName()
            + ", choose one of: [frontpage, istio-proxy]");
    Assertions.assertThatThrownBy(() -> frontpage.inContainer("app").getLog()).hasMessageContaining("container app is not valid for pod");
    String proxy = frontpage.inContainer("istio-proxy").getLog();
    assertThat(proxy).contains("\"GET / HTTP/1.1\" 200 - ").contains("outbound|8080||catalog.shop.svc.cluster.local")
        .contains("inbound|8080||");
    Assertions.assertThatThrownBy(() -> client.pods().inNamespace("shop").withName("no-such-pod").getLog())
        .hasMessageContaining("pods \"no-such-pod\" not found");
  }

  static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> m = new HashMap<>(labels);
    m.put(key, value);
    return m;
  }
}

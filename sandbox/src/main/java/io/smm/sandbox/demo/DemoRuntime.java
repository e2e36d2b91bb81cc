package io.smm.sandbox.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smm.sandbox.kubelet.PodRuntime;
import io.smm.sandbox.prometheus.ScrapeTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the demo application's pods in this JVM: each pod is a real HTTP server on 127.0.0.1 that
 * calls its downstream services over HTTP; a pod with an istio-proxy container also gets a
 * simulated sidecar that records Istio's standard metrics from both reporters and serves them
 * like Envoy's :15090/stats/prometheus. Services are resolved through the cluster's Service
 * selectors, as kube-proxy and Envoy's EDS would.
 */
public class DemoRuntime implements PodRuntime, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoRuntime.class);
  static final String SOURCE_HEADER = "x-smm-source";
  static final String SERVICE_HEADER = "x-smm-destination-service";

  private final String cluster;
  private final KubernetesClient client;
  /** Mesh addresses (host:port as the mesh config names them) of receivers that run on this machine. */
  private final Map<String, String> localAddresses = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Service> services;
  private final RoutingTable routing;
  private final Map<String, RunningPod> pods = new ConcurrentHashMap<>();
  /** Round robin per Service, as Envoy balances per cluster. */
  private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "demo-workload");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().executor(workers).connectTimeout(Duration.ofSeconds(2)).build();

  /** A pod this runtime runs. */
  final class RunningPod {
    final Pod pod;
    final MeshIdentity identity;
    final DemoBehaviour behaviour;
    final SidecarMetrics sidecar;
    final HttpServer app;
    final HttpServer metrics;
    final AccessLogSender accessLog;
    volatile boolean running = true;

    RunningPod(Pod pod) {
      this.pod = pod;
      this.identity = MeshIdentity.of(pod, cluster);
      this.behaviour = DemoBehaviour.of(pod);
      this.sidecar = ScrapeTargets.hasSidecar(pod) ? new SidecarMetrics() : null;
      this.app = listen();
      app.createContext("/", this::inbound);
      app.start();
      accessLog = sidecar == null ? null : accessLogSender(pod, identity);
      if (sidecar != null) {
        metrics = listen();
        metrics.createContext("/stats/prometheus", ex -> respond(ex, 200, sidecar.scrape()));
        metrics.start();
      } else {
        metrics = null;
      }
      if ("loadgen".equals(behaviour.role())) {
        workers.submit(this::generateLoad);
      }
    }

    private HttpServer listen() {
      try {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s.setExecutor(workers);
        return s;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The application behind the inbound sidecar. */
    private void inbound(HttpExchange ex) throws IOException {
      long t0 = System.nanoTime();
      ex.getRequestBody().readAllBytes();
      String sourceHeader = ex.getRequestHeaders().getFirst(SOURCE_HEADER);
      MeshIdentity source = sourceHeader == null ? MeshIdentity.UNKNOWN : decode(sourceHeader);
      String service = Objects.requireNonNullElse(ex.getRequestHeaders().getFirst(SERVICE_HEADER), identity.app() + "."
          + identity.namespace() + ".svc.cluster.local");
      sleep(behaviour.latencyMs());
      for (String call : behaviour.calls()) {
        outbound(call);
      }
      int code = ThreadLocalRandom.current().nextDouble() < behaviour.errorRate() ? 500 : 200;
      byte[] body = ("{\"pod\":\"" + identity.pod() + "\",\"code\":" + code + "}").getBytes();
      respond(ex, code, body);
      if (sidecar != null) {
        double ms = millisSince(t0);
        sidecar.record(new SidecarMetrics.Request("destination", source, identity, service, "http", code, "-",
            sourceHeader != null, ms, 0, body.length));
        if (accessLog != null) {
          accessLog.log(new AccessLogSender.Entry(false, Instant.now().minusNanos((long) (ms * 1e6)), ms, service + ":8080",
              "inbound|8080||", "127.0.0.1:" + app.getAddress().getPort(), ex.getRemoteAddress().getAddress().getHostAddress() + ":"
              + ex.getRemoteAddress().getPort(), code, body.length, "-"));
        }
      }
    }

    /** An outbound call through this pod's sidecar (or straight, without one). */
    int outbound(String call) {
      long t0 = System.nanoTime();
      String serviceName = call.contains(".") ? call.substring(0, call.indexOf('.')) : call;
      String namespace = call.contains(".") ? call.substring(call.indexOf('.') + 1) : identity.namespace();
      RunningPod target = null;
      int code;
      String flags = "-";
      long bytes = 0;
      // Without a sidecar nothing applies Istio's routing: the call goes straight to the Service.
      RoutingTable.Decision route = sidecar == null ? RoutingTable.Decision.direct(serviceName, namespace)
          : routing.decide(identity.namespace(), serviceName, namespace, "/", "GET");
      String fqdn = route.serviceName() + "." + route.serviceNamespace() + ".svc.cluster.local";
      sleep((int) route.delayMs());
      if (route.abortStatus() > 0) {
        code = route.abortStatus();
        flags = "FI"; // fault injected
      } else if ((target = pick(route.serviceNamespace(), route.serviceName(), route.subsetLabels())) == null) {
        code = 503;
        flags = "UH"; // no healthy upstream
      } else {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.app.getAddress().getPort() + "/"))
            .timeout(Duration.ofSeconds(10)).header(SERVICE_HEADER, fqdn);
        if (sidecar != null && target.sidecar != null) {
          request.header(SOURCE_HEADER, encode(identity)); // peer metadata exchange, only sidecar to sidecar
        }
        try {
          HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
          code = r.statusCode();
          bytes = r.body().length;
        } catch (IOException e) {
          code = 503;
          flags = "UF"; // upstream connection failure
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 0;
        }
      }
      if (sidecar != null) {
        MeshIdentity destination = target == null ? new MeshIdentity("unknown", route.serviceNamespace(), route.serviceName(),
            "unknown", "unknown", "unknown", cluster) : target.identity;
        double ms = millisSince(t0);
        sidecar.record(new SidecarMetrics.Request("source", identity, destination, fqdn, "http", code, flags,
            target != null && target.sidecar != null, ms, 0, bytes));
        if (accessLog != null) {
          accessLog.log(new AccessLogSender.Entry(true, Instant.now().minusNanos((long) (ms * 1e6)), ms, fqdn + ":8080",
              "outbound|8080||" + fqdn, target == null ? null : "127.0.0.1:" + target.app.getAddress().getPort(), null, code,
              bytes, flags));
        }
      }
      return code;
    }

    private void generateLoad() {
      long start = System.nanoTime();
      Semaphore inFlight = new Semaphore(64);
      while (running) {
        double rps = Math.max(0.1, behaviour.rpsAt((System.nanoTime() - start) / 1e9));
        if (inFlight.tryAcquire()) {
          workers.submit(() -> {
            try {
              outbound(behaviour.target());
            } finally {
              inFlight.release();
            }
          });
        }
        sleep((int) Math.round(1000 / rps));
      }
    }

    void stop() {
      running = false;
      if (accessLog != null) {
        accessLog.close();
      }
      app.stop(0);
      if (metrics != null) {
        metrics.stop(0);
      }
    }
  }

  public DemoRuntime(KubernetesClient client, String cluster) {
    // The JDK's HTTP server writes headers and body separately; without TCP_NODELAY every small
    // response waits ~40 ms for a delayed ACK (Nagle), which would cap a workload at ~25 req/s per
    // connection. Read once when the first server starts, hence set before any is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    this.cluster = cluster;
    this.client = client;
    this.services = client.services().inAnyNamespace().inform();
    this.routing = new RoutingTable(client);
  }

  /**
   * Declares that the receiver the mesh config calls {@code meshAddress} (e.g. the ALS service
   * smm-als.smm-system.svc.cluster.local:50600) listens at {@code localAddress} on this machine.
   * Sidecars started afterwards send to it.
   */
  public void mapMeshAddress(String meshAddress, String localAddress) {
    localAddresses.put(meshAddress, localAddress);
  }

  /** An access log stream when the pod's control plane enables Envoy's ALS and its receiver is reachable. */
  private AccessLogSender accessLogSender(Pod pod, MeshIdentity identity) {
    String revision = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("istio.io/rev");
    if (revision == null || !revision.contains(".")) {
      return null;
    }
    try {
      var icp = client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane")
          .inNamespace(revision.substring(revision.indexOf('.') + 1)).withName(revision.substring(0, revision.indexOf('.'))).get();
      if (icp == null) {
        return null;
      }
      var mesh = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties().get("spec"))
          .path("meshConfig");
      String address = mesh.at("/defaultConfig/envoyAccessLogService/address").asText("");
      String local = localAddresses.get(address);
      if (!mesh.path("enableEnvoyAccessLogService").asBoolean(false) || local == null) {
        return null;
      }
      String podIp = pod.getStatus() == null || pod.getStatus().getPodIP() == null ? "127.0.0.1" : pod.getStatus().getPodIP();
      return new AccessLogSender(local, identity, podIp, revision);
    } catch (RuntimeException e) {
      LOG.warn("no access logs from {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.getMessage());
      return null;
    }
  }

  @Override
  public boolean runs(Pod pod) {
    return DemoBehaviour.isDemo(pod);
  }

  @Override
  public void start(Pod pod) {
    pods.put(pod.getMetadata().getUid(), new RunningPod(pod));
    LOG.debug("demo pod {}/{} started", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
  }

  @Override
  public void stop(Pod pod) {
    RunningPod p = pods.remove(pod.getMetadata().getUid());
    if (p != null) {
      p.stop();
    }
  }

  @Override
  public Optional<String> address(Pod pod, int port) {
    RunningPod p = pods.get(pod.getMetadata().getUid());
    if (p == null) {
      return Optional.empty();
    }
    if (port == ScrapeTargets.ENVOY_STATS_PORT) {
      return p.metrics == null ? Optional.empty() : Optional.of("127.0.0.1:" + p.metrics.getAddress().getPort());
    }
    return Optional.of("127.0.0.1:" + p.app.getAddress().getPort());
  }

  /** A running pod behind the Service, round robin; null when the Service or its endpoints are missing. */
  RunningPod pick(String namespace, String serviceName, Map<String, String> subsetLabels) {
    Service svc = services.getStore().getByKey(namespace + "/" + serviceName);
    if (svc == null || svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty()) {
      return null;
    }
    Map<String, String> selector = svc.getSpec().getSelector();
    List<RunningPod> endpoints = pods.values().stream()
        .filter(p -> p.running && namespace.equals(p.pod.getMetadata().getNamespace()))
        .filter(p -> p.pod.getMetadata().getLabels() != null && p.pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())
            && p.pod.getMetadata().getLabels().entrySet().containsAll(subsetLabels.entrySet()))
        .toList();
    if (endpoints.isEmpty()) {
      return null;
    }
    int next = roundRobin.computeIfAbsent(namespace + "/" + serviceName, k -> new AtomicInteger()).getAndIncrement();
    return endpoints.get(Math.floorMod(next, endpoints.size()));
  }

  int runningPods() {
    return pods.size();
  }

  @Override
  public void close() {
    pods.values().forEach(RunningPod::stop);
    pods.clear();
    services.close();
    routing.close();
    workers.shutdownNow();
  }

  static String encode(MeshIdentity id) {
    return String.join("|", id.workload(), id.namespace(), id.app(), id.version(), id.principal(), id.pod(), id.cluster());
  }

  static MeshIdentity decode(String header) {
    String[] f = header.split("\\|", -1);
    if (f.length != 7) {
      return MeshIdentity.UNKNOWN;
    }
    return new MeshIdentity(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
  }

  private static void respond(HttpExchange ex, int code, byte[] body) throws IOException {
    ex.sendResponseHeaders(code, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  private static double millisSince(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  private static void sleep(int ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

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
    volatile boolean running = true;

    RunningPod(Pod pod) {
      this.pod = pod;
      this.identity = MeshIdentity.of(pod, cluster);
      this.behaviour = DemoBehaviour.of(pod);
      this.sidecar = ScrapeTargets.hasSidecar(pod) ? new SidecarMetrics() : null;
      this.app = listen();
      app.createContext("/", this::inbound);
      app.start();
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
        sidecar.record(new SidecarMetrics.Request("destination", source, identity, service, "http", code, "-",
            sourceHeader != null, millisSince(t0), 0, body.length));
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
        sidecar.record(new SidecarMetrics.Request("source", identity, destination, fqdn, "http", code, flags,
            target != null && target.sidecar != null, millisSince(t0), 0, bytes));
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
      app.stop(0);
      if (metrics != null) {
        metrics.stop(0);
      }
    }
  }

  public DemoRuntime(KubernetesClient client, String cluster) {
    this.cluster = cluster;
    this.services = client.services().inAnyNamespace().inform();
    this.routing = new RoutingTable(client);
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

package io.smm.sandbox.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.smm.sandbox.envoy.Answer;
import io.smm.sandbox.envoy.Call;
import io.smm.sandbox.envoy.Endpoint;
import io.smm.sandbox.envoy.LogBuffer;
import io.smm.sandbox.envoy.MeshIdentity;
import io.smm.sandbox.envoy.Pause;
import io.smm.sandbox.envoy.SidecarProxy;
import io.smm.sandbox.envoy.Tracer;
import io.smm.sandbox.envoy.Wire;
import io.smm.sandbox.kubelet.ContainerUsage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One demo pod running in this JVM: the application (listeners for the container's ports on
 * 127.0.0.1 — gRPC for ports named grpc*, raw TCP for tcp*, mysql*, postgres*, HTTP otherwise —
 * that wait LATENCY_MS, make the REQUESTS calls and answer, failing ERROR_RATE of the time) and,
 * when injected, its sidecar's inbound half: mTLS enforcement by PeerAuthentication and the
 * destination reporter's metrics and access log.
 */
final class DemoPod implements Endpoint {

  record Listener(String protocol, int containerPort, int localPort, AutoCloseable server) {}

  /** What the application answered; {@code rejected} when the sidecar refused the connection. */

  final Pod pod;
  final MeshIdentity identity;
  final DemoBehaviour behaviour;
  final SidecarProxy sidecar;
  final Map<Integer, Listener> listeners = new HashMap<>();
  /** Envoy's :15090/stats/prometheus of the sidecar; null without one. */
  final Listener stats;
  private final DemoRuntime runtime;
  private final ExecutorService workers;
  /** The application container's stdout: a start line and one line per request served. */
  final LogBuffer log = new LogBuffer(1000);
  /** CPU and memory of the app and istio-proxy containers (cAdvisor). */
  final PodMeter meter = new PodMeter();
  volatile boolean running = true;
  /** The application process is stopped (a VM's service shut down for maintenance); the pod's sockets stay. */
  volatile boolean down;

  @Override
  public Pod pod() {
    return pod;
  }

  @Override
  public MeshIdentity identity() {
    return identity;
  }

  @Override
  public SidecarProxy sidecar() {
    return sidecar;
  }

  DemoPod(Pod pod, DemoBehaviour behaviour, DemoRuntime runtime, SidecarProxy sidecar, ExecutorService workers) {
    this.pod = pod;
    this.identity = sidecar == null ? MeshIdentity.of(pod, runtime.cluster()) : sidecar.identity();
    this.behaviour = behaviour;
    this.runtime = runtime;
    this.sidecar = sidecar;
    this.workers = workers;
    try {
      for (Container c : pod.getSpec().getContainers()) {
        if (!DemoBehaviour.isDemoContainer(c) || c.getPorts() == null) {
          continue;
        }
        for (ContainerPort p : c.getPorts()) {
          String protocol = protocolOf(p.getName());
          listeners.put(p.getContainerPort(), switch (protocol) {
            case "grpc" -> grpc(p.getContainerPort());
            case "tcp" -> tcp(p.getContainerPort());
            default -> http(p.getContainerPort());
          });
        }
      }
      stats = sidecar == null ? null : statsListener(sidecar);
      log.add(Instant.now() + " smm-demo " + identity.app() + " " + identity.version() + " starting: "
          + (listeners.isEmpty() ? "no ports" : String.join(", ", listeners.values().stream()
              .map(l -> l.protocol() + " :" + l.containerPort()).sorted().toList()))
          + (behaviour.requests().isEmpty() ? "" : "; REQUESTS=" + behaviour.requests()) + ("loadgen".equals(behaviour.role())
              ? "; load on " + behaviour.target() + " at " + behaviour.minRps() + "-" + behaviour.maxRps() + " rps" : ""));
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private Listener statsListener(SidecarProxy proxy) {
    try {
      HttpServer s = HttpServer.create(runtime.listenAddress(15090), 16);
      s.setExecutor(workers);
      s.createContext("/stats/prometheus", ex -> {
        byte[] body = proxy.metrics().scrape();
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
      });
      s.start();
      return new Listener("http", 15090, s.getAddress().getPort(), () -> s.stop(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Istio's protocol selection by port name prefix. */
  static String protocolOf(String portName) {
    String name = portName == null ? "" : portName.toLowerCase(Locale.ROOT);
    if (name.startsWith("grpc")) {
      return "grpc";
    }
    if (name.startsWith("tcp") || name.startsWith("mysql") || name.startsWith("postgres") || name.startsWith("mongo")
        || name.startsWith("redis")) {
      return "tcp";
    }
    return "http";
  }

  private Listener http(int containerPort) {
    try {
      HttpServer s = HttpServer.create(runtime.listenAddress(containerPort), 128);
      s.setExecutor(workers);
      s.createContext("/", ex -> onHttp(ex, containerPort));
      s.start();
      return new Listener("http", containerPort, s.getAddress().getPort(), () -> s.stop(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Listener grpc(int containerPort) {
    ServerCallHandler<byte[], byte[]> handler = new ServerCallHandler<>() {
      @Override
      public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
        call.request(1);
        Map<String, String> h = new HashMap<>();
        for (String key : headers.keys()) {
          if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            h.put(key, headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER)));
          }
        }
        return new ServerCall.Listener<>() {
          @Override
          public void onHalfClose() {
            long t0 = System.nanoTime();
            Answer a = serve("grpc", containerPort, "/" + Wire.GRPC_CALL.getFullMethodName(), "POST", h,
                String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)).replaceFirst("^/", ""), t0);
            if (a.rejected()) {
              call.close(Status.UNAVAILABLE.withDescription("connection reset: the server's sidecar requires mutual TLS"), new Metadata());
              return;
            }
            if (a.grpcStatus() != 0) {
              call.close(Status.fromCodeValue(a.grpcStatus()).withDescription("demo error"), new Metadata());
              return;
            }
            call.sendHeaders(new Metadata());
            call.sendMessage(body(200));
            call.close(Status.OK, new Metadata());
          }
        };
      }
    };
    try {
      Server s = NettyServerBuilder.forAddress(runtime.listenAddress(containerPort)).executor(workers)
          .addService(ServerServiceDefinition.builder(Wire.GRPC_CALL.getServiceName()).addMethod(Wire.GRPC_CALL, handler).build())
          .build().start();
      return new Listener("grpc", containerPort, s.getPort(), s::shutdownNow);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Listener tcp(int containerPort) {
    try {
      InetSocketAddress at = runtime.listenAddress(containerPort);
      ServerSocket server = new ServerSocket(at.getPort(), 128, at.getAddress());
      workers.submit(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            workers.submit(() -> onTcp(s, containerPort));
          } catch (IOException e) {
            return; // closed
          }
        }
      });
      return new Listener("tcp", containerPort, server.getLocalPort(), server::close);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void onHttp(HttpExchange ex, int containerPort) throws IOException {
    long t0 = System.nanoTime();
    ex.getRequestBody().readAllBytes();
    String agent = ex.getRequestHeaders().getFirst("User-Agent");
    if (agent != null && agent.startsWith("kube-probe/")) {
      // Health probes reach the application itself, not through the sidecar (pilot-agent's prober
      // calls the app directly): no metrics, no access log.
      byte[] body = body(down ? 503 : 200);
      ex.sendResponseHeaders(down ? 503 : 200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
      return;
    }
    Map<String, String> headers = new HashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
    Answer a = serve("http", containerPort, ex.getRequestURI().getRawPath(), ex.getRequestMethod(), headers,
        ex.getRemoteAddress().getAddress().getHostAddress() + ":" + ex.getRemoteAddress().getPort(), t0);
    if (a.rejected()) {
      ex.close(); // no response: the client sees its connection reset
      return;
    }
    byte[] body = body(a.httpStatus());
    ex.sendResponseHeaders(a.httpStatus(), body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  private void onTcp(Socket socket, int containerPort) {
    meter.app(() -> {
      answerTcp(socket, containerPort);
      return null;
    });
  }

  private void answerTcp(Socket socket, int containerPort) {
    long t0 = System.nanoTime();
    try (socket; InputStream in = new BufferedInputStream(socket.getInputStream())) {
      String first = readLine(in);
      long received = first.length() + 1;
      Map<String, String> headers = new HashMap<>();
      if (first.startsWith(Wire.TCP_PREAMBLE)) {
        headers.put(Wire.PEER, first.substring(Wire.TCP_PREAMBLE.length()));
        headers.put(Wire.TLS, "mutual");
        String query = readLine(in);
        received += query.length() + 1;
      }
      if (sidecar != null && sidecar.rejectsPlaintext(headers)) {
        return; // closed without a byte: what a client sees when the server requires mTLS
      }
      Pause.sleep(behaviour.latencyMs());
      runCalls(headers);
      byte[] answer = ("{\"pod\":\"" + identity.pod() + "\",\"rows\":" + ThreadLocalRandom.current().nextInt(1, 20) + "}\n")
          .getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(answer);
      socket.getOutputStream().flush();
      if (sidecar != null) {
        long receivedBytes = received;
        meter.proxy(() -> sidecar.inboundConnection(headers, receivedBytes, answer.length,
            socket.getInetAddress().getHostAddress() + ":" + socket.getPort(), t0));
      }
      log.add(Instant.now() + " tcp query answered, " + received + "B in " + answer.length + "B out");
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.append((char) c);
      if (line.length() > 4096) {
        break;
      }
    }
    return line.toString();
  }

  /** The application's work for one HTTP or gRPC request, between the inbound sidecar's checks and its report. */
  private Answer serve(String protocol, int containerPort, String path, String method, Map<String, String> headers, String downstream,
      long t0) {
    return meter.app(() -> answer(protocol, containerPort, path, method, headers, downstream, t0));
  }

  private Answer answer(String protocol, int containerPort, String path, String method, Map<String, String> headers,
      String downstream, long t0) {
    if (sidecar != null && sidecar.rejectsPlaintext(headers)) {
      return new Answer(0, null, 0, true);
    }
    // The sidecar joins or starts the request's trace before the application sees it.
    Tracer.Inbound trace = sidecar == null ? null : sidecar.inboundTrace(headers);
    Pause.sleep(behaviour.latencyMs());
    if (!headers.containsKey("x-smm-shadow") && !down) {
      runCalls(headers);
    }
    // A stopped application: its sidecar finds nothing listening behind it and answers 503.
    boolean error = down || ThreadLocalRandom.current().nextDouble() < behaviour.errorRate();
    Answer a = protocol.equals("grpc") ? new Answer(200, down ? 14 : error ? 13 : 0, error ? 0 : body(200).length, false)
        : new Answer(down ? 503 : error ? 500 : 200, null, body(down ? 503 : error ? 500 : 200).length, false);
    if (sidecar != null) {
      meter.proxy(() -> sidecar.inboundRequest(protocol, containerPort, path, method, headers, a, downstream, t0, trace));
    }
    log.add(Instant.now() + " " + method + " " + path + " " + (protocol.equals("grpc") ? "grpc-status=" + a.grpcStatus()
        : Integer.toString(a.httpStatus())) + String.format(Locale.ROOT, " %.1fms", (System.nanoTime() - t0) / 1e6));
    return a;
  }

  private byte[] body(int code) {
    return ("{\"pod\":\"" + identity.pod() + "\",\"code\":" + code + "}").getBytes(StandardCharsets.UTF_8);
  }

  /** The REQUESTS calls, in order, each its count times; headers a tracing-aware app propagates go along. */
  void runCalls(Map<String, String> inbound) {
    Map<String, String> propagated = new HashMap<>();
    inbound.forEach((k, v) -> {
      if ((k.startsWith("x-") && !k.startsWith("x-smm-") && !k.startsWith("x-envoy-")) || k.equals("end-user")
          || k.equals("traceparent")) {
        propagated.put(k, v);
      }
    });
    propagated.putAll(behaviour.headers());
    for (Call call : behaviour.requests()) {
      for (int i = 0; i < call.count() && running; i++) {
        runtime.call(this, call, propagated);
      }
    }
  }

  /** What the pod's containers have used so far. */
  List<ContainerUsage> usage() {
    String app = pod.getSpec().getContainers().stream().filter(DemoBehaviour::isDemoContainer).map(Container::getName).findFirst()
        .orElse(pod.getSpec().getContainers().get(0).getName());
    return meter.usage(app, 2 * log.chars(), sidecar == null ? OptionalLong.empty()
        : OptionalLong.of(2 * sidecar.accessLogText.chars() + sidecar.metrics().scrape().length));
  }

  List<Listener> listeners() {
    return List.copyOf(listeners.values());
  }

  void stop() {
    running = false;
    List<Listener> all = new ArrayList<>(listeners.values());
    if (stats != null) {
      all.add(stats);
    }
    for (Listener l : all) {
      try {
        l.server().close();
      } catch (Exception e) {
        // already closed
      }
    }
    if (sidecar != null) {
      sidecar.close();
    }
  }
}

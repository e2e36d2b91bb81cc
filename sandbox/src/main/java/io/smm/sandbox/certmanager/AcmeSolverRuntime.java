package io.smm.sandbox.certmanager;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.smm.sandbox.kubelet.PodRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs cert-manager's HTTP-01 solver pods (image cert-manager-acmesolver) as the real acmesolver
 * does: it answers GET /.well-known/acme-challenge/TOKEN with the key authorization for requests
 * whose Host is the domain, from its --listen-port, --domain, --token and --key arguments, and 404
 * otherwise. Each pod listens on a port of its own on 127.0.0.1 ({@link #address}).
 */
public final class AcmeSolverRuntime implements PodRuntime, AutoCloseable {

  static final String IMAGE = "quay.io/jetstack/cert-manager-acmesolver:v1.11.0";

  private final Map<String, Solver> solvers = new ConcurrentHashMap<>();

  private record Solver(int containerPort, HttpServer server) {}

  @Override
  public boolean runs(Pod pod) {
    return pod.getSpec().getContainers().stream().anyMatch(c -> c.getImage() != null && c.getImage().contains("cert-manager-acmesolver"));
  }

  @Override
  public void start(Pod pod) {
    Container c = pod.getSpec().getContainers().get(0);
    Map<String, String> args = new java.util.HashMap<>();
    for (String a : c.getArgs() == null ? List.<String>of() : c.getArgs()) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        args.put(a.substring(2, eq), a.substring(eq + 1));
      }
    }
    String path = "/.well-known/acme-challenge/" + args.getOrDefault("token", "");
    String domain = args.getOrDefault("domain", "");
    String key = args.getOrDefault("key", "");
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).orElse("").replaceFirst(":\\d+$", "");
        boolean match = exchange.getRequestURI().getPath().equals(path) && host.equalsIgnoreCase(domain);
        byte[] body = (match ? key : "not found").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(match ? 200 : 404, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      solvers.put(key(pod), new Solver(Integer.parseInt(args.getOrDefault("listen-port", "8089")), server));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop(Pod pod) {
    Solver s = solvers.remove(key(pod));
    if (s != null) {
      s.server().stop(0);
    }
  }

  @Override
  public Optional<String> address(Pod pod, int port) {
    Solver s = solvers.get(key(pod));
    return s == null || s.containerPort() != port ? Optional.empty() : Optional.of("127.0.0.1:" + s.server().getAddress().getPort());
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  @Override
  public void close() {
    solvers.values().forEach(s -> s.server().stop(0));
    solvers.clear();
  }
}

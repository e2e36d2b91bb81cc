package io.smm.sandbox.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.envoy.Upstreams;
import io.smm.sandbox.istiod.MeshCa;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM's {@code istio} service: pilot-agent and Envoy as the istio-sidecar package runs them,
 * started from the files smm-agent wrote (cluster.env, the mesh config, the token). It joins the
 * application's traffic (the app's pod gets its sidecar: metrics on :15090, mTLS, routing),
 * registers with istiod as its WorkloadGroup's member (auto-registration, with the token and the
 * proxy's metadata), and runs the group's readiness probe, reporting each result to istiod, which
 * keeps the WorkloadEntry's Healthy condition. Stopping it closes the connection: istiod removes
 * the entry. If istiod refuses it or drops it (a rejected token, a deleted WorkloadGroup), it
 * stops and says why in the VM's log, as pilot-agent exits.
 */
final class VmSidecar implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VmSidecar.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Who the VM is in the mesh, from its cluster.env. */
  record Identity(String namespace, String group, String serviceAccount, String revision, String cluster, String network,
      String istioVersion, Map<String, String> labels, Map<String, String> metadata, String ip) {}

  private final Identity identity;
  private final Pod pod;
  private final Socket registration;
  private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("vm-prober"));
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Path log;
  private volatile boolean running = true;

  VmSidecar(SandboxVm.Options options, KubernetesClient client, SandboxVm vm) {
    Path root = options.root();
    this.log = root.resolve("var/log/istio.log");
    Map<String, String> env = clusterEnv(read(root, "var/lib/istio/envoy/cluster.env"));
    JsonNode mesh;
    try {
      mesh = YAML.readTree(read(root, "etc/istio/config/mesh")).path("defaultConfig");
    } catch (IOException e) {
      throw new IllegalStateException("the mesh config /etc/istio/config/mesh is not YAML: " + e.getMessage());
    }
    String token = read(root, "var/run/secrets/tokens/istio-token").strip();
    Map<String, String> labels = new LinkedHashMap<>();
    try {
      Serialization.jsonMapper().readTree(env.getOrDefault("ISTIO_METAJSON_LABELS", "{}")).fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      throw new IllegalStateException("ISTIO_METAJSON_LABELS in cluster.env is not JSON: " + e.getMessage());
    }
    String discovery = env.getOrDefault("CA_ADDR", mesh.path("discoveryAddress").asText(""));
    // istiod-<revision name>.<namespace>.svc:15012 names the revision the VM belongs to
    String host = discovery.contains(":") ? discovery.substring(0, discovery.indexOf(':')) : discovery;
    String[] parts = host.split("\\.");
    String revision = parts.length >= 2 && parts[0].startsWith("istiod-") ? parts[0].substring("istiod-".length()) + "." + parts[1] : "default";
    String ip = env.getOrDefault("ISTIO_SVC_IP", options.address().getHostAddress());
    this.identity = new Identity(env.getOrDefault("POD_NAMESPACE", "default"), env.getOrDefault("ISTIO_META_AUTO_REGISTER_GROUP", ""),
        env.getOrDefault("SERVICE_ACCOUNT", "default"), revision, env.getOrDefault("ISTIO_META_CLUSTER_ID", "Kubernetes"),
        env.getOrDefault("ISTIO_META_NETWORK", ""), vm.installedVersion("istio-sidecar"), labels, env, ip);
    // Through the VM's network: istiod's name is the meshexpansion gateway's address in /etc/hosts, its 15012 leads to istiod,
    // which registers the VM and certifies its key (pilot-agent's CSR) as the group's service account.
    VmNetwork network = new VmNetwork(root, client);
    MeshCa.SigningRequest csr = MeshCa.signingRequest();
    Registered registered = register(discovery.contains(":") ? discovery : discovery + ":15012", network, token, options.hostname(), csr);
    registration = registered.socket();
    try {
      JsonNode answer = registered.answer();
      if (answer.path("certificateChain").isTextual()) {
        X509Certificate meshRoot = MeshCa.certificate(answer.path("rootCert").asText());
        X509Certificate certificate = MeshCa.certificate(answer.path("certificateChain").asText());
        vm.runtime().meshCa(MeshCa.issuedElsewhere(meshRoot, env.getOrDefault("TRUST_DOMAIN", "cluster.local"), identity.namespace(),
            identity.serviceAccount(), new MeshCa.Workload(csr.keys().getPrivate(), certificate)));
      }
      // The collectors Envoy's bootstrap names (access logs, spans) resolve, as istiod's name does, to the meshexpansion gateway.
      for (String collector : List.of(mesh.at("/envoyAccessLogService/address").asText(""),
          mesh.at("/tracing/zipkin/address").asText(""))) {
        if (!collector.isEmpty()) {
          try {
            vm.runtime().mapMeshAddress(collector, network.route(collector));
          } catch (IllegalStateException e) {
            note("nothing sent to " + collector + ": " + e.getMessage());
          }
        }
      }
      this.pod = vm.appPod(true, labels, identity);
      vm.runtime().start(pod);
    } catch (RuntimeException e) {
      closeQuietly(registration); // istiod removes the entry: nothing half-started stays registered
      throw e;
    }
    JsonNode probe = mesh.path("readinessProbe");
    long period = Math.max(1, probe.path("periodSeconds").asLong(5));
    prober.scheduleWithFixedDelay(() -> report(probe, options), 0, period, TimeUnit.SECONDS);
    Thread reader = DaemonThreads.named("vm-istiod").newThread(this::readIstiod);
    reader.start();
  }

  Pod pod() {
    return pod;
  }

  boolean running() {
    return running;
  }

  /** The connection to istiod and its answer to the hello. */
  private record Registered(Socket socket, JsonNode answer) {}

  private Registered register(String istiod, VmNetwork network, String token, String hostname, MeshCa.SigningRequest csr) {
    String route;
    try {
      route = network.route(istiod);
    } catch (IllegalStateException e) {
      return unreachable(istiod, e.getMessage());
    }
    Socket s = new Socket();
    try {
      s.connect(Upstreams.socketAddress(route), 5000);
      Map<String, Object> hello = new LinkedHashMap<>();
      hello.put("token", token);
      hello.put("metadata", identity.metadata());
      hello.put("ip", identity.ip());
      hello.put("hostname", hostname);
      hello.put("revision", identity.revision());
      hello.put("csr", csr.pem());
      send(s, hello);
      String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
      JsonNode a = answer == null ? null : Serialization.jsonMapper().readTree(answer);
      if (a == null || a.has("error")) {
        s.close();
        String why = a == null ? "the connection to " + istiod + " was closed before istiod answered" : a.path("error").asText();
        note("registration refused: " + why);
        throw new IllegalStateException("istiod refused the registration: " + why);
      }
      note("registered as WorkloadEntry " + a.path("workloadEntry").asText());
      return new Registered(s, a);
    } catch (IOException | IllegalArgumentException e) {
      closeQuietly(s);
      return unreachable(istiod, e.getMessage());
    }
  }

  private Registered unreachable(String istiod, String why) {
    note("istiod at " + istiod + " is unreachable: " + why);
    throw new IllegalStateException("istiod at " + istiod + " is unreachable: " + why);
  }

  /** Runs the WorkloadGroup's probe (httpGet or tcpSocket; 127.0.0.1 is the VM's own address, where the app listens) and tells istiod. */
  private void report(JsonNode probe, SandboxVm.Options options) {
    boolean healthy = true;
    String message = "";
    String self = options.address().getHostAddress();
    try {
      if (probe.has("httpGet")) {
        JsonNode g = probe.get("httpGet");
        String host = g.path("host").asText(self);
        host = host.equals("127.0.0.1") || host.equals("localhost") || host.isEmpty() ? self : host;
        URI uri = URI.create(g.path("scheme").asText("HTTP").toLowerCase() + "://" + host + ":" + g.path("port").asInt(80)
            + g.path("path").asText("/"));
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(probe.path("timeoutSeconds").asLong(1)))
            .header("User-Agent", "kube-probe/1.25").GET().build(), HttpResponse.BodyHandlers.discarding());
        healthy = r.statusCode() >= 200 && r.statusCode() < 400;
        message = healthy ? "" : "HTTP probe failed with statuscode: " + r.statusCode();
      } else if (probe.has("tcpSocket")) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(self, probe.at("/tcpSocket/port").asInt()), 1000);
        }
      }
    } catch (IOException e) {
      healthy = false;
      message = "probe failed: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      send(registration, Map.of("healthy", healthy, "message", message));
    } catch (IOException e) {
      note("lost istiod: " + e.getMessage());
      running = false;
    }
  }

  private void readIstiod() {
    try {
      BufferedReader in = new BufferedReader(new InputStreamReader(registration.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode m = Serialization.jsonMapper().readTree(line);
        if (m.has("error")) {
          note("istiod ended the connection: " + m.path("error").asText());
          break;
        }
      }
    } catch (IOException e) {
      // closed by us or by istiod
    }
    if (running) {
      note("disconnected from istiod: pilot-agent exits");
      running = false;
      prober.shutdownNow();
    }
  }

  private static void send(Socket s, Map<String, ?> message) throws IOException {
    OutputStream out = s.getOutputStream();
    synchronized (s) {
      out.write((Serialization.asJson(message) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private void note(String line) {
    LOG.info("VM istio: {}", line);
    try {
      Files.writeString(log, java.time.Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the log is a courtesy
    }
  }

  /** KEY=VALUE lines, values bare or single-quoted as a shell writes them. */
  static Map<String, String> clusterEnv(String text) {
    Map<String, String> env = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0 || line.startsWith("#")) {
        continue;
      }
      String v = line.substring(eq + 1);
      if (v.startsWith("'") && v.endsWith("'") && v.length() >= 2) {
        v = v.substring(1, v.length() - 1).replace("'\"'\"'", "'");
      }
      env.put(line.substring(0, eq), v);
    }
    return env;
  }

  private static String read(Path root, String path) {
    try {
      return Files.readString(root.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException("istio cannot start: /" + path + " is missing (has smm-agent configured this VM?)", e);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    running = false;
    prober.shutdownNow();
    closeQuietly(registration);
  }
}

package io.smm.sandbox;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.controllers.LoadBalancers;
import io.smm.sandbox.demo.DemoRuntime;
import io.smm.sandbox.envoy.AccessLogReceiverSidecar;
import io.smm.sandbox.gateway.IngressGatewayRuntime;
import io.smm.sandbox.istiod.IstiodStandIn;
import io.smm.sandbox.istiod.MeshCa;
import io.smm.sandbox.istiod.RemoteClusters;
import io.smm.sandbox.istiod.RemoteControlPlane;
import io.smm.sandbox.kubelet.PodNetwork;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kube.Kubeconfig;
import io.smm.sandbox.kube.PortReservation;
import io.smm.sandbox.kube.storage.ClusterStore;
import io.smm.sandbox.kubelet.CadvisorEndpoint;
import io.smm.sandbox.kubelet.PodRuntime;
import io.smm.sandbox.node.SandboxNode;
import io.smm.sandbox.prometheus.AlertmanagerServer;
import io.smm.sandbox.prometheus.Binaries;
import io.smm.sandbox.prometheus.PrometheusServer;
import io.smm.sandbox.tracing.TracingPods;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A one-machine stand-in for a cluster: embedded Kubernetes API, sandbox kubelet, and the real
 * Prometheus and Alertmanager binaries as child processes. {@link #up} starts everything or
 * nothing; {@link #close} stops everything it started.
 */
public final class Sandbox implements AutoCloseable {

  private final SandboxHome home;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private volatile SandboxState state;
  private EmbeddedApiServer api;
  private KubernetesClient client;
  private PrometheusServer prometheus;
  private DemoRuntime demo;
  private TracingPods tracing;

  private Sandbox(SandboxHome home) {
    this.home = home;
  }

  /**
   * Starts the sandbox. On failure everything already started is stopped again and the exception
   * is rethrown.
   *
   * @throws SandboxAlreadyRunningException when the recorded sandbox process is still alive
   * @throws io.smm.sandbox.prometheus.MissingBinaryException when prometheus or alertmanager is missing
   * @throws PortInUseException when a requested port is taken
   */
  public static Sandbox up(SandboxHome home, SandboxOptions options, List<PodRuntime> runtimes, PrintStream progress) {
    // Fail before starting anything when a binary is missing.
    Binaries.require("prometheus", "prometheus");
    Binaries.require("prometheus-alertmanager", "prometheus-alertmanager");
    recoverStale(home, progress);
    progress.println("Starting the smm sandbox in " + home.root());
    int promPort = port(options.prometheusPort(), "Prometheus");
    int amPort = port(options.alertmanagerPort(), "Alertmanager");

    Sandbox sandbox = new Sandbox(home);
    try {
      sandbox.start(options, promPort, amPort, runtimes, progress);
      return sandbox;
    } catch (RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }

  private void start(SandboxOptions options, int promPort, int amPort, List<PodRuntime> runtimes, PrintStream progress) {
    try {
      Files.createDirectories(home.root());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + home.root(), e);
    }
    state = new SandboxState(ProcessHandle.current().pid(), home.kubeconfig().toString(), null,
        "http://127.0.0.1:" + promPort, "http://127.0.0.1:" + amPort, null, new LinkedHashMap<>());
    // Recorded at once: a crash from here on leaves enough behind for the next `up` to clean.
    state.write(home.stateFile());

    progress.println("[1/4] Kubernetes API (embedded) ...");
    if (options.fresh()) {
      deleteRecursively(home.clusterStore());
      deleteRecursively(home.meshCa());
    }
    ClusterStore store = ClusterStore.durable(home.clusterStore());
    // With authentication and RBAC, as a real cluster: the kubeconfig's user is the admin, and
    // `smm dashboard` / `smm login` go through TokenReview and impersonation like anywhere else.
    api = EmbeddedApiServer.startWithRbac(options.kubePort(), store);
    started.push(api);
    client = api.newClient();
    started.push(client::close);
    ClusterSeed.apply(client);
    Kubeconfig.write(home.kubeconfig(), api.url());
    updateState(s -> new SandboxState(s.pid(), s.kubeconfig(), api.url(), s.prometheus(), s.alertmanager(), s.dashboard(), s.children()));
    progress.println("      " + api.url() + "  (kubeconfig " + home.kubeconfig() + ")");
    if (store.restored() > 0) {
      progress.println("      resumed the cluster of the previous sandbox: " + store.restored() + " objects (--fresh starts an empty one)");
    }

    progress.println("[2/4] sandbox kubelet ...");
    // istiod reads the other clusters of a multi-cluster mesh through the remote secrets in its namespace.
    RemoteClusters remote = new RemoteClusters(client, "istio-system").start(Duration.ofSeconds(2));
    // istiod's CA lives as long as the cluster: kept beside the cluster's objects (what istiod keeps in istio-ca-secret).
    demo = new DemoRuntime(client, Kubeconfig.CLUSTER, MeshCa.loadOrCreate(home.meshCa(), "cluster.local"), remote);
    started.push(demo);
    // It serves the proxies of remote clusters too (PASSIVE control planes elsewhere), handing them this cluster's API.
    String apiUrl = api.url();
    IstiodStandIn istiod = new IstiodStandIn(client, demo, Kubeconfig.CLUSTER, () -> Kubeconfig.yaml(apiUrl));
    started.push(istiod);
    // Where this cluster's control plane is PASSIVE, its proxies are served by another cluster's istiod.
    started.push(new RemoteControlPlane(client, demo).start(Duration.ofSeconds(2)));
    // The tracing component's pod runs the real Zipkin server; its port is fixed now, so the backend knows where to read.
    tracing = new TracingPods(home.zipkinDir(), port(0, "Zipkin"), pid -> recordChild("zipkin", pid));
    started.push(tracing);
    // Gateway pods: the east-west port (15443) of a network gateway carries other networks' calls in; ingress
    // ports are not served (no host ports mapped), as the sandbox's ingress gateways carry no traffic.
    IngressGatewayRuntime gateways = new IngressGatewayRuntime(client, Map.of());
    started.push(gateways);
    List<PodRuntime> all = new ArrayList<>(runtimes);
    all.add(demo);
    all.add(istiod);
    all.add(tracing);
    all.add(gateways);
    // The cluster's load balancer answers on an address of its own, so other sandboxes (peer clusters) reach its gateways.
    SandboxNode kubelet = new SandboxNode(client, ClusterSeed.nodeName(), all, LoadBalancers.of(home.root()));
    gateways.upstreams(kubelet::address);
    gateways.inProcess(demo::localAddress);
    gateways.configuredBy(demo::configClient);
    kubelet.start();
    started.push(kubelet);
    api.podLogs(kubelet::logs);
    api.podProxy(kubelet::proxy);
    CadvisorEndpoint cadvisor = new CadvisorEndpoint(kubelet::usage);
    started.push(cadvisor);

    progress.println("[3/4] Alertmanager ...");
    AlertmanagerServer alertmanager = new AlertmanagerServer(home.alertmanagerDir(), amPort, pid -> recordChild("alertmanager", pid));
    started.push(alertmanager);
    alertmanager.start();
    progress.println("      " + alertmanager.url());

    progress.println("[4/4] Prometheus ...");
    prometheus = new PrometheusServer(home.prometheusDir(), promPort, alertmanager.address(),
        List.of(new PrometheusServer.StaticJob("kubernetes-cadvisor", cadvisor.address(), CadvisorEndpoint.PATH)),
        // In-process workloads listen on 127.0.0.1 ports their runtime knows; a pod nothing runs
        // is left at its pod IP, where Prometheus reports it down, which is the truth.
        // Another sandbox's pods (the mesh's remote clusters) are where the pod network routes them.
        (pod, port) -> all.stream().map(r -> r.address(pod, port)).flatMap(Optional::stream).findFirst()
            .or(() -> Optional.ofNullable(PodNetwork.routes(pod).get(port)))
            .orElse(pod.getStatus().getPodIP() + ":" + port),
        () -> {
          List<Pod> pods = new ArrayList<>(remote.pods());
          pods.addAll(demo.vmPods());
          return pods;
        },
        pid -> recordChild("prometheus", pid));
    started.push(prometheus);
    prometheus.start(client);
    progress.println("      " + prometheus.url());
  }

  private synchronized void recordChild(String name, long pid) {
    updateState(s -> s.withChild(name, pid));
  }

  private synchronized void updateState(UnaryOperator<SandboxState> change) {
    state = change.apply(state);
    state.write(home.stateFile());
  }

  /** Records the dashboard URL once the product is installed into the sandbox. */
  public void dashboardStarted(String url) {
    updateState(s -> s.withDashboard(url));
  }

  /**
   * Routes what sidecars send to the access log service the mesh config names (e.g.
   * smm-als.smm-system.svc.cluster.local:50600) to a receiver running in this process at
   * {@code receiverAddress} (plain gRPC), since the product's own pods do not run in the sandbox.
   * The receiver's pod would have a sidecar that terminates the mesh's mTLS and forwards the
   * caller's identity; the sandbox stands in for it ({@link AccessLogReceiverSidecar}), with a
   * certificate for {@code serviceAccount} in {@code namespace} from the mesh's CA.
   */
  public void routeAccessLogs(String meshAddress, String receiverAddress, String namespace, String serviceAccount) {
    MeshCa ca = demo.meshCa();
    String host = meshAddress.substring(0, meshAddress.lastIndexOf(':'));
    MeshCa.Workload certificate = ca.issue(namespace, serviceAccount, host);
    AccessLogReceiverSidecar sidecar = new AccessLogReceiverSidecar(certificate.key(), certificate.certificate(), demo.trust(),
        ca.spiffeId(namespace, serviceAccount), receiverAddress);
    started.push(sidecar);
    demo.mapMeshAddress(meshAddress, sidecar.address());
  }

  /**
   * Routes the spans sidecars send to the Zipkin collector the mesh config names (e.g.
   * smm-zipkin.smm-system.svc.cluster.local:59411) to the tracing component's server, which runs
   * on this machine while its pod does.
   */
  public void routeTraces(String meshAddress) {
    demo.mapMeshAddress(meshAddress, tracing.address());
  }

  /** Where the tracing component's query API answers while its pod runs (the backend reads traces there). */
  public URI tracingUrl() {
    return URI.create("http://" + tracing.address());
  }

  public SandboxState state() {
    return state;
  }

  public KubernetesClient client() {
    return client;
  }

  public PrometheusServer prometheus() {
    return prometheus;
  }

  public SandboxHome home() {
    return home;
  }

  /** Stops everything started, newest first, and removes the state file. */
  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("smm sandbox: while stopping: " + e.getMessage());
      }
    }
    try {
      SandboxState.read(home.stateFile()).filter(s -> s.pid() == ProcessHandle.current().pid())
          .ifPresent(s -> deleteState());
    } catch (RuntimeException e) {
      // best effort
    }
  }

  private void deleteState() {
    try {
      Files.deleteIfExists(home.stateFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @throws SandboxAlreadyRunningException when the sandbox recorded in {@code home} is still running */
  public static void requireNotRunning(SandboxHome home) {
    SandboxState.read(home.stateFile())
        .filter(s -> s.pid() != ProcessHandle.current().pid() && SandboxProcesses.find(s.pid(), "sandbox").isPresent())
        .ifPresent(s -> {
          throw new SandboxAlreadyRunningException(s);
        });
  }

  /**
   * Cleans up after a sandbox that was killed: stops the children it recorded (only if they still
   * are the binaries it started) and forgets its state. Refuses when that sandbox is still running.
   */
  static void recoverStale(SandboxHome home, PrintStream progress) {
    var previous = SandboxState.read(home.stateFile());
    if (previous.isEmpty()) {
      return;
    }
    requireNotRunning(home);
    SandboxState s = previous.get();
    stopChildren(home, s, progress);
    try {
      Files.deleteIfExists(home.stateFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops recorded children that are still alive; returns the names of those that could not be stopped. */
  public static List<String> stopChildren(SandboxHome home, SandboxState s, PrintStream progress) {
    Map<String, String> markers = Map.of("prometheus", home.prometheusDir().toString(),
        "alertmanager", home.alertmanagerDir().toString(), "zipkin", home.zipkinDir().toString());
    List<String> survivors = new ArrayList<>();
    s.children().forEach((name, pid) -> SandboxProcesses.find(pid, markers.getOrDefault(name, home.root().toString()))
        .ifPresent(p -> {
          progress.println("stopping leftover " + name + " (pid " + pid + ") of an earlier sandbox");
          if (!SandboxProcesses.stop(p, Duration.ofSeconds(10))) {
            survivors.add(name + " (pid " + pid + ")");
          }
        }));
    return survivors;
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
    }
  }

  private static int port(int requested, String what) {
    if (requested == 0) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try (PortReservation free = PortReservation.hold(requested, what)) {
      return requested;
    }
  }
}

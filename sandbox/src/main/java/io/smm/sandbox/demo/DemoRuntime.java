package io.smm.sandbox.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.envoy.AccessLogSender;
import io.smm.sandbox.istiod.MeshCa;
import io.smm.sandbox.istiod.RemoteClusters;
import io.smm.sandbox.envoy.RemoteEndpoint;
import io.smm.sandbox.envoy.Call;
import io.smm.sandbox.envoy.Destination;
import io.smm.sandbox.envoy.Endpoint;
import io.smm.sandbox.envoy.Endpoints;
import io.smm.sandbox.envoy.GatewayTunnels;
import io.smm.sandbox.envoy.MeshIdentity;
import io.smm.sandbox.envoy.MeshNetworks;
import io.smm.sandbox.envoy.MeshResources;
import io.smm.sandbox.envoy.MeshTrust;
import io.smm.sandbox.envoy.Pause;
import io.smm.sandbox.envoy.ServicePorts;
import io.smm.sandbox.envoy.ServiceRegistry;
import io.smm.sandbox.envoy.SidecarProxy;
import io.smm.sandbox.envoy.SpanReporter;
import io.smm.sandbox.envoy.Tracer;
import io.smm.sandbox.envoy.TracingSettings;
import io.smm.sandbox.envoy.Upstreams;
import io.smm.sandbox.envoy.Wire;
import io.smm.sandbox.envoy.WorkloadEntryView;
import io.smm.sandbox.kubelet.ContainerUsage;
import io.smm.sandbox.kubelet.PodRuntime;
import io.smm.sandbox.prometheus.ScrapeTargets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the demo application's pods in this JVM ({@link DemoPod}): real HTTP, gRPC and TCP servers
 * on 127.0.0.1 calling each other as their REQUESTS say. Injected pods get a {@link SidecarProxy}
 * that applies the Istio configuration read from the API and reports Istio's standard metrics and
 * access logs. Services are resolved through their selectors and ports, as kube-proxy and Envoy's
 * EDS would; a pod without a sidecar calls Services directly, with none of Istio's rules.
 */
public class DemoRuntime implements PodRuntime, Endpoints, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoRuntime.class);

  private final String cluster;
  private final KubernetesClient client;
  /** Mesh addresses (host:port as the mesh config names them) of receivers that run on this machine. */
  private final Map<String, String> localAddresses = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Service> services;
  private final ServiceRegistry registry;
  /** The Istio configuration the sidecars follow: their cluster's own, or that of the cluster whose istiod serves them. */
  private volatile MeshResources meshResources;
  private final Map<String, DemoPod> pods = new ConcurrentHashMap<>();
  /** Round robin per upstream cluster, as Envoy balances. */
  private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();
  private final ExecutorService workers = Executors.newCachedThreadPool(DaemonThreads.named("demo-workload"));
  private final Upstreams upstreams = new Upstreams(workers);
  private volatile MeshCa ca;
  /** The other clusters the serving istiod knows: this cluster's istiod's remote secrets, or those of the remote istiod. */
  private volatile RemoteClusters remote;
  /** What this cluster's own control plane gives, kept while another cluster's istiod serves the sidecars. */
  private final MeshResources ownMesh;
  private final RemoteClusters ownRemote;
  private final MeshCa ownCa;
  private volatile KubernetesClient configClient;
  /** Connections through other networks' gateways, as the sidecars' upstream connections to them. */
  private final GatewayTunnels tunnels = new GatewayTunnels();
  /** The zipkin reporters, one per collector address the sidecars' mesh configs name. */
  private final Map<String, SpanReporter> reporters = new ConcurrentHashMap<>();
  /** Where pods' listeners bind: the loopback on free ports (pods of the node), or one host's address on the ports themselves (a VM). */
  private volatile InetAddress bindAddress = InetAddress.getLoopbackAddress();
  private volatile boolean containerPorts;

  /** How often buffered spans go to the collector (Envoy flushes every 5 s by default; sooner here, so traces show up quickly). */
  private static final Duration SPAN_FLUSH = Duration.ofSeconds(1);

  public DemoRuntime(KubernetesClient client, String cluster) {
    this(client, cluster, MeshCa.create("cluster.local"));
  }

  /** @param ca istiod's CA, which signs the sidecars' workload certificates */
  public DemoRuntime(KubernetesClient client, String cluster, MeshCa ca) {
    this(client, cluster, ca, new RemoteClusters(client, "istio-system"));
  }

  /** @param remote the other clusters of the mesh whose endpoints istiod adds (its remote secrets) */
  public DemoRuntime(KubernetesClient client, String cluster, MeshCa ca, RemoteClusters remote) {
    // The JDK's HTTP server writes headers and body separately; without TCP_NODELAY every small
    // response waits ~40 ms for a delayed ACK (Nagle), which would cap a workload at ~25 req/s per
    // connection. Read once when the first server starts, hence set before any is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    this.cluster = cluster;
    this.client = client;
    this.ca = ca;
    this.ownCa = ca;
    this.services = client.services().inAnyNamespace().inform();
    this.remote = remote;
    this.ownRemote = remote;
    this.registry = new ServiceRegistry(services.getStore(), (ns, name) -> this.remote.service(ns, name).orElse(null));
    this.meshResources = new MeshResources(client);
    this.ownMesh = meshResources;
    this.configClient = client;
  }

  /**
   * From now on the sidecars are served by another cluster's istiod (this cluster's control plane is
   * PASSIVE): they follow the Istio configuration of {@code configCluster}, reach the endpoints of the
   * clusters {@code clusters} knows, and sidecars started from now on are certified by {@code ca}.
   * What served them before, unless it is this cluster's own, is closed.
   */
  public synchronized void servedBy(KubernetesClient configCluster, RemoteClusters clusters, MeshCa ca) {
    MeshResources previousMesh = meshResources;
    RemoteClusters previousRemote = remote;
    KubernetesClient previousConfig = configClient;
    configClient = configCluster;
    meshResources = new MeshResources(configCluster);
    remote = clusters;
    this.ca = ca;
    closeUnlessOwn(previousMesh, previousRemote, previousConfig);
  }

  /** The sidecars are served by this cluster's own istiod again. */
  public synchronized void servedLocally() {
    MeshResources previousMesh = meshResources;
    RemoteClusters previousRemote = remote;
    KubernetesClient previousConfig = configClient;
    configClient = client;
    meshResources = ownMesh;
    remote = ownRemote;
    ca = ownCa;
    closeUnlessOwn(previousMesh, previousRemote, previousConfig);
  }

  /** The cluster whose Istio configuration the proxies follow: this one, or the one whose istiod serves them. */
  public KubernetesClient configClient() {
    return configClient;
  }

  private void closeUnlessOwn(MeshResources mesh, RemoteClusters clusters, KubernetesClient config) {
    if (mesh != ownMesh) {
      mesh.close();
    }
    if (clusters != ownRemote) {
      clusters.close();
    }
    if (config != client) {
      config.close();
    }
  }

  /** Runs the pods as one host does: listening at {@code address} on their container ports (and the sidecar's 15090). */
  public DemoRuntime bindTo(InetAddress address) {
    this.bindAddress = address;
    this.containerPorts = true;
    return this;
  }

  InetSocketAddress listenAddress(int containerPort) {
    return new InetSocketAddress(bindAddress, containerPorts ? containerPort : 0);
  }

  private String host() {
    return bindAddress.getHostAddress();
  }

  /** The mesh's CA, whose root istiod publishes and whose certificates the sidecars present. */
  public MeshCa meshCa() {
    return ca;
  }

  /** The roots the sidecars trust: the mesh CA's, and the other clusters' ones the mesh config names. */
  public MeshTrust trust() {
    return new MeshTrust(ca.root(), () -> mesh().caCertificates());
  }

  /** Sidecars started from now on present certificates of {@code ca}: a VM's, the one istiod issued to it. */
  public void meshCa(MeshCa ca) {
    this.ca = ca;
  }

  /**
   * Declares that the receiver the mesh config calls {@code meshAddress} (e.g. the ALS service
   * smm-als.smm-system.svc.cluster.local:50600) listens at {@code localAddress} on this machine.
   * Sidecars of the control planes whose mesh config names it send to it from then on.
   */
  public void mapMeshAddress(String meshAddress, String localAddress) {
    localAddresses.put(meshAddress, localAddress);
  }

  /** Where the receiver the mesh config calls {@code meshAddress} (host:port) listens on this machine, when it does. */
  public Optional<String> localAddress(String meshAddress) {
    return Optional.ofNullable(localAddresses.get(meshAddress));
  }

  /**
   * Where sidecars reach the collector their mesh config names ({@code host:port}, e.g.
   * smm-als.smm-system.svc.cluster.local:50600): when its Service here has no selector, at the
   * address of its Endpoints — another cluster's load balancer, as a passive cluster's collectors
   * lead to the active cluster's meshexpansion gateway — else the receiver running on this machine,
   * when one does. Null while neither is there (the sidecars drop what they would send, as Envoy
   * does while the collector's cluster has no endpoint).
   */
  String collectorAddress(String meshAddress) {
    int colon = meshAddress.lastIndexOf(':');
    String[] host = meshAddress.substring(0, Math.max(colon, 0)).split("\\.");
    if (colon > 0 && host.length >= 2) {
      Service svc = services.getStore().getByKey(host[1] + "/" + host[0]);
      if (svc != null && (svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty())) {
        return forwardedAddress(svc, Integer.parseInt(meshAddress.substring(colon + 1))).orElse(null);
      }
    }
    return localAddresses.get(meshAddress);
  }

  /**
   * The first Endpoints address of a selector-less Service's port, as ip:port, when it is on this
   * machine (127.0.0.0/8: another sandbox's load balancer listens there); the sandbox sends nothing
   * off this machine.
   */
  private Optional<String> forwardedAddress(Service svc, int port) {
    String portName = svc.getSpec().getPorts().stream().filter(p -> p.getPort() == port).map(p -> p.getName()).findFirst().orElse(null);
    io.fabric8.kubernetes.api.model.Endpoints endpoints;
    try {
      endpoints = client.endpoints().inNamespace(svc.getMetadata().getNamespace()).withName(svc.getMetadata().getName()).get();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    return ServicePorts.loopbackEndpoint(endpoints,
        (subset, p) -> portName == null || portName.equals(p.getName()) || subset.getPorts().size() == 1);
  }

  @Override
  public boolean runs(Pod pod) {
    return DemoBehaviour.isDemo(pod);
  }

  /** @throws IllegalArgumentException when the container's environment cannot be used (the kubelet reports the pod failing) */
  @Override
  public void start(Pod pod) {
    DemoBehaviour behaviour = DemoBehaviour.of(pod);
    if (!behaviour.ignored().isEmpty()) {
      LOG.warn("pod {}/{}: not simulated in the sandbox, ignored: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
          behaviour.ignored());
    }
    SidecarProxy sidecar = null;
    if (ScrapeTargets.hasSidecar(pod)) {
      MeshIdentity identity = MeshIdentity.of(pod, cluster);
      String revision = revision(pod);
      JsonNode meshConfig = meshConfig(pod, revision);
      sidecar = new SidecarProxy(this, identity, new ServiceRegistry.Caller(pod.getMetadata().getNamespace(),
          pod.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(pod.getMetadata().getLabels()), revision, network(pod)),
          accessLogSender(pod, identity, revision, meshConfig), tracer(pod, identity, meshConfig), proxyVersion(pod));
    }
    DemoPod running = new DemoPod(pod, behaviour, this, sidecar, workers);
    pods.put(pod.getMetadata().getUid(), running);
    if ("loadgen".equals(behaviour.role())) {
      workers.submit(() -> generateLoad(running));
    }
    LOG.debug("demo pod {}/{} started", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
  }

  @Override
  public void stop(Pod pod) {
    DemoPod p = pods.remove(pod.getMetadata().getUid());
    if (p != null) {
      p.stop();
      p.listeners().forEach(l -> upstreams.forget(host() + ":" + l.localPort()));
    }
  }

  /** Stops or starts the application of a running pod, its sockets and sidecar left as they are (a VM's service shut down). */
  public void applicationDown(Pod pod, boolean down) {
    DemoPod p = pods.get(pod.getMetadata().getUid());
    if (p != null) {
      p.down = down;
    }
  }

  @Override
  public Optional<String> address(Pod pod, int port) {
    DemoPod p = pods.get(pod.getMetadata().getUid());
    if (p == null) {
      return Optional.empty();
    }
    if (port == ScrapeTargets.ENVOY_STATS_PORT) {
      return p.stats == null ? Optional.empty() : Optional.of(host() + ":" + p.stats.localPort());
    }
    DemoPod.Listener l = p.listeners.get(port);
    return l == null ? Optional.empty() : Optional.of(host() + ":" + l.localPort());
  }

  @Override
  public Optional<String> logs(Pod pod, String container, Integer tailLines) {
    DemoPod p = pods.get(pod.getMetadata().getUid());
    if (p == null) {
      return Optional.empty();
    }
    if ("istio-proxy".equals(container)) {
      return Optional.of(p.sidecar == null ? "" : p.sidecar.accessLogText.text(tailLines));
    }
    boolean app = container == null || pod.getSpec().getContainers().stream()
        .anyMatch(c -> c.getName().equals(container) && DemoBehaviour.isDemoContainer(c));
    return Optional.of(app ? p.log.text(tailLines) : "");
  }

  @Override
  public List<ContainerUsage> usage(Pod pod) {
    DemoPod p = pods.get(pod.getMetadata().getUid());
    return p == null ? List.of() : p.usage();
  }

  // --- what pods and sidecars use ------------------------------------------------------------------

  String cluster() {
    return cluster;
  }

  @Override
  public MeshResources.Snapshot mesh() {
    return meshResources.snapshot();
  }

  @Override
  public ServiceRegistry registry() {
    return registry;
  }

  @Override
  public Upstreams upstreams() {
    return upstreams;
  }

  @Override
  public void submit(Runnable task) {
    workers.submit(task);
  }

  @Override
  public int nextIndex(String cluster) {
    return roundRobin.computeIfAbsent(cluster, k -> new AtomicInteger()).getAndIncrement();
  }

  @Override
  public Instant startedAt(long nanoTime) {
    return Instant.now().minusNanos(System.nanoTime() - nanoTime);
  }

  /**
   * Running pods behind a Service (and a subset's labels), this cluster's first, then its VMs
   * (healthy WorkloadEntries), then the remote clusters', in a stable order.
   */
  @Override
  public List<Endpoint> endpoints(String network, String namespace, String serviceName, Map<String, String> subsetLabels) {
    List<Endpoint> all = new java.util.ArrayList<>(localEndpoints(namespace, serviceName, subsetLabels));
    Service local = services.getStore().getByKey(namespace + "/" + serviceName);
    if (local != null) {
      mesh().workloadEntries().stream().filter(e -> e.endpointOf(local, subsetLabels))
          .sorted(Comparator.comparing(e -> e.pod().getMetadata().getName()))
          .forEach(e -> all.add(new RemoteEndpoint(e.pod(), local, MeshIdentity.of(e.pod(), cluster), e.listeners())));
    }
    MeshNetworks networks = mesh().networks();
    for (RemoteEndpoint e : remote.endpoints(namespace, serviceName, subsetLabels)) {
      Optional<String> there = networks.networkOf(e.identity().cluster());
      if (network.isEmpty() || there.isEmpty() || network.equals(there.get())) {
        all.add(e); // one network (or one meshNetworks does not place): reached directly
      } else if (!networks.gateways(there.get()).isEmpty()) {
        all.add(e.through(networks.gateways(there.get()).get(0)));
      } // else: another network without a gateway cannot be reached, and istiod leaves its endpoints out
    }
    return all;
  }

  /** The VMs of this cluster, as the pods Prometheus scrapes. */
  public List<Pod> vmPods() {
    return mesh().workloadEntries().stream().filter(e -> !e.deleting()).map(WorkloadEntryView::pod).toList();
  }

  /** Running pods of this cluster behind a Service (and a subset's labels), in a stable order. */
  private List<DemoPod> localEndpoints(String namespace, String serviceName, Map<String, String> subsetLabels) {
    Service svc = registry.service(namespace, serviceName);
    if (svc == null || svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty()) {
      return List.of();
    }
    Map<String, String> selector = svc.getSpec().getSelector();
    return pods.values().stream()
        .filter(p -> p.running && namespace.equals(p.pod.getMetadata().getNamespace()) && p.pod.getMetadata().getLabels() != null)
        .filter(p -> p.pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())
            && p.pod.getMetadata().getLabels().entrySet().containsAll(subsetLabels.entrySet()))
        .sorted(Comparator.comparing(p -> p.pod.getMetadata().getName()))
        .toList();
  }

  /** Where a Service port of {@code d} reaches on {@code target} on this machine (the listener of its targetPort). */
  @Override
  public Optional<String> addressOf(Endpoint endpoint, Destination d, int servicePort) {
    if (endpoint instanceof RemoteEndpoint r && r.via() != null) {
      MeshNetworks networks = mesh().networks();
      String network = networks.networkOf(r.identity().cluster()).orElse("");
      return gatewayAddress(r.via()).or(() -> remote.gatewayListener(networks.clustersOf(network), r.via()))
          .map(gateway -> tunnels.open(gateway, servicePort, d.host(),
          r.pod().getMetadata().getNamespace(), r.pod().getMetadata().getName()));
    }
    if (endpoint instanceof RemoteEndpoint r) {
      return r.address(servicePort);
    }
    DemoPod target = (DemoPod) endpoint; // the other endpoints it hands out are its own pods
    return localAddress(target, containerPort(target, d, servicePort));
  }

  /**
   * A network gateway's own address, where its cluster's load balancer listens: another sandbox's
   * load-balancer address (127.x.y.z, not 127.0.0.1), which forwards to a gateway pod running now,
   * as a cloud's load balancer does. Empty for 127.0.0.1, where clusters in one process do not
   * listen: the gateway's pod is looked up through the remote secret then.
   */
  private static Optional<String> gatewayAddress(MeshNetworks.Gateway via) {
    return via.address().startsWith("127.") && !via.address().equals("127.0.0.1")
        ? Optional.of(via.address() + ":" + via.port()) : Optional.empty();
  }

  /** The same endpoint as Envoy names it in access logs: the target pod's IP and container port. */
  @Override
  public Optional<String> meshAddressOf(Endpoint endpoint, Destination d, int servicePort) {
    if (endpoint instanceof RemoteEndpoint r && r.via() != null) {
      return Optional.of(r.via().toString()); // Envoy's upstream host is the gateway then
    }
    if (endpoint instanceof RemoteEndpoint r) {
      int containerPort = r.containerPort(servicePort);
      return r.address(servicePort).map(local -> r.identity().address(containerPort, local));
    }
    DemoPod target = (DemoPod) endpoint;
    int containerPort = containerPort(target, d, servicePort);
    return localAddress(target, containerPort).map(local -> target.identity.address(containerPort, local));
  }

  private Optional<String> localAddress(DemoPod target, int containerPort) {
    DemoPod.Listener l = target.listeners.get(containerPort);
    return l == null ? Optional.empty() : Optional.of(host() + ":" + l.localPort());
  }

  /** The container port a Service port of {@code d} targets on {@code target}: its targetPort (number or port name); -1 when none. */
  private int containerPort(DemoPod target, Destination d, int servicePort) {
    return ServicePorts.containerPort(d.serviceName() == null ? null : registry.service(d.namespace(), d.serviceName()), target.pod,
        servicePort);
  }

  /** An outbound call of a pod's application: through its sidecar, or straight to the Service without one. */
  void call(DemoPod from, Call call, Map<String, String> headers) {
    if (from.sidecar != null) {
      from.meter.proxy(() -> from.sidecar.outbound(call, headers));
      return;
    }
    Destination d = registry.resolve(MeshResources.Snapshot.EMPTY,
        new ServiceRegistry.Caller(from.pod.getMetadata().getNamespace(), Map.of(), null, ""), call.host());
    if (d.serviceName() == null) {
      return; // outside the cluster: the sandbox never sends traffic off this machine
    }
    List<DemoPod> endpoints = localEndpoints(d.namespace(), d.serviceName(), Map.of());
    if (endpoints.isEmpty()) {
      return;
    }
    DemoPod target = endpoints.get(Math.floorMod(nextIndex("direct|" + d.host()), endpoints.size()));
    addressOf(target, d, call.port()).ifPresent(address -> upstreams.call(call.protocol(), address, call.path(),
        withService(headers, d), 10_000, null));
  }

  private static Map<String, String> withService(Map<String, String> headers, Destination d) {
    Map<String, String> h = new HashMap<>(headers);
    h.put(Wire.SERVICE, d.host()); // what the Host header tells the destination's sidecar
    return h;
  }

  /** Requests a load generator has open at once; beyond it, it skips a beat rather than queue without bound. */
  private static final int LOAD_IN_FLIGHT = 64;

  private void generateLoad(DemoPod pod) {
    long start = System.nanoTime();
    Semaphore inFlight = new Semaphore(LOAD_IN_FLIGHT);
    Map<String, String> headers = new HashMap<>(pod.behaviour.headers());
    headers.put(Wire.METHOD, pod.behaviour.method());
    double duration = pod.behaviour.durationSeconds();
    AtomicInteger sent = new AtomicInteger();
    while (pod.running && (duration <= 0 || (System.nanoTime() - start) / 1e9 < duration)) {
      double rps = Math.max(0.1, pod.behaviour.rpsAt((System.nanoTime() - start) / 1e9));
      if (inFlight.tryAcquire()) {
        sent.incrementAndGet();
        workers.submit(() -> {
          try {
            pod.meter.app(() -> {
              call(pod, pod.behaviour.target(), headers);
              return null;
            });
          } finally {
            inFlight.release();
          }
        });
      }
      Pause.sleep(Math.round(1000 / rps));
    }
    if (pod.running) {
      // What bombardier prints when it is done: how many requests in how long, once all have answered.
      inFlight.acquireUninterruptibly(LOAD_IN_FLIGHT);
      pod.log.add(Instant.now() + " load finished: " + sent.get() + " requests to " + pod.behaviour.target() + " in "
          + String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - start) / 1e9));
    }
  }

  /**
   * The mesh config of the control plane a pod's sidecar belongs to (its IstioControlPlane's
   * spec.meshConfig, read when the pod starts, as istiod hands it to the proxy at bootstrap); a
   * missing node when the revision names none.
   */
  private JsonNode meshConfig(Pod pod, String revision) {
    if (revision == null || !revision.contains(".")) {
      return MissingNode.getInstance();
    }
    try {
      var icp = client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane")
          .inNamespace(revision.substring(revision.indexOf('.') + 1)).withName(revision.substring(0, revision.indexOf('.'))).get();
      return icp == null ? MissingNode.getInstance()
          : Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties().get("spec")).path("meshConfig");
    } catch (RuntimeException e) {
      LOG.warn("no mesh config for {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.getMessage());
      return MissingNode.getInstance();
    }
  }

  /** An access log stream when the pod's control plane enables Envoy's ALS and its receiver is reachable. */
  private AccessLogSender accessLogSender(Pod pod, MeshIdentity identity, String revision, JsonNode mesh) {
    String address = mesh.at("/defaultConfig/envoyAccessLogService/address").asText("");
    if (!mesh.path("enableEnvoyAccessLogService").asBoolean(false) || address.isEmpty()) {
      return null;
    }
    try {
      String podIp = pod.getStatus() == null || pod.getStatus().getPodIP() == null ? "127.0.0.1" : pod.getStatus().getPodIP();
      // Only receivers on this machine are reachable: until one is mapped, entries are dropped as
      // a sidecar drops them while its ALS cluster has no endpoint.
      // ISTIO_MUTUAL, as the mesh config's envoyAccessLogService.tlsSettings asks: the pod's own
      // workload certificate, the mesh root, and the receiver's service name checked.
      MeshCa.Workload certificate = ca.issue(identity.namespace(), identity.serviceAccount());
      AccessLogSender.Tls tls = new AccessLogSender.Tls(certificate.key(), certificate.certificate(), trust(),
          address.substring(0, address.lastIndexOf(':')));
      return new AccessLogSender(() -> collectorAddress(address), identity, podIp, revision, tls);
    } catch (RuntimeException e) {
      LOG.warn("no access logs from {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.getMessage());
      return null;
    }
  }

  /**
   * The pod's zipkin tracer when its control plane has one (a mesh config, tracing not turned
   * off): one reporter per collector address, shared by the sidecars that report to it, sending
   * only once the collector is mapped on this machine (until then spans are dropped and counted).
   */
  private Tracer tracer(Pod pod, MeshIdentity identity, JsonNode mesh) {
    if (mesh.isMissingNode()) {
      return null;
    }
    TracingSettings settings = TracingSettings.of(mesh, pod);
    if (!settings.enabled()) {
      return null;
    }
    SpanReporter reporter = reporters.computeIfAbsent(settings.collector(),
        address -> new SpanReporter(() -> collectorAddress(address), SPAN_FLUSH));
    return new Tracer(settings, reporter, identity);
  }

  /** The network a pod's sidecar announces (ISTIO_META_NETWORK, which injection sets from the control plane's networkName); "" for none. */
  private static String network(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(c -> "istio-proxy".equals(c.getName()) && c.getEnv() != null)
        .flatMap(c -> c.getEnv().stream()).filter(e -> "ISTIO_META_NETWORK".equals(e.getName()) && e.getValue() != null)
        .map(e -> e.getValue()).findFirst().orElse("");
  }

  /** The Istio version of a pod's sidecar: the istio-proxy container's image tag (proxyv2:1.15.3). */
  private static String proxyVersion(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(c -> "istio-proxy".equals(c.getName()) && c.getImage() != null)
        .map(c -> c.getImage().substring(c.getImage().lastIndexOf(':') + 1)).findFirst().orElse("unknown");
  }

  /** A running sidecar as istiod knows it: who, of which revision and Istio version, and whether it rejects its routes. */
  public record ProxyState(String pod, String namespace, String revision, String istioVersion, boolean rejectsRoutes) {}

  /** The sidecars running now, for the istiod stand-in's proxy status. */
  public List<ProxyState> proxies() {
    MeshResources.Snapshot mesh = mesh();
    return pods.values().stream().filter(p -> p.sidecar != null && p.running)
        .map(p -> new ProxyState(p.pod.getMetadata().getName(), p.pod.getMetadata().getNamespace(), revision(p.pod),
            p.sidecar.istioVersion(), p.sidecar.rejectsRoutes(mesh)))
        .sorted(Comparator.comparing(ProxyState::namespace).thenComparing(ProxyState::pod)).toList();
  }

  /** The Services of this cluster istiod knows (from the sidecars' informer, no API call). */
  public int serviceCount() {
    return services.getStore().list().size();
  }

  /** A number that changes whenever the Istio configuration the sidecars act on changes (xDS nonces). */
  public long configVersion() {
    return mesh().version();
  }

  private static final Pattern STATUS_REVISION = Pattern.compile("\"revision\"\\s*:\\s*\"([^\"]*)\"");

  /** The revision whose istiod a proxy talks to: the istio.io/rev label of gateways, else what the injector recorded in sidecar.istio.io/status. */
  private static String revision(Pod pod) {
    String label = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("istio.io/rev");
    String status = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get("sidecar.istio.io/status");
    if (label != null || status == null) {
      return label;
    }
    Matcher m = STATUS_REVISION.matcher(status);
    return m.find() ? m.group(1) : null;
  }

  int runningPods() {
    return pods.size();
  }

  /** Re-reads the Istio configuration now instead of within a second (tests). */
  void refreshMeshConfig() {
    meshResources.refresh();
  }

  @Override
  public void close() {
    pods.values().forEach(DemoPod::stop);
    pods.clear();
    services.close();
    closeUnlessOwn(meshResources, remote, configClient);
    ownRemote.close();
    tunnels.close();
    ownMesh.close();
    upstreams.close();
    reporters.values().forEach(SpanReporter::close);
    workers.shutdownNow();
  }
}

package io.smm.sandbox.istiod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.envoy.MeshIdentity;
import io.smm.sandbox.envoy.MeshNetworks;
import io.smm.sandbox.envoy.RemoteEndpoint;
import io.smm.sandbox.envoy.ServicePorts;
import io.smm.sandbox.kubelet.PodNetwork;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * istiod's multi-cluster service discovery: every Secret labelled {@value #LABEL}=true in the
 * control plane's namespace is a remote secret whose keys are cluster IDs and whose values are
 * kubeconfigs; istiod watches each such cluster's Services and Pods and adds their endpoints to
 * the same hostnames (a Service merges across clusters by name and namespace). A cluster that
 * stops answering keeps its last endpoints (calls to them fail, as on a cluster) until its secret goes.
 * Whether an endpoint is reached directly (same network) or through its network's gateway is the
 * sidecar's side ({@link io.smm.sandbox.demo.DemoRuntime#endpoints}, from meshNetworks).
 */
public final class RemoteClusters implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RemoteClusters.class);
  public static final String LABEL = "istio/multiCluster";

  private final KubernetesClient local;
  private final String namespace;
  private final Map<String, String> configCluster;
  private final String self;
  private final Map<String, Remote> remotes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("istiod-remote-secrets"));

  private record Remote(String clusterId, String kubeconfig, KubernetesClient client, SharedIndexInformer<Service> services,
      SharedIndexInformer<Pod> pods) implements AutoCloseable {
    @Override
    public void close() {
      services.close();
      pods.close();
      client.close();
    }
  }

  /** @param namespace where istiod reads remote secrets (its own: istio-system) */
  public RemoteClusters(KubernetesClient local, String namespace) {
    this(local, namespace, Map.of(), null);
  }

  /**
   * The clusters an istiod of another cluster knows, as the proxies of a remote cluster it serves see
   * them: its own ({@code configCluster}: ID to kubeconfig) and those of its remote secrets, except
   * {@code self}, the remote cluster itself, whose endpoints the proxies' own sandbox has.
   */
  public RemoteClusters(KubernetesClient configClient, String namespace, Map<String, String> configCluster, String self) {
    this.local = configClient;
    this.namespace = namespace;
    this.configCluster = Map.copyOf(configCluster);
    this.self = self;
  }

  /** Follows the remote secrets, every {@code period}. */
  public RemoteClusters start(java.time.Duration period) {
    loop.scheduleWithFixedDelay(this::refresh, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One pass over the remote secrets: new clusters are watched, changed ones rewatched, gone ones dropped. */
  void refresh() {
    try {
      Map<String, String> wanted = new HashMap<>(configCluster);
      for (Secret s : local.secrets().inNamespace(namespace).withLabel(LABEL, "true").list().getItems()) {
        if (s.getData() != null) {
          s.getData().forEach((cluster, config) -> wanted.put(cluster, new String(Base64.getDecoder().decode(config), StandardCharsets.UTF_8)));
        }
      }
      if (self != null) {
        wanted.remove(self);
      }
      remotes.keySet().removeIf(id -> {
        Remote r = remotes.get(id);
        if (wanted.get(id) != null && wanted.get(id).equals(r.kubeconfig())) {
          return false;
        }
        LOG.info("remote cluster {}: no longer watched", id);
        r.close();
        return true;
      });
      wanted.forEach((id, kubeconfig) -> {
        if (!remotes.containsKey(id)) {
          watch(id, kubeconfig).ifPresent(r -> remotes.put(id, r));
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("remote secrets not read: {}", e.getMessage());
    }
  }

  private Optional<Remote> watch(String clusterId, String kubeconfig) {
    try {
      KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
      // Informers keep retrying a cluster that does not answer; their stores keep what they last saw.
      SharedIndexInformer<Service> services = client.services().inAnyNamespace().runnableInformer(0);
      SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().runnableInformer(0);
      services.start();
      pods.start();
      LOG.info("remote cluster {}: watching {}", clusterId, client.getMasterUrl());
      return Optional.of(new Remote(clusterId, kubeconfig, client, services, pods));
    } catch (RuntimeException e) {
      LOG.warn("remote cluster {}: its secret's kubeconfig cannot be used: {}", clusterId, e.getMessage());
      return Optional.empty();
    }
  }

  /** The Service namespace/name in a remote cluster (the first by cluster ID), when only a remote cluster has it. */
  public Optional<Service> service(String ns, String name) {
    return remotes.values().stream().sorted(Comparator.comparing(Remote::clusterId))
        .map(r -> r.services().getStore().getByKey(ns + "/" + name)).filter(s -> s != null).findFirst();
  }

  /** Ready pods behind the Service namespace/name (and a subset's labels) in every remote cluster that has it. */
  public List<RemoteEndpoint> endpoints(String ns, String name, Map<String, String> subsetLabels) {
    List<RemoteEndpoint> out = new ArrayList<>();
    for (Remote r : remotes.values()) {
      Service svc = r.services().getStore().getByKey(ns + "/" + name);
      if (svc == null) {
        continue;
      }
      for (Pod pod : selected(r, svc, subsetLabels)) {
        Map<Integer, String> routes = PodNetwork.routes(pod);
        if (!routes.isEmpty()) {
          out.add(new RemoteEndpoint(pod, svc, MeshIdentity.of(pod, r.clusterId()), routes));
        }
      }
    }
    out.sort(Comparator.comparing((RemoteEndpoint e) -> e.identity().cluster()).thenComparing(e -> e.pod().getMetadata().getName()));
    return out;
  }

  /**
   * Where a network gateway of meshNetworks ({@code address:port}, a LoadBalancer's address) leads
   * on this machine: in one of {@code clusters}, the LoadBalancer Service with that ingress address
   * and port, one of its ready pods, and the route of the pod port it targets — what the cloud's load
   * balancer forwards to. Empty when no such gateway runs.
   */
  public Optional<String> gatewayListener(Set<String> clusters, MeshNetworks.Gateway gateway) {
    for (Remote r : remotes.values().stream().sorted(Comparator.comparing(Remote::clusterId)).toList()) {
      if (!clusters.contains(r.clusterId())) {
        continue;
      }
      for (Service svc : r.services().getStore().list()) {
        if (!"LoadBalancer".equals(svc.getSpec().getType()) || !hasIngress(svc, gateway.address())
            || svc.getSpec().getPorts().stream().noneMatch(p -> p.getPort() == gateway.port())) {
          continue;
        }
        for (Pod pod : selected(r, svc, Map.of())) {
          String route = PodNetwork.routes(pod).get(ServicePorts.containerPort(svc, pod, gateway.port()));
          if (route != null) {
            return Optional.of(route);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The ready pods of a remote cluster that a Service there selects (and a subset's labels); none without a selector. */
  private static List<Pod> selected(Remote r, Service svc, Map<String, String> subsetLabels) {
    Map<String, String> selector = svc.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      return List.of();
    }
    return r.pods().getStore().list().stream().filter(pod -> {
      Map<String, String> labels = pod.getMetadata().getLabels();
      return svc.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()) && labels != null
          && pod.getMetadata().getDeletionTimestamp() == null && labels.entrySet().containsAll(selector.entrySet())
          && labels.entrySet().containsAll(subsetLabels.entrySet()) && ready(pod);
    }).toList();
  }

  private static boolean hasIngress(Service svc, String address) {
    var lb = svc.getStatus() == null ? null : svc.getStatus().getLoadBalancer();
    return lb != null && lb.getIngress() != null
        && lb.getIngress().stream().anyMatch(i -> address.equals(i.getIp()) || address.equals(i.getHostname()));
  }

  /** Every ready pod of the remote clusters that publishes its routes on the pod network. */
  public List<Pod> pods() {
    return remotes.values().stream().flatMap(r -> r.pods().getStore().list().stream())
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && ready(p) && !PodNetwork.routes(p).isEmpty()).toList();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()) && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    loop.shutdownNow();
    remotes.values().forEach(Remote::close);
    remotes.clear();
  }
}

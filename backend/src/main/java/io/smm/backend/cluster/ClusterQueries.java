package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.smm.api.clusterregistry.ClusterRegistry;
import io.smm.api.crd.SmmCrds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Reads cluster identity and namespaces from the Kubernetes API. Blocking; call off the event loop. */
public class ClusterQueries {

  /** The ControlPlane kind is not on the classpath yet (api module); it is read generically. */
  static final ResourceDefinitionContext CONTROL_PLANE = new ResourceDefinitionContext.Builder()
      .withGroup("smm.cisco.com").withVersion("v1alpha1").withKind("ControlPlane").withPlural("controlplanes")
      .withNamespaced(false).build();
  static final String CONTROL_PLANE_NAME = "smm";

  private final KubernetesClient client;
  /** Reads the ControlPlane for the cluster's name, which every caller sees alike. */
  private final KubernetesClient own;
  private final String fallbackClusterName;

  /**
   * @param fallbackClusterName the name to show when no ControlPlane names the cluster, usually the
   *     cluster of the kubeconfig's current context
   */
  public ClusterQueries(KubernetesClient client, String fallbackClusterName) {
    this(client, client, fallbackClusterName);
  }

  private ClusterQueries(KubernetesClient client, KubernetesClient own, String fallbackClusterName) {
    this.client = client;
    this.own = own;
    this.fallbackClusterName = fallbackClusterName;
  }

  /** The same queries made with another client (one that impersonates a user), so RBAC decides what they return. */
  public ClusterQueries as(KubernetesClient caller) {
    return new ClusterQueries(caller, own, fallbackClusterName);
  }

  public List<ClusterInfo> clusters() {
    String version = client.getKubernetesVersion().getGitVersion();
    Integer nodes;
    try {
      nodes = client.nodes().list().getItems().size();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      nodes = null; // a user bound to namespaces only: the cluster is still theirs to name, its nodes are not
    }
    List<GenericKubernetesResource> registered = registeredClusters();
    String name = clusterName();
    List<ClusterInfo> out = new ArrayList<>();
    Map<String, String> networks = registered.isEmpty() ? Map.of() : networks();
    out.add(new ClusterInfo(name, version, nodes, true, networks.get(""), "Available", null));
    for (GenericKubernetesResource c : registered) {
      if ("Local".equals(field(c, "status", "type")) || c.getMetadata().getName().equals(name)) {
        continue;
      }
      String state = field(c, "status", "state");
      out.add(new ClusterInfo(c.getMetadata().getName(), null, null, false, networks.get(field(c, "spec", "clusterID")),
          state == null ? "Unknown" : state.equals("Ready") ? "Available" : state, field(c, "status", "message")));
    }
    return out;
  }

  /**
   * The Istio network of each cluster by cluster ID ("" for this one): its IstioControlPlanes'
   * networkName, a peer's from the PeerIstioControlPlanes the registry copied from it (labelled with its ID).
   */
  private Map<String, String> networks() {
    Map<String, String> out = new java.util.HashMap<>();
    for (SmmCrds.Kind kind : List.of(SmmCrds.ISTIO_CONTROL_PLANE, SmmCrds.PEER_ISTIO_CONTROL_PLANE)) {
      try {
        for (GenericKubernetesResource cp : client.genericKubernetesResources(kind.apiVersion(), kind.kind()).inAnyNamespace()
            .list().getItems()) {
          String network = field(cp, "spec", "networkName");
          String owner = kind == SmmCrds.ISTIO_CONTROL_PLANE ? ""
              : cp.getMetadata().getLabels() == null ? null : cp.getMetadata().getLabels().get(ClusterRegistry.OWNER_CLUSTER_ID);
          if (network != null && owner != null) {
            out.putIfAbsent(owner, network);
          }
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404 && e.getCode() != 403) {
          throw e;
        }
      }
    }
    return out;
  }

  /**
   * The clusters of the mesh when the cluster registry knows them (its local Cluster and the
   * registered peers), and those of the peers it cannot reach now (not Ready).
   */
  public record MeshMembership(Set<String> clusters, Set<String> unreachable) {}

  /**
   * The mesh's clusters as the backend itself may read them; empty without the registry, when every
   * cluster the telemetry names is taken as it comes. A detached peer is no longer among them.
   */
  public java.util.Optional<MeshMembership> meshMembership() {
    List<GenericKubernetesResource> registered;
    try {
      registered = own.genericKubernetesResources(REGISTRY_CLUSTER).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 403) {
        return java.util.Optional.empty();
      }
      throw e;
    }
    if (registered.stream().noneMatch(c -> "Local".equals(field(c, "status", "type")))) {
      return java.util.Optional.empty();
    }
    Set<String> names = new java.util.HashSet<>();
    Set<String> unreachable = new java.util.HashSet<>();
    for (GenericKubernetesResource c : registered) {
      names.add(c.getMetadata().getName());
      if (!"Local".equals(field(c, "status", "type")) && !"Ready".equals(field(c, "status", "state"))) {
        unreachable.add(c.getMetadata().getName());
      }
    }
    return java.util.Optional.of(new MeshMembership(Set.copyOf(names), Set.copyOf(unreachable)));
  }

  static final ResourceDefinitionContext REGISTRY_CLUSTER = new ResourceDefinitionContext.Builder()
      .withGroup("clusterregistry.k8s.cisco.com").withVersion("v1alpha1").withKind("Cluster").withPlural("clusters")
      .withNamespaced(false).build();

  /** The cluster registry's Clusters (the local one and its peers), as the caller may read them; none without the registry. */
  private List<GenericKubernetesResource> registeredClusters() {
    try {
      return client.genericKubernetesResources(REGISTRY_CLUSTER).list().getItems().stream()
          .sorted(Comparator.comparing(c -> c.getMetadata().getName())).toList();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 403) {
        return List.of();
      }
      throw e;
    }
  }

  private static String field(GenericKubernetesResource r, String part, String key) {
    return r.getAdditionalProperties().get(part) instanceof Map<?, ?> m && m.get(key) instanceof String v && !v.isEmpty() ? v : null;
  }

  public List<NamespaceInfo> namespaces() {
    return client.namespaces().list().getItems().stream()
        .map(NamespaceInfo::of)
        .sorted(Comparator.comparing(NamespaceInfo::name))
        .toList();
  }

  /**
   * The namespaces that pass {@code visible}, listed with the backend's identity: for a user who
   * may read some namespaces but not list them all (kubectl would say forbidden).
   */
  public List<NamespaceInfo> namespaces(Predicate<String> visible) {
    return own.namespaces().list().getItems().stream()
        .map(NamespaceInfo::of)
        .filter(n -> visible.test(n.name()))
        .sorted(Comparator.comparing(NamespaceInfo::name))
        .toList();
  }

  /** Services of the namespaces (all when none), sorted by namespace and name. */
  public List<ServiceInfo> services(List<String> namespaces) {
    List<ServiceInfo> out = new ArrayList<>();
    for (String ns : namespaces(namespaces)) {
      (ns == null ? client.services().inAnyNamespace() : client.services().inNamespace(ns)).list().getItems()
          .forEach(s -> out.add(ServiceInfo.of(s)));
    }
    out.sort(Comparator.comparing(ServiceInfo::namespace).thenComparing(ServiceInfo::name));
    return out;
  }

  /** Deployments, StatefulSets and DaemonSets of the namespaces (all when none). */
  public List<WorkloadInfo> workloads(List<String> namespaces) {
    List<WorkloadInfo> out = new ArrayList<>();
    for (String ns : namespaces(namespaces)) {
      var apps = client.apps();
      (ns == null ? apps.deployments().inAnyNamespace() : apps.deployments().inNamespace(ns)).list().getItems().forEach(d -> out.add(
          WorkloadInfo.of(d, "Deployment", d.getSpec().getTemplate(), replicas(d.getSpec().getReplicas()),
              d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0 : d.getStatus().getReadyReplicas())));
      (ns == null ? apps.statefulSets().inAnyNamespace() : apps.statefulSets().inNamespace(ns)).list().getItems().forEach(s -> out.add(
          WorkloadInfo.of(s, "StatefulSet", s.getSpec().getTemplate(), replicas(s.getSpec().getReplicas()),
              s.getStatus() == null || s.getStatus().getReadyReplicas() == null ? 0 : s.getStatus().getReadyReplicas())));
      (ns == null ? apps.daemonSets().inAnyNamespace() : apps.daemonSets().inNamespace(ns)).list().getItems().forEach(d -> out.add(
          WorkloadInfo.of(d, "DaemonSet", d.getSpec().getTemplate(),
              d.getStatus() == null || d.getStatus().getDesiredNumberScheduled() == null ? 0 : d.getStatus().getDesiredNumberScheduled(),
              d.getStatus() == null || d.getStatus().getNumberReady() == null ? 0 : d.getStatus().getNumberReady())));
      out.addAll(vms(ns));
    }
    out.sort(Comparator.comparing(WorkloadInfo::namespace).thenComparing(WorkloadInfo::name));
    return out;
  }

  static final ResourceDefinitionContext WORKLOAD_ENTRY = new ResourceDefinitionContext.Builder()
      .withGroup("networking.istio.io").withVersion("v1beta1").withKind("WorkloadEntry").withPlural("workloadentries")
      .withNamespaced(true).build();

  /**
   * VMs: WorkloadEntries, one workload each, except that entries a WorkloadGroup auto-registered
   * are one workload named after the group, as Istio names their telemetry. None without Istio's CRD.
   */
  private List<WorkloadInfo> vms(String namespace) {
    List<GenericKubernetesResource> entries;
    try {
      var all = client.genericKubernetesResources(WORKLOAD_ENTRY);
      entries = (namespace == null ? all.inAnyNamespace() : all.inNamespace(namespace)).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
    Map<String, List<GenericKubernetesResource>> byWorkload = new TreeMap<>();
    for (GenericKubernetesResource e : entries) {
      String group = groupOf(e);
      byWorkload.computeIfAbsent(e.getMetadata().getNamespace() + "/" + (group != null ? "WorkloadGroup/" + group
          : "WorkloadEntry/" + e.getMetadata().getName()), k -> new ArrayList<>()).add(e);
    }
    List<WorkloadInfo> out = new ArrayList<>();
    byWorkload.forEach((key, list) -> {
      String[] parts = key.split("/", 3);
      GenericKubernetesResource first = list.get(0);
      Map<String, String> labels = new TreeMap<>();
      if (first.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("labels") instanceof Map<?, ?> l) {
        l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
      }
      out.add(new WorkloadInfo(parts[2], parts[0], parts[1], list.size(), list.size(), labels.getOrDefault("app", ""),
          labels.getOrDefault("version", ""), Label.of(labels),
          first.getMetadata().getCreationTimestamp()));
    });
    return out;
  }

  /**
   * The VMs of a VM workload: the WorkloadEntries a WorkloadGroup of that name auto-registered, or
   * the WorkloadEntry of that name; by name. None without Istio's CRD.
   */
  public List<WorkloadEntryInfo> workloadEntries(String namespace, String workload) {
    List<GenericKubernetesResource> entries;
    try {
      entries = client.genericKubernetesResources(WORKLOAD_ENTRY).inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
    return entries.stream().filter(e -> workload.equals(groupOf(e)) || groupOf(e) == null && workload.equals(e.getMetadata().getName()))
        .map(WorkloadEntryInfo::of).sorted(Comparator.comparing(WorkloadEntryInfo::name)).toList();
  }

  /** The WorkloadGroup that registered an entry (its controller owner); null for an entry written by hand. */
  private static String groupOf(GenericKubernetesResource entry) {
    return entry.getMetadata().getOwnerReferences() == null ? null : entry.getMetadata().getOwnerReferences().stream()
        .filter(o -> "WorkloadGroup".equals(o.getKind())).map(o -> o.getName()).findFirst().orElse(null);
  }

  /** Pods of a namespace whose labels include {@code selector} (a Service's selector or a workload's template labels). */
  public List<PodInfo> pods(String namespace, Map<String, String> selector) {
    if (selector.isEmpty()) {
      return List.of(); // a Service without selector selects no pods, not all of them
    }
    return client.pods().inNamespace(namespace).withLabels(selector).list().getItems().stream().map(PodInfo::of)
        .sorted(Comparator.comparing(PodInfo::name)).toList();
  }

  /**
   * Events of a namespace, newest first (at most {@code limit}): all of them, those of a pod, or
   * those of a workload together with its ReplicaSets' and pods' (told by the names their
   * controllers give them), which is the history a user drilling into a workload wants.
   */
  public List<EventInfo> events(String namespace, String workload, String pod, int limit) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && e.getInvolvedObject().getName() != null)
        .filter(e -> {
          String name = e.getInvolvedObject().getName();
          if (pod != null) {
            return name.equals(pod) && "Pod".equals(e.getInvolvedObject().getKind());
          }
          return workload == null || ControllerNames.ownedBy(name, workload);
        })
        .map(EventInfo::of)
        .sorted(Comparator.comparing(EventInfo::lastSeen, Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
        .limit(limit)
        .toList();
  }

  /**
   * The last {@code tailLines} lines a container wrote (kubectl logs --tail), at most
   * {@link #LOG_BYTES}; without a container, the one kubectl picks: the pod's
   * kubectl.kubernetes.io/default-container (Istio's injector names the application there), else
   * its first. The API server refuses a pod of several containers without one.
   */
  public String podLogs(String namespace, String pod, String container, int tailLines) {
    var p = client.pods().inNamespace(namespace).withName(pod);
    String chosen = container;
    if (chosen == null || chosen.isBlank()) {
      Pod found = p.get();
      if (found == null) {
        throw new KubernetesClientException("pods \"" + pod + "\" not found", 404, null);
      }
      Map<String, String> annotations = found.getMetadata().getAnnotations() == null ? Map.of() : found.getMetadata().getAnnotations();
      chosen = annotations.getOrDefault("kubectl.kubernetes.io/default-container", found.getSpec().getContainers().get(0).getName());
    }
    return p.inContainer(chosen).limitBytes(LOG_BYTES).tailingLines(tailLines).getLog();
  }

  /** The most of a log one answer carries (a line of megabytes cannot fill the backend's memory). */
  public static final int LOG_BYTES = 1 << 20;

  private static int replicas(Integer r) {
    return r == null ? 1 : r;
  }

  private static List<String> namespaces(List<String> namespaces) {
    return namespaces == null || namespaces.isEmpty() ? Collections.singletonList(null) : namespaces;
  }

  /** The ControlPlane's spec.clusterName, else the name given at start (the kubeconfig context's cluster). */
  public String clusterName() {
    return controlPlaneSpec().get("clusterName") instanceof String name && !name.isBlank() ? name : fallbackClusterName;
  }

  /** The ControlPlane's smm.health.enabled (true unless it says false, or when it cannot be read). */
  public boolean healthEnabled() {
    try {
      return !(controlPlaneSpec().get("smm") instanceof Map<?, ?> smm && smm.get("health") instanceof Map<?, ?> health
          && Boolean.FALSE.equals(health.get("enabled")));
    } catch (KubernetesClientException e) {
      return true; // no ControlPlane CRD: nothing switched it off
    }
  }

  /** The spec of the ControlPlane "smm", read with the backend's identity; empty when there is none. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> controlPlaneSpec() {
    GenericKubernetesResource cp = own.genericKubernetesResources(CONTROL_PLANE).withName(CONTROL_PLANE_NAME).get();
    return cp != null && cp.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec ? (Map<String, Object>) spec : Map.of();
  }
}

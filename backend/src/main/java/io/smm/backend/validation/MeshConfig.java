package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A snapshot of everything the checks look at, from one cluster, from files, or both: Istio's
 * configuration kinds, IstioControlPlanes, namespaces, nodes, pods, services, deployments,
 * webhooks, config maps, service accounts and secrets (their credential judgement, never their
 * data), with Istio's MeshConfig ({@link #settings()}). Objects are indexed by kind, namespace and
 * name, so a check's lookups stay constant-time and an analysis linear. Checks read it; nothing
 * here talks to the API server.
 */
public final class MeshConfig {

  public static final String DEFAULT_ROOT_NAMESPACE = "istio-system";

  /** The Kubernetes Gateway API's Gateway, kept apart from Istio's Gateway of the same kind name. */
  public static final String KUBERNETES_GATEWAY = "Gateway.gateway.networking.k8s.io";

  /** Namespaces Istio's analysis leaves out, as istioctl analyze does. */
  public static final Set<String> IGNORED_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease",
      "local-path-storage");

  private final String cluster;
  private final JsonNode settings;
  private final String rootNamespace;
  private final List<KubeObject> objects;
  private final Map<String, List<KubeObject>> byKind = new HashMap<>();
  private final Map<String, List<KubeObject>> byKindAndNamespace = new HashMap<>();
  private final Map<String, KubeObject> byKey = new HashMap<>();
  private volatile ServiceRegistry services;
  private volatile LabelIndex<KubeObject> podsByLabel;
  private volatile JsonNode networks;

  public MeshConfig(String cluster, String rootNamespace, List<KubeObject> objects) {
    this(cluster, JsonNodeFactory.instance.objectNode().put("rootNamespace", rootNamespace), objects);
  }

  /**
   * @param settings Istio's MeshConfig (the {@code mesh} of the istio ConfigMap, or an
   *     IstioControlPlane's {@code spec.meshConfig}); fields it leaves out have Istio's defaults
   */
  public MeshConfig(String cluster, JsonNode settings, List<KubeObject> objects) {
    this.cluster = cluster;
    this.settings = settings;
    this.rootNamespace = settings.path("rootNamespace").asText("").isEmpty() ? DEFAULT_ROOT_NAMESPACE
        : settings.path("rootNamespace").asText();
    this.objects = List.copyOf(objects);
    for (KubeObject o : this.objects) {
      String type = o.group().startsWith("gateway.networking.k8s.io") ? o.kind() + "." + o.group() : o.kind();
      byKind.computeIfAbsent(type, k -> new ArrayList<>()).add(o);
      byKindAndNamespace.computeIfAbsent(type + "/" + o.namespace(), k -> new ArrayList<>()).add(o);
      byKey.putIfAbsent(type + "/" + o.namespace() + "/" + o.name(), o);
    }
  }

  /** This snapshot without the objects of the namespaces Istio's analysis ignores (kube-system, ...). */
  public MeshConfig withoutIgnoredNamespaces() {
    List<KubeObject> kept = objects.stream().filter(o -> !IGNORED_NAMESPACES.contains(o.namespace())
        && !(o.is("Namespace") && IGNORED_NAMESPACES.contains(o.name()))).toList();
    return kept.size() == objects.size() ? this : new MeshConfig(cluster, settings, kept);
  }

  /** This snapshot with {@code object} added, replacing a stored one of the same kind, namespace and name. */
  public MeshConfig with(KubeObject object) {
    List<KubeObject> out = new ArrayList<>();
    objects.stream().filter(o -> !o.sameAs(object)).forEach(out::add);
    out.add(object);
    return new MeshConfig(cluster, settings, out);
  }

  public String cluster() {
    return cluster;
  }

  /** Istio's MeshConfig as the snapshot knows it; absent fields mean Istio's defaults. */
  public JsonNode settings() {
    return settings;
  }

  /** Istio's MeshNetworks, from the istio ConfigMap or the IstioControlPlane (read on first use). */
  public JsonNode networks() {
    JsonNode n = networks;
    if (n == null) {
      n = MeshSettings.networks(objects, rootNamespace);
      networks = n;
    }
    return n;
  }

  /** Istio's root namespace: mesh-wide PeerAuthentications and Sidecars live here. */
  public String rootNamespace() {
    return rootNamespace;
  }

  /** Every object of the snapshot, in the order it was read. */
  public List<KubeObject> objects() {
    return objects;
  }

  public List<KubeObject> all(String kind) {
    return byKind.getOrDefault(kind, List.of());
  }

  public List<KubeObject> all(String kind, String namespace) {
    return byKindAndNamespace.getOrDefault(kind + "/" + namespace, List.of());
  }

  public Optional<KubeObject> find(String kind, String namespace, String name) {
    return Optional.ofNullable(byKey.get(kind + "/" + namespace + "/" + name));
  }

  public Optional<KubeObject> namespace(String name) {
    return find("Namespace", "", name);
  }

  /** The hosts the mesh knows (Services and ServiceEntries, by visibility), built once per snapshot. */
  public ServiceRegistry services() {
    ServiceRegistry s = services;
    if (s == null) {
      s = new ServiceRegistry(this);
      services = s;
    }
    return s;
  }

  /** Pods whose labels contain all of {@code selector}; in one namespace, or all when null. */
  public List<KubeObject> podsMatching(String namespace, Map<String, String> selector) {
    List<KubeObject> inNamespace = namespace == null ? all("Pod") : all("Pod", namespace);
    List<KubeObject> withRarestLabel = podsByLabel().candidates(selector);
    List<KubeObject> candidates = withRarestLabel.size() < inNamespace.size() ? withRarestLabel : inNamespace;
    return candidates.stream().filter(p -> (namespace == null || p.namespace().equals(namespace)) && selects(selector, p.labels()))
        .toList();
  }

  /**
   * The workload policies (Sidecars, Telemetries, ...) that select each pod of their own namespace
   * by a non-empty {@code selector}, by pod; a pod selected by two has conflicting policies.
   */
  public Map<KubeObject, List<KubeObject>> policiesByPod(List<KubeObject> policies, Function<KubeObject, Map<String, String>> selector) {
    Map<KubeObject, List<KubeObject>> out = new LinkedHashMap<>();
    for (KubeObject policy : policies) {
      Map<String, String> labels = selector.apply(policy);
      if (!labels.isEmpty()) {
        podsMatching(policy.namespace(), labels).forEach(p -> out.computeIfAbsent(p, k -> new ArrayList<>()).add(policy));
      }
    }
    return out;
  }

  private LabelIndex<KubeObject> podsByLabel() {
    LabelIndex<KubeObject> index = podsByLabel;
    if (index == null) {
      index = new LabelIndex<>(all("Pod"), KubeObject::labels);
      podsByLabel = index;
    }
    return index;
  }

  public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** The pods behind a Service (its selector, in its namespace); none for selector-less services. */
  public List<KubeObject> podsOf(KubeObject service) {
    Map<String, String> selector = KubeObject.strings(service.spec().path("selector"));
    return selector.isEmpty() ? List.of() : podsMatching(service.namespace(), selector);
  }

  /** The Kubernetes Service a fully qualified host names, if any. */
  public Optional<KubeObject> service(String fqdn) {
    String ns = Hosts.namespaceOf(fqdn);
    return ns == null ? Optional.empty() : find("Service", ns, fqdn.substring(0, fqdn.indexOf('.')));
  }

  /**
   * The revision ("cp-v115x.istio-system") that governs objects in a namespace: the namespace's
   * istio.io/rev label, else the only control plane when there is one; "" when unknown.
   */
  public String revisionOf(String namespace) {
    String label = namespace(namespace).map(n -> n.labels().get("istio.io/rev")).orElse(null);
    if (label != null) {
      return label;
    }
    List<KubeObject> planes = all("IstioControlPlane");
    return planes.size() == 1 ? planes.get(0).name() + "." + planes.get(0).namespace() : "";
  }

  public Optional<KubeObject> controlPlane(String revision) {
    int dot = revision.indexOf('.');
    return dot < 0 ? Optional.empty() : find("IstioControlPlane", revision.substring(dot + 1), revision.substring(0, dot));
  }

  /**
   * The mTLS mode a pod's sidecar enforces: workload PeerAuthentication over namespace over mesh
   * (root namespace), UNSET inheriting; PERMISSIVE when nothing says otherwise (Istio's default).
   */
  public String mtlsMode(KubeObject pod) {
    String mode = null;
    for (KubeObject pa : all("PeerAuthentication", pod.namespace())) {
      Map<String, String> selector = KubeObject.strings(pa.spec().path("selector").path("matchLabels"));
      if (!selector.isEmpty() && selects(selector, pod.labels())) {
        mode = explicitMode(pa);
      }
    }
    if (mode == null) {
      mode = policyMode(pod.namespace());
    }
    if (mode == null) {
      mode = policyMode(rootNamespace);
    }
    return mode == null ? "PERMISSIVE" : mode;
  }

  private String policyMode(String namespace) {
    return all("PeerAuthentication", namespace).stream()
        .filter(pa -> pa.spec().path("selector").path("matchLabels").isEmpty())
        .map(MeshConfig::explicitMode).filter(m -> m != null).findFirst().orElse(null);
  }

  private static String explicitMode(KubeObject pa) {
    String mode = pa.spec().path("mtls").path("mode").asText("");
    return mode.isEmpty() || mode.equals("UNSET") ? null : mode;
  }
}

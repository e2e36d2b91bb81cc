package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.DaemonThreads;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Istio configuration the simulated sidecars act on, re-read from the API every second (Envoy
 * gets it pushed by istiod within about as long). Each refresh builds one immutable
 * {@link Snapshot}: a request sees one consistent configuration, and specs are parsed once per
 * refresh, not once per request. A kind that cannot be listed keeps its last good state.
 */
public final class MeshResources implements AutoCloseable {

  /** An Istio resource with its spec parsed. */
  public record Rule(String namespace, String name, String resourceVersion, JsonNode spec) {
    static Rule of(GenericKubernetesResource r) {
      Object spec = r.getAdditionalProperties().get("spec");
      return new Rule(r.getMetadata().getNamespace(), r.getMetadata().getName(), r.getMetadata().getResourceVersion(),
          spec == null ? MissingNode.getInstance() : Serialization.jsonMapper().valueToTree(spec));
    }

    String key() {
      return namespace + "/" + name + "@" + resourceVersion;
    }
  }

  /** Everything one request is decided with; the WorkloadEntries are the VMs istiod adds to the Services that select them. */
  public record Snapshot(List<Rule> virtualServices, List<Rule> destinationRules, List<Rule> peerAuthentications, List<Rule> sidecars,
      List<Rule> serviceEntries, Map<String, JsonNode> meshConfigs, List<WorkloadEntryView> workloadEntries, MeshNetworks networks,
      List<String> caCertificates) {
    public static final Snapshot EMPTY = new Snapshot(List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), List.of(),
        MeshNetworks.NONE, List.of());

    /** Changes with any resource's version: what istiod's xDS nonces stand for. */
    public long version() {
      long v = 17;
      for (List<Rule> rules : List.of(virtualServices, destinationRules, peerAuthentications, sidecars, serviceEntries)) {
        for (Rule r : rules) {
          v = 31 * v + r.key().hashCode();
        }
      }
      for (WorkloadEntryView e : workloadEntries) {
        v = 31 * v + e.key().hashCode();
      }
      return 31 * (31 * (31 * v + meshConfigs.hashCode()) + networks.hashCode()) + caCertificates.hashCode();
    }

    /** Mesh config of the control plane revision {@code name.namespace}; missing node when unknown. */
    JsonNode meshConfig(String revision) {
      return revision == null ? MissingNode.getInstance() : meshConfigs.getOrDefault(revision, MissingNode.getInstance());
    }
  }

  private final KubernetesClient client;
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("demo-mesh-config"));
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  public MeshResources(KubernetesClient client) {
    this.client = client;
    refresher.scheduleWithFixedDelay(this::refresh, 0, 1, TimeUnit.SECONDS);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /**
   * Re-reads now (tests and callers that just changed a resource do not wait for the next tick).
   * One refresh at a time: otherwise a periodic refresh that listed before a change could finish
   * after this one and put the older configuration back.
   */
  public synchronized void refresh() {
    Snapshot last = snapshot;
    MeshConfigMaps meshConfigMaps = meshConfigMaps(last);
    Map<String, JsonNode> meshConfigs = new HashMap<>();
    for (Rule icp : list("servicemesh.cisco.com/v1alpha1", "IstioControlPlane", List.of(), Rule::of)) {
      meshConfigs.put(icp.name() + "." + icp.namespace(), icp.spec().path("meshConfig"));
    }
    snapshot = new Snapshot(
        list("networking.istio.io/v1beta1", "VirtualService", last.virtualServices(), Rule::of),
        list("networking.istio.io/v1beta1", "DestinationRule", last.destinationRules(), Rule::of),
        list("security.istio.io/v1beta1", "PeerAuthentication", last.peerAuthentications(), Rule::of),
        list("networking.istio.io/v1beta1", "Sidecar", last.sidecars(), Rule::of),
        list("networking.istio.io/v1beta1", "ServiceEntry", last.serviceEntries(), Rule::of),
        meshConfigs.isEmpty() ? last.meshConfigs() : Map.copyOf(meshConfigs),
        list("networking.istio.io/v1beta1", "WorkloadEntry", last.workloadEntries(), WorkloadEntryView::of),
        meshConfigMaps.networks(), meshConfigMaps.caCertificates());
  }

  private record MeshConfigMaps(MeshNetworks networks, List<String> caCertificates) {}

  /**
   * From the control planes' mesh ConfigMaps (label istio=meshconfig), as their istiods read them:
   * the meshNetworks, and the mesh config's caCertificates (the roots of the other clusters' CAs,
   * which the istio-operator adds for a multi-cluster mesh; proxies trust them beside their own).
   */
  private MeshConfigMaps meshConfigMaps(Snapshot last) {
    try {
      MeshNetworks all = MeshNetworks.NONE;
      Set<String> roots = new TreeSet<>();
      for (ConfigMap cm : client.configMaps().inAnyNamespace().withLabel("istio", "meshconfig").list().getItems()) {
        Map<String, String> data = cm.getData() == null ? Map.of() : cm.getData();
        all = all.and(MeshNetworks.parse(data.get("meshNetworks")));
        caCertificates(data.get("mesh")).forEach(roots::add);
      }
      return new MeshConfigMaps(all, List.copyOf(roots));
    } catch (RuntimeException e) {
      return new MeshConfigMaps(last.networks(), last.caCertificates());
    }
  }

  private static List<String> caCertificates(String meshYaml) {
    if (meshYaml == null || meshYaml.isBlank()) {
      return List.of();
    }
    try {
      List<String> pems = new java.util.ArrayList<>();
      YAML.readTree(meshYaml).path("caCertificates").forEach(c -> {
        if (c.path("pem").isTextual()) {
          pems.add(c.path("pem").asText());
        }
      });
      return pems;
    } catch (java.io.IOException e) {
      return List.of(); // istiod would refuse the mesh config: nothing more is trusted
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

  private <T> List<T> list(String apiVersion, String kind, List<T> last, Function<GenericKubernetesResource, T> parse) {
    try {
      return client.genericKubernetesResources(apiVersion, kind).inAnyNamespace().list().getItems().stream().map(parse).toList();
    } catch (KubernetesClientException e) {
      return e.getCode() == 404 ? List.of() : last; // 404: the CRD is not installed (yet)
    } catch (RuntimeException e) {
      return last;
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}

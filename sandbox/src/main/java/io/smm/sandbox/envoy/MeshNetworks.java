package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Istio's meshNetworks (the mesh ConfigMap's key of that name): which network each cluster's
 * endpoints belong to ({@code fromRegistry: <cluster ID>}) and the gateways through which a
 * network is reached from the others (address and port, 15443). istiod gives a sidecar the
 * endpoints of its own network directly and those of another network as that network's gateway;
 * a network without a gateway cannot be reached and its endpoints are left out.
 */
public record MeshNetworks(Map<String, String> networkOfCluster, Map<String, List<Gateway>> gateways) {

  public static final MeshNetworks NONE = new MeshNetworks(Map.of(), Map.of());
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A network's gateway as meshNetworks names it. */
  public record Gateway(String address, int port) {
    @Override
    public String toString() {
      return address + ":" + port;
    }
  }

  /** Parses the YAML of a meshNetworks key; what does not parse counts as no networks (istiod keeps a flat network then). */
  public static MeshNetworks parse(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return NONE;
    }
    try {
      JsonNode networks = YAML.readTree(yaml);
      return networks == null ? NONE : of(networks.path("networks"));
    } catch (IOException e) {
      return NONE;
    }
  }

  static MeshNetworks of(JsonNode networks) {
    Map<String, String> clusters = new HashMap<>();
    Map<String, List<Gateway>> gateways = new HashMap<>();
    networks.fields().forEachRemaining(n -> {
      n.getValue().path("endpoints").forEach(e -> {
        if (e.hasNonNull("fromRegistry")) {
          clusters.putIfAbsent(e.path("fromRegistry").asText(), n.getKey());
        }
      });
      List<Gateway> list = new ArrayList<>();
      n.getValue().path("gateways").forEach(g -> {
        if (g.hasNonNull("address")) {
          list.add(new Gateway(g.path("address").asText(), g.path("port").asInt(15443)));
        }
      });
      gateways.put(n.getKey(), List.copyOf(list));
    });
    return new MeshNetworks(Map.copyOf(clusters), Map.copyOf(gateways));
  }

  /** Both together; the first one's entry wins where both name a cluster. */
  public MeshNetworks and(MeshNetworks other) {
    Map<String, String> clusters = new HashMap<>(other.networkOfCluster);
    clusters.putAll(networkOfCluster);
    Map<String, List<Gateway>> all = new HashMap<>(other.gateways);
    all.putAll(gateways);
    return new MeshNetworks(Map.copyOf(clusters), Map.copyOf(all));
  }

  public Optional<String> networkOf(String clusterId) {
    return Optional.ofNullable(networkOfCluster.get(clusterId));
  }

  public List<Gateway> gateways(String network) {
    return gateways.getOrDefault(network, List.of());
  }

  /** The clusters whose endpoints are on {@code network}. */
  public Set<String> clustersOf(String network) {
    Set<String> out = new TreeSet<>();
    networkOfCluster.forEach((cluster, n) -> {
      if (n.equals(network)) {
        out.add(cluster);
      }
    });
    return out;
  }
}

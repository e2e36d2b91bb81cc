package io.smm.sandbox.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an Istio ingress gateway's Envoy is programmed with, read from the API: the Gateways that
 * select the gateway pod and have a server on a port, and the VirtualServices bound to them, matched
 * by host, port and URI as Envoy's route table does: VirtualServices for the same host are merged
 * oldest first (creation time, then name, as istiod orders them), the first matching route wins,
 * no route is a 404.
 */
final class GatewayRoutes {

  /** Where a request goes: a service (namespace, name) and port. */
  record Destination(String namespace, String service, int port) {}

  /** A Gateway server's TLS settings: the credential Secret in the gateway pod's namespace. */
  record Tls(String credentialName) {}

  /** Where the Gateways and VirtualServices are read: the cluster of the istiod that configures the gateway. */
  private final java.util.function.Supplier<KubernetesClient> config;

  GatewayRoutes(java.util.function.Supplier<KubernetesClient> config) {
    this.config = config;
  }

  private List<GenericKubernetesResource> list(String kind) {
    try {
      return config.get().genericKubernetesResources("networking.istio.io/v1beta1", kind).inAnyNamespace().list().getItems();
    } catch (KubernetesClientException e) {
      return List.of();
    }
  }

  private static JsonNode spec(GenericKubernetesResource r) {
    return Serialization.jsonMapper().valueToTree(r.getAdditionalProperties().get("spec"));
  }

  /** The servers of Gateways selecting {@code pod} on {@code port} for {@code host}, each with its Gateway. */
  List<Map.Entry<GenericKubernetesResource, JsonNode>> servers(Pod pod, int port, String host) {
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    List<Map.Entry<GenericKubernetesResource, JsonNode>> out = new ArrayList<>();
    for (GenericKubernetesResource gw : list("Gateway")) {
      JsonNode spec = spec(gw);
      boolean selects = true;
      for (var it = spec.path("selector").fields(); it.hasNext(); ) {
        var e = it.next();
        selects &= e.getValue().asText().equals(labels.get(e.getKey()));
      }
      if (!selects) {
        continue;
      }
      for (JsonNode server : spec.path("servers")) {
        if (server.at("/port/number").asInt() == port && hostMatches(server.path("hosts"), host)) {
          out.add(Map.entry(gw, server));
        }
      }
    }
    return out;
  }

  /** The TLS credential of the first server on {@code port} for the SNI name. */
  Optional<Tls> tls(Pod pod, int port, String sni) {
    return servers(pod, port, sni).stream().map(Map.Entry::getValue).filter(s -> s.at("/tls/credentialName").isTextual())
        .map(s -> new Tls(s.at("/tls/credentialName").asText())).findFirst();
  }

  /** The destination of a request to {@code host} + {@code path} on the gateway's {@code port}; empty: no route. */
  Optional<Destination> route(Pod pod, int port, String host, String path) {
    for (GenericKubernetesResource vs : boundVirtualServices(servers(pod, port, host))) {
      JsonNode spec = spec(vs);
      if (!hostMatches(spec.path("hosts"), host)) {
        continue;
      }
      for (JsonNode http : spec.path("http")) {
        if (matches(http.path("match"), path, port)) {
          return Optional.of(destination(http.at("/route/0/destination"), vs.getMetadata().getNamespace(), 80));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Where a connection to the gateway's {@code port} goes when a Gateway server there is in TLS
   * PASSTHROUGH for every host: the first {@code tls} route of a VirtualService bound to it that
   * matches the port for every SNI name ({@code sniHosts: ['*']}), as the meshexpansion gateway's
   * istiod route (15012) is. Routes for named SNI hosts are not followed: the sandbox's connections
   * through such a port (a VM's registration) carry no TLS to read a name from.
   */
  Optional<Destination> tlsPassthroughRoute(Pod pod, int port) {
    List<Map.Entry<GenericKubernetesResource, JsonNode>> passthrough = servers(pod, port, "*").stream()
        .filter(e -> "PASSTHROUGH".equals(e.getValue().at("/tls/mode").asText())).toList();
    for (GenericKubernetesResource vs : boundVirtualServices(passthrough)) {
      for (JsonNode tls : spec(vs).path("tls")) {
        for (JsonNode match : tls.path("match")) {
          boolean anySni = false;
          for (JsonNode sni : match.path("sniHosts")) {
            anySni |= "*".equals(sni.asText());
          }
          if (anySni && (!match.has("port") || match.path("port").asInt() == port)) {
            return Optional.of(destination(tls.at("/route/0/destination"), vs.getMetadata().getNamespace(), port));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The VirtualServices bound to the servers' Gateways, oldest first (creation time, then name, as istiod orders them). */
  private List<GenericKubernetesResource> boundVirtualServices(List<Map.Entry<GenericKubernetesResource, JsonNode>> servers) {
    List<String> gateways = new ArrayList<>();
    servers.forEach(e -> gateways.add(e.getKey().getMetadata().getNamespace() + "/" + e.getKey().getMetadata().getName()));
    if (gateways.isEmpty()) {
      return List.of();
    }
    List<GenericKubernetesResource> bound = new ArrayList<>();
    for (GenericKubernetesResource vs : list("VirtualService")) {
      String namespace = vs.getMetadata().getNamespace();
      for (JsonNode g : spec(vs).path("gateways")) {
        String ref = g.asText().contains("/") ? g.asText() : namespace + "/" + g.asText();
        if (gateways.contains(ref)) {
          bound.add(vs);
          break;
        }
      }
    }
    bound.sort(Comparator.comparing((GenericKubernetesResource v) -> String.valueOf(v.getMetadata().getCreationTimestamp()))
        .thenComparing(v -> v.getMetadata().getName()));
    return bound;
  }

  /** A route destination: its host (short names in the VirtualService's namespace) and port. */
  private static Destination destination(JsonNode destination, String namespace, int defaultPort) {
    String[] parts = destination.path("host").asText().split("\\.");
    return new Destination(parts.length > 1 ? parts[1] : namespace, parts[0], destination.at("/port/number").asInt(defaultPort));
  }

  private static boolean matches(JsonNode matches, String path, int port) {
    if (!matches.isArray() || matches.isEmpty()) {
      return true;
    }
    for (JsonNode m : matches) {
      JsonNode uri = m.path("uri");
      if (m.has("port") && m.path("port").asInt() != port) {
        continue;
      }
      if (uri.isMissingNode() || uri.has("exact") && uri.path("exact").asText().equals(path)
          || uri.has("prefix") && path.startsWith(uri.path("prefix").asText())
          || uri.has("regex") && path.matches(uri.path("regex").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Istio's host matching: "*", "*.suffix" or the name, each optionally "namespace/"-scoped. */
  static boolean hostMatches(JsonNode hosts, String host) {
    String name = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase();
    for (JsonNode h : hosts) {
      String pattern = h.asText().contains("/") ? h.asText().substring(h.asText().indexOf('/') + 1) : h.asText();
      if (pattern.equals("*") || pattern.equalsIgnoreCase(name) || pattern.startsWith("*.") && name.endsWith(pattern.substring(1))) {
        return true;
      }
    }
    return false;
  }
}

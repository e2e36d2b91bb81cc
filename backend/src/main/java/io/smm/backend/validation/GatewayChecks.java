package io.smm.backend.validation;

import io.smm.api.selector.LabelSelectors;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Gateway checks: the seed's reused-cert and port protocol conflicts, and the rules of Istio's
 * gateway analyzers (workload and ports, credentials, conflicting servers).
 */
final class GatewayChecks {

  private GatewayChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("gateway/reused-cert", Severity.ERROR, "Several Gateways on the same gateway pods use one TLS certificate:"
            + " browsers reuse the HTTP/2 connection and get 404s.", IstioMessage.GATEWAY_DUPLICATE_CERTIFICATE,
            GatewayChecks::reusedCertificate),
        new Check("gateway/port/protocol-conflict", Severity.ERROR,
            "Gateways on the same gateway pods declare one port number with different protocols.", GatewayChecks::protocolConflict),
        new Check("gateway/server/conflict", IstioMessage.CONFLICTING_GATEWAYS,
            "Gateways on the same gateway pods declare the same port and host: only one of them gets the traffic.",
            GatewayChecks::serverConflict),
        new Check("gateway/selector/no-pods", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "The selector matches no pod: no gateway serves this configuration.", GatewayChecks::selectorWithoutPods),
        new Check("gateway/port/not-exposed", IstioMessage.GATEWAY_PORT_NOT_DEFINED_ON_SERVICE,
            "A server's port is not a (target) port of the gateway's Service, so no traffic reaches it.", GatewayChecks::portNotExposed),
        new Check("gateway/secret/not-found", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "A server's credentialName names a Secret that does not exist in the gateway's namespace.", GatewayChecks::secretNotFound),
        new Check("gateway/secret/invalid", IstioMessage.INVALID_GATEWAY_CREDENTIAL,
            "A server's credentialName Secret has no certificate and key, or its certificate cannot be parsed, has expired or is not"
                + " yet valid.", GatewayChecks::secretInvalid));
  }

  /** One server of one gateway, with where it is. */
  record Server(KubeObject gateway, int index, JsonNode server) {
    String path() {
      return "spec.servers[" + index + "]";
    }

    int port() {
      return server.path("port").path("number").asInt();
    }
  }

  private static List<Server> servers(KubeObject gw) {
    List<Server> out = new ArrayList<>();
    JsonNode servers = gw.spec().path("servers");
    for (int i = 0; i < servers.size(); i++) {
      out.add(new Server(gw, i, servers.get(i)));
    }
    return out;
  }

  private static List<Server> servers(MeshConfig mesh) {
    return mesh.all("Gateway").stream().flatMap(gw -> servers(gw).stream()).toList();
  }

  private static Map<String, String> selector(KubeObject gw) {
    return KubeObject.strings(gw.spec().path("selector"));
  }

  /** The pods a Gateway configures: its selector over all namespaces; an empty selector selects every pod. */
  static List<KubeObject> gatewayPods(MeshConfig mesh, KubeObject gw) {
    return mesh.podsMatching(null, selector(gw));
  }

  /** Where Istio looks for credentialName secrets: the namespace of the (first) gateway pod; null without one. */
  private static String secretNamespace(MeshConfig mesh, KubeObject gw) {
    List<KubeObject> pods = gatewayPods(mesh, gw);
    return pods.isEmpty() ? null : pods.get(0).namespace();
  }

  /**
   * As Istio's CertificateAnalyzer: a Gateway is compared with every Gateway whose selector contains
   * its own (all when it has none); each pair of TLS servers on one certificate is reported on it.
   */
  private static void reusedCertificate(MeshConfig mesh, Check.Reporter report) {
    // Only servers on one certificate can pair up: group them by it first.
    Map<String, List<Server>> byCertificate = new LinkedHashMap<>();
    for (Server s : servers(mesh)) {
      JsonNode tls = s.server().path("tls");
      String credential = tls.path("credentialName").asText("");
      String key = !credential.isEmpty() ? "credential " + credential : tls.path("serverCertificate").asText("").isEmpty()
          || tls.path("privateKey").asText("").isEmpty() ? null : "file " + tls.path("serverCertificate").asText() + " "
          + tls.path("privateKey").asText();
      if (key != null) {
        byCertificate.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      }
    }
    for (List<Server> sharing : byCertificate.values()) {
      for (Server mine : sharing) {
        Map<String, String> own = selector(mine.gateway());
        for (Server theirs : sharing) {
          KubeObject other = theirs.gateway();
          if (other == mine.gateway() || !selector(other).entrySet().containsAll(own.entrySet())) {
            continue;
          }
          // The seed's message and context ("reusedCertificateSecret: secret:master:istio-system:example-wildcard-cert").
          report.problem(mine.gateway(), mine.path() + ".port", "multiple gateways configured with same TLS certificate",
              Map.of("reusedCertificateSecret", certificate(mesh, mine.gateway(), mine.server().path("tls")), "port",
                  String.valueOf(mine.port()), "otherGateway", name(other)));
        }
      }
    }
  }

  /** A server's certificate as the seed names it: the Secret's subject key, or the file for file-mounted certificates. */
  private static String certificate(MeshConfig mesh, KubeObject gw, JsonNode tls) {
    String credential = tls.path("credentialName").asText("");
    if (credential.isEmpty()) {
      return tls.path("serverCertificate").asText("");
    }
    String ns = secretNamespace(mesh, gw);
    return "secret:" + mesh.cluster() + ":" + (ns == null ? gw.namespace() : ns) + ":" + credential;
  }

  private static String name(KubeObject o) {
    return o.namespace().isEmpty() ? o.name() : o.namespace() + "/" + o.name();
  }

  private static void protocolConflict(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<Server>> byPort = new LinkedHashMap<>();
    for (Server s : servers(mesh)) {
      byPort.computeIfAbsent(selector(s.gateway()) + " " + s.port(), k -> new ArrayList<>()).add(s);
    }
    byPort.values().forEach(list -> {
      long protocols = list.stream().map(s -> s.server().path("port").path("protocol").asText("")).distinct().count();
      if (protocols > 1) {
        for (Server s : list) {
          JsonNode port = s.server().path("port");
          report.problem(s.gateway(), s.path(), "Conflicting gateway port protocols",
              Map.of("port", port.path("number").asText(), "protocol", port.path("protocol").asText()));
        }
      }
    });
  }

  /**
   * As Istio's ConflictingGatewayAnalyzer: Gateways whose selectors are equal, or overlap on a pod,
   * conflict on a port when one's server repeats a host (with the same bind) of the other's last
   * server on that port.
   */
  private static void serverConflict(MeshConfig mesh, Check.Reporter report) {
    // selector -> port -> gateway name -> host -> bind of that gateway's last server on the port
    Map<String, Map<Integer, Map<String, Map<String, String>>>> bySelector = new LinkedHashMap<>();
    for (KubeObject gw : mesh.all("Gateway")) {
      Map<Integer, Map<String, Map<String, String>>> byPort = bySelector.computeIfAbsent(LabelSelectors.text(selector(gw)),
          k -> new HashMap<>());
      for (Server s : servers(gw)) {
        Map<String, String> hosts = new HashMap<>();
        s.server().path("hosts").forEach(h -> hosts.put(h.asText(), s.server().path("bind").asText("")));
        byPort.computeIfAbsent(s.port(), k -> new LinkedHashMap<>()).put(name(gw), hosts);
      }
    }
    for (KubeObject gw : mesh.all("Gateway")) {
      Map<String, String> own = selector(gw);
      String selector = LabelSelectors.text(own);
      // Gateways with the same selector, or one that contains this one's text and shares a pod with it (Istio's rule).
      List<Map<Integer, Map<String, Map<String, String>>>> sameWorkload = new ArrayList<>();
      for (Map.Entry<String, Map<Integer, Map<String, Map<String, String>>>> e : bySelector.entrySet()) {
        String other = e.getKey();
        boolean match = other.equals(selector);
        if (!match && (other.contains(selector) || selector.contains(other))) {
          Map<String, String> otherSelector = parseSelector(other);
          match = mesh.podsMatching(null, own).stream().anyMatch(p -> MeshConfig.selects(otherSelector, p.labels()));
        }
        if (match) {
          sameWorkload.add(e.getValue());
        }
      }
      for (Server s : servers(gw)) {
        List<String> conflicting = new ArrayList<>();
        for (Map<Integer, Map<String, Map<String, String>>> byPort : sameWorkload) {
          byPort.getOrDefault(s.port(), Map.of()).forEach((otherName, hosts) -> {
            if (!otherName.equals(name(gw)) && repeatsHost(s.server(), hosts)) {
              conflicting.add(otherName);
            }
          });
        }
        if (!conflicting.isEmpty()) {
          conflicting.sort(null);
          List<String> hosts = new ArrayList<>();
          s.server().path("hosts").forEach(h -> hosts.add(h.asText()));
          report.problem(gw, s.path(), "Conflict with gateways " + String.join(",", conflicting) + " (workload selector " + selector
              + ", port " + s.port() + ", hosts " + String.join(",", hosts) + ").", Map.of("conflictsWith", String.join(",", conflicting),
              "port", String.valueOf(s.port())));
        }
      }
    }
  }

  private static boolean repeatsHost(JsonNode server, Map<String, String> hosts) {
    String bind = server.path("bind").asText("");
    for (JsonNode h : server.path("hosts")) {
      if (hosts.containsKey(h.asText()) && hosts.get(h.asText()).equals(bind)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> parseSelector(String selector) {
    Map<String, String> out = new HashMap<>();
    for (String pair : selector.split(",")) {
      String[] kv = pair.split("=");
      if (kv.length == 2) {
        out.put(kv[0], kv[1]);
      }
    }
    return out;
  }

  private static void selectorWithoutPods(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject gw : mesh.all("Gateway")) {
      if (gatewayPods(mesh, gw).isEmpty()) {
        String selector = LabelSelectors.text(selector(gw));
        report.problem(gw, "spec.selector", "Referenced selector not found: \"" + selector + "\"", Map.of("selector", selector));
      }
    }
  }

  /**
   * As Istio's IngressGatewayPortAnalyzer: the ports of the Services (in the pods' namespace) that
   * select a gateway pod; a server's port must be one's target port or one's port.
   */
  private static void portNotExposed(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject gw : mesh.all("Gateway")) {
      List<KubeObject> pods = gatewayPods(mesh, gw);
      if (pods.isEmpty()) {
        continue; // reported by gateway/selector/no-pods
      }
      Set<Integer> ports = new HashSet<>();
      for (KubeObject pod : pods) {
        for (KubeObject svc : mesh.all("Service", pod.namespace())) {
          if (!MeshConfig.selects(KubeObject.strings(svc.spec().path("selector")), pod.labels())) {
            continue;
          }
          for (JsonNode p : svc.spec().path("ports")) {
            if (!p.path("protocol").asText("TCP").equals("TCP")) {
              continue;
            }
            int target = p.path("targetPort").isInt() ? p.path("targetPort").asInt() : 0;
            ports.add(p.path("port").asInt());
            if (target != 0) {
              ports.add(target);
            }
          }
        }
      }
      for (Server s : servers(gw)) {
        if (s.server().has("port") && !ports.contains(s.port())) {
          String selector = LabelSelectors.text(selector(gw));
          report.problem(gw, s.path() + ".port.number", "The gateway is listening on a target port (port " + s.port() + ") that is not"
              + " defined in the Service associated with its workload instances (Pod selector " + selector + ").",
              Map.of("port", String.valueOf(s.port())));
        }
      }
    }
  }

  /** The Secret a server's credentialName names ("name" in the gateway pods' namespace, or "namespace/name"). */
  private static String[] credential(MeshConfig mesh, Server s) {
    String name = s.server().path("tls").path("credentialName").asText("");
    String ns = secretNamespace(mesh, s.gateway());
    if (name.isEmpty() || ns == null) {
      return null;
    }
    int slash = name.indexOf('/');
    return slash < 0 ? new String[] {ns, name} : new String[] {name.substring(0, slash), name.substring(slash + 1)};
  }

  private static void secretNotFound(MeshConfig mesh, Check.Reporter report) {
    for (Server s : servers(mesh)) {
      String[] ref = credential(mesh, s);
      if (ref != null && mesh.find("Secret", ref[0], ref[1]).isEmpty()) {
        String name = s.server().path("tls").path("credentialName").asText();
        report.problem(s.gateway(), s.path() + ".tls.credentialName", "Referenced credentialName not found: \"" + name + "\"",
            Map.of("secret", "secret:" + mesh.cluster() + ":" + ref[0] + ":" + ref[1]));
      }
    }
  }

  private static void secretInvalid(MeshConfig mesh, Check.Reporter report) {
    for (Server s : servers(mesh)) {
      String[] ref = credential(mesh, s);
      KubeObject secret = ref == null ? null : mesh.find("Secret", ref[0], ref[1]).orElse(null);
      String problem = secret == null ? null : GatewayCredentials.problem(secret);
      if (problem != null) {
        report.problem(s.gateway(), s.path() + ".tls.credentialName", "The credential referenced by the Gateway " + s.gateway().name()
            + " in namespace " + ref[0] + " is invalid, which can cause the traffic not to work as expected: " + problem,
            Map.of("secret", "secret:" + mesh.cluster() + ":" + ref[0] + ":" + ref[1]));
      }
    }
  }

  static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }
}

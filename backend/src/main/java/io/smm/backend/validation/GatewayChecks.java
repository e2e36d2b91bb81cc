package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Gateway checks: the seed's reused-cert and port protocol conflicts, and references istioctl checks. */
final class GatewayChecks {

  private GatewayChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("gateway/reused-cert", Severity.ERROR,
            "Several Gateways on the same gateway pods use one TLS certificate: browsers reuse the HTTP/2 connection and get 404s.",
            GatewayChecks::reusedCertificate),
        new Check("gateway/port/protocol-conflict", Severity.ERROR,
            "Gateways on the same gateway pods declare one port number with different protocols.", GatewayChecks::protocolConflict),
        new Check("gateway/selector/no-pods", Severity.ERROR,
            "The selector matches no pod: no gateway serves this configuration.", GatewayChecks::selectorWithoutPods),
        new Check("gateway/port/not-exposed", Severity.WARNING,
            "A server's port is not a port of the gateway's Service, so no traffic reaches it.", GatewayChecks::portNotExposed),
        new Check("gateway/secret/not-found", Severity.ERROR,
            "A server's credentialName names a Secret that does not exist in the gateway's namespace.", GatewayChecks::secretNotFound));
  }

  /** One server of one gateway, with where it is. */
  record Server(KubeObject gateway, int index, JsonNode server) {
    String path() {
      return "spec.servers[" + index + "]";
    }
  }

  private static List<Server> servers(MeshConfig mesh) {
    List<Server> out = new ArrayList<>();
    for (KubeObject gw : mesh.all("Gateway")) {
      JsonNode servers = gw.spec().path("servers");
      for (int i = 0; i < servers.size(); i++) {
        out.add(new Server(gw, i, servers.get(i)));
      }
    }
    return out;
  }

  private static Map<String, String> selector(KubeObject gw) {
    return KubeObject.strings(gw.spec().path("selector"));
  }

  /** The gateway pods a Gateway configures (selector over all namespaces, as Istio's default). */
  static List<KubeObject> gatewayPods(MeshConfig mesh, KubeObject gw) {
    Map<String, String> selector = selector(gw);
    return selector.isEmpty() ? List.of() : mesh.podsMatching(null, selector);
  }

  /** Where Istio looks for credentialName secrets: the gateway pods' namespace, else the Gateway's own. */
  private static String secretNamespace(MeshConfig mesh, KubeObject gw) {
    List<KubeObject> pods = gatewayPods(mesh, gw);
    return pods.isEmpty() ? gw.namespace() : pods.get(0).namespace();
  }

  private static void reusedCertificate(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<Server>> byCertificate = new LinkedHashMap<>();
    for (Server s : servers(mesh)) {
      JsonNode tls = s.server().path("tls");
      String cert = tls.path("credentialName").asText("");
      String secret = cert.isEmpty() ? tls.path("serverCertificate").asText("") : "secret:" + mesh.cluster() + ":"
          + secretNamespace(mesh, s.gateway()) + ":" + cert;
      if (!secret.isEmpty()) {
        byCertificate.computeIfAbsent(selector(s.gateway()) + " " + secret, k -> new ArrayList<>()).add(s);
      }
    }
    byCertificate.forEach((key, list) -> {
      if (list.stream().map(Server::gateway).distinct().count() > 1) {
        for (Server s : list) {
          report.problem(s.gateway(), "spec.servers[" + s.index() + "].port", "multiple gateways configured with same TLS certificate",
              Map.of("reusedCertificateSecret", key.substring(key.indexOf(' ') + 1), "port", s.server().path("port").path("number").asText()));
        }
      }
    });
  }

  private static void protocolConflict(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<Server>> byPort = new LinkedHashMap<>();
    for (Server s : servers(mesh)) {
      byPort.computeIfAbsent(selector(s.gateway()) + " " + s.server().path("port").path("number").asInt(), k -> new ArrayList<>()).add(s);
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

  private static void selectorWithoutPods(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject gw : mesh.all("Gateway")) {
      if (gatewayPods(mesh, gw).isEmpty()) {
        report.problem(gw, "spec.selector", "no pod matches the selector " + selector(gw), Map.of());
      }
    }
  }

  private static void portNotExposed(MeshConfig mesh, Check.Reporter report) {
    for (Server s : servers(mesh)) {
      List<KubeObject> pods = gatewayPods(mesh, s.gateway());
      if (pods.isEmpty()) {
        continue; // reported by gateway/selector/no-pods
      }
      List<KubeObject> services = mesh.all("Service").stream()
          .filter(svc -> mesh.podsOf(svc).stream().anyMatch(pods::contains)).toList();
      int number = s.server().path("port").path("number").asInt();
      boolean exposed = services.stream().flatMap(svc -> stream(svc.spec().path("ports")))
          .anyMatch(p -> p.path("port").asInt() == number || p.path("targetPort").asInt(-1) == number);
      if (!exposed) {
        report.problem(s.gateway(), s.path() + ".port.number", "port " + number + " is not exposed by the gateway's service",
            Map.of("port", String.valueOf(number)));
      }
    }
  }

  private static void secretNotFound(MeshConfig mesh, Check.Reporter report) {
    for (Server s : servers(mesh)) {
      String name = s.server().path("tls").path("credentialName").asText("");
      if (name.isEmpty()) {
        continue;
      }
      String ns = secretNamespace(mesh, s.gateway());
      if (mesh.find("Secret", ns, name).isEmpty()) {
        report.problem(s.gateway(), s.path() + ".tls.credentialName", "secret " + ns + "/" + name + " not found",
            Map.of("secret", "secret:" + mesh.cluster() + ":" + ns + ":" + name));
      }
    }
  }

  static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }
}

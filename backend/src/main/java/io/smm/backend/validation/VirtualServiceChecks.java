package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** VirtualService checks (istioctl IST0101/IST0130/IST0109, Kiali KIA11xx). */
final class VirtualServiceChecks {

  private VirtualServiceChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("virtualservice/destination/host-not-found", Severity.ERROR,
            "A route or mirror destination names a host that is neither a Kubernetes service nor a ServiceEntry host.",
            VirtualServiceChecks::hostNotFound),
        new Check("virtualservice/destination/subset-not-found", Severity.ERROR,
            "A destination names a subset no DestinationRule for its host defines (requests fail with 503 NC).",
            VirtualServiceChecks::subsetNotFound),
        new Check("virtualservice/gateway/not-found", Severity.ERROR,
            "The VirtualService is bound to a Gateway that does not exist.", VirtualServiceChecks::gatewayNotFound),
        new Check("virtualservice/route/weights", Severity.ERROR,
            "The weights of a route's destinations do not add up to 100.", VirtualServiceChecks::weights),
        new Check("virtualservice/route/unreachable", Severity.WARNING,
            "An HTTP route can never match: an earlier route matches everything or has the same match.",
            VirtualServiceChecks::unreachable),
        new Check("virtualservice/host/conflict", Severity.WARNING,
            "Several VirtualServices route the same host on the same gateway; Istio uses only the oldest one.",
            VirtualServiceChecks::conflicts));
  }

  /** Every destination of a VirtualService with its path: http/tcp/tls routes and mirrors. */
  record Destination(String path, JsonNode destination) {}

  static List<Destination> destinations(KubeObject vs) {
    List<Destination> out = new ArrayList<>();
    for (String section : List.of("http", "tcp", "tls")) {
      JsonNode routes = vs.spec().path(section);
      for (int i = 0; i < routes.size(); i++) {
        JsonNode dests = routes.get(i).path("route");
        for (int j = 0; j < dests.size(); j++) {
          out.add(new Destination("spec." + section + "[" + i + "].route[" + j + "].destination", dests.get(j).path("destination")));
        }
        if (routes.get(i).has("mirror")) {
          out.add(new Destination("spec." + section + "[" + i + "].mirror", routes.get(i).path("mirror")));
        }
      }
    }
    return out;
  }

  private static void hostNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      for (Destination d : destinations(vs)) {
        String host = d.destination().path("host").asText("");
        if (!host.isEmpty() && !mesh.hostExists(host, vs.namespace())) {
          report.problem(vs, d.path() + ".host", "host \"" + host + "\" not found: no service or ServiceEntry has it",
              Map.of("host", host));
        }
      }
    }
  }

  private static void subsetNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      for (Destination d : destinations(vs)) {
        String subset = d.destination().path("subset").asText("");
        String host = d.destination().path("host").asText("");
        if (subset.isEmpty() || host.isEmpty() || !mesh.hostExists(host, vs.namespace())) {
          continue; // an unknown host is reported once, by host-not-found
        }
        String fqdn = Hosts.fqdn(host, vs.namespace());
        boolean defined = mesh.all("DestinationRule").stream()
            .filter(dr -> Hosts.matches(Hosts.fqdn(dr.spec().path("host").asText(""), dr.namespace()), fqdn))
            .anyMatch(dr -> DestinationRuleChecks.subsetNames(dr).contains(subset));
        if (!defined) {
          report.problem(vs, d.path() + ".subset", "subset \"" + subset + "\" of host \"" + host
              + "\" is not defined by any DestinationRule", Map.of("host", host, "subset", subset));
        }
      }
    }
  }

  private static void gatewayNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      JsonNode gateways = vs.spec().path("gateways");
      for (int i = 0; i < gateways.size(); i++) {
        String ref = gateways.get(i).asText();
        if (ref.equals("mesh")) {
          continue;
        }
        String ns = ref.contains("/") ? ref.substring(0, ref.indexOf('/')) : vs.namespace();
        String name = ref.contains("/") ? ref.substring(ref.indexOf('/') + 1) : ref;
        if (mesh.find("Gateway", ns, name).isEmpty()) {
          report.problem(vs, "spec.gateways[" + i + "]", "gateway \"" + ns + "/" + name + "\" not found", Map.of("gateway", ns + "/" + name));
        }
      }
    }
  }

  private static void weights(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      for (String section : List.of("http", "tcp", "tls")) {
        JsonNode routes = vs.spec().path(section);
        for (int i = 0; i < routes.size(); i++) {
          JsonNode dests = routes.get(i).path("route");
          if (dests.size() == 0) {
            continue;
          }
          int sum = 0;
          boolean anyWeight = false;
          for (JsonNode d : dests) {
            anyWeight |= d.has("weight");
            sum += d.path("weight").asInt(0);
          }
          // One destination without a weight gets all traffic; otherwise Istio needs them to add up.
          if ((dests.size() > 1 || anyWeight) && sum != 100) {
            report.problem(vs, "spec." + section + "[" + i + "].route", "route weights add up to " + sum + ", not 100",
                Map.of("total", String.valueOf(sum)));
          }
        }
      }
    }
  }

  private static void unreachable(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      JsonNode http = vs.spec().path("http");
      Map<String, Integer> seenMatches = new HashMap<>();
      Integer catchAll = null;
      for (int i = 0; i < http.size(); i++) {
        JsonNode match = http.get(i).path("match");
        String path = "spec.http[" + i + "]";
        if (catchAll != null) {
          report.problem(vs, path, "route is unreachable: route " + catchAll + " before it matches every request",
              Map.of("shadowedBy", "spec.http[" + catchAll + "]"));
          continue;
        }
        if (match.isEmpty()) {
          catchAll = i;
          continue;
        }
        String key = withoutNames(match).toString();
        Integer earlier = seenMatches.putIfAbsent(key, i);
        if (earlier != null) {
          report.problem(vs, path + ".match", "route is unreachable: route " + earlier + " has the same match",
              Map.of("shadowedBy", "spec.http[" + earlier + "]"));
        }
      }
    }
  }

  private static JsonNode withoutNames(JsonNode match) {
    JsonNode copy = match.deepCopy();
    copy.forEach(m -> ((ObjectNode) m).remove("name"));
    return copy;
  }

  private static void conflicts(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<KubeObject>> byHostAndGateway = new LinkedHashMap<>();
    for (KubeObject vs : mesh.all("VirtualService")) {
      List<String> gateways = new ArrayList<>();
      vs.spec().path("gateways").forEach(g -> gateways.add(g.asText().contains("/") || g.asText().equals("mesh")
          ? g.asText() : vs.namespace() + "/" + g.asText()));
      if (gateways.isEmpty()) {
        gateways.add("mesh");
      }
      for (JsonNode h : vs.spec().path("hosts")) {
        String host = Hosts.fqdn(h.asText(), vs.namespace());
        for (String gateway : gateways) {
          // Istio merges VirtualServices on gateways; only the mesh (sidecars) picks one of several.
          if (gateway.equals("mesh")) {
            byHostAndGateway.computeIfAbsent(host + " " + gateway, k -> new ArrayList<>()).add(vs);
          }
        }
      }
    }
    byHostAndGateway.forEach((key, list) -> {
      if (list.size() > 1) {
        String host = key.substring(0, key.indexOf(' '));
        for (KubeObject vs : list) {
          List<String> others = list.stream().filter(o -> o != vs).map(o -> o.namespace() + "/" + o.name()).toList();
          report.problem(vs, "spec.hosts", "host " + host + " is also routed by " + String.join(", ", others),
              Map.of("host", host, "conflictsWith", String.join(",", others)));
        }
      }
    });
  }
}

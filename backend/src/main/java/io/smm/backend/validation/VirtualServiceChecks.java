package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * VirtualService checks, each the rule of one of Istio's virtualservice analyzers (destination
 * hosts, subsets, gateways, mesh-gateway host conflicts, JWT claim routes) or of its schema
 * validation (unreachable rules, ineffective matches).
 */
final class VirtualServiceChecks {

  private VirtualServiceChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("virtualservice/destination/host-not-found", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "A route or mirror destination names a host that is neither a Kubernetes service nor a ServiceEntry host visible here.",
            VirtualServiceChecks::hostNotFound),
        new Check("virtualservice/destination/port-not-found", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "A destination names a port its host does not have.", VirtualServiceChecks::portNotFound),
        new Check("virtualservice/destination/port-required", IstioMessage.VIRTUAL_SERVICE_DESTINATION_PORT_SELECTOR_REQUIRED,
            "A destination host has several ports and the destination does not say which one to use.",
            // Istio rates it an error, but sidecars send such a destination to the port the request came in on, which is
            // what a route for all of a service's ports means: a warning, so that it does not block a save.
            VirtualServiceChecks::portRequired).reportedAs(Severity.WARNING),
        new Check("virtualservice/destination/subset-not-found", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "A destination names a subset no DestinationRule for its host defines (requests fail with 503 NC).",
            VirtualServiceChecks::subsetNotFound),
        new Check("virtualservice/destination/subset-ignored-at-ingress", IstioMessage.INGRESS_ROUTE_RULES_NOT_AFFECTED,
            "A gateway route sends to a host without a subset while a mesh route for that host splits it by subsets:"
                + " requests from the gateway ignore the split.", VirtualServiceChecks::subsetIgnoredAtIngress),
        new Check("virtualservice/gateway/not-found", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "The VirtualService is bound to a Gateway that does not exist.", VirtualServiceChecks::gatewayNotFound),
        new Check("virtualservice/gateway/internal", IstioMessage.REFERENCED_INTERNAL_GATEWAY,
            "The VirtualService names a Gateway Istio generates for a Kubernetes Gateway API Gateway; reference the Kubernetes Gateway"
                + " instead.", VirtualServiceChecks::internalGatewayReference),
        new Check("virtualservice/gateway/host-not-found", IstioMessage.VIRTUAL_SERVICE_HOST_NOT_FOUND_IN_GATEWAY,
            "None of the VirtualService's hosts is served by a Gateway it is bound to: the routes are never used there.",
            VirtualServiceChecks::hostNotInGateway),
        new Check("virtualservice/route/weights", Severity.ERROR,
            "The weights of a route's destinations do not add up to 100.", VirtualServiceChecks::weights),
        new Check("virtualservice/route/unreachable", IstioMessage.VIRTUAL_SERVICE_UNREACHABLE_RULE,
            "A route can never match: an earlier route matches everything or all of its matches.",
            (mesh, report) -> RouteMatches.analyze(mesh, report, true)),
        new Check("virtualservice/match/ineffective", IstioMessage.VIRTUAL_SERVICE_INEFFECTIVE_MATCH,
            "A match of a route duplicates or is covered by a match of an earlier route.",
            (mesh, report) -> RouteMatches.analyze(mesh, report, false)),
        new Check("virtualservice/host/conflict", IstioMessage.CONFLICTING_MESH_GATEWAY_VIRTUAL_SERVICE_HOSTS,
            "Several VirtualServices for the mesh define the same host where both are visible; Istio uses only one of them.",
            VirtualServiceChecks::conflicts).reportedAs(Severity.WARNING),
        new Check("virtualservice/jwt-claim/no-request-authentication", IstioMessage.JWT_CLAIM_BASED_ROUTING_WITHOUT_REQUEST_AUTHN,
            "Routes match on JWT claims but no RequestAuthentication validates tokens on the gateway's pods, so the claims are never set.",
            VirtualServiceChecks::jwtClaimRoute));
  }

  /** One destination of a VirtualService, with its path; {@code mirror} for http mirrors. */
  record Destination(String path, JsonNode destination, boolean mirror) {
    String host() {
      return destination.path("host").asText("");
    }
  }

  /** Route destinations (tcp, tls, then http, as Istio lists them), then http mirrors. */
  static List<Destination> destinations(KubeObject vs) {
    List<Destination> out = new ArrayList<>();
    for (String section : List.of("tcp", "tls", "http")) {
      JsonNode routes = vs.spec().path(section);
      for (int i = 0; i < routes.size(); i++) {
        JsonNode dests = routes.get(i).path("route");
        for (int j = 0; j < dests.size(); j++) {
          out.add(new Destination("spec." + section + "[" + i + "].route[" + j + "].destination", dests.get(j).path("destination"), false));
        }
      }
    }
    JsonNode http = vs.spec().path("http");
    for (int i = 0; i < http.size(); i++) {
      if (http.get(i).has("mirror")) {
        out.add(new Destination("spec.http[" + i + "].mirror", http.get(i).path("mirror"), true));
      }
      JsonNode mirrors = http.get(i).path("mirrors");
      for (int j = 0; j < mirrors.size(); j++) {
        out.add(new Destination("spec.http[" + i + "].mirrors[" + j + "].destination", mirrors.get(j).path("destination"), true));
      }
    }
    return out;
  }

  private static ServiceRegistry.Entry resolve(MeshConfig mesh, KubeObject vs, Destination d) {
    return mesh.services().lookup(vs.namespace(), vs.spec().path("exportTo"), d.host());
  }

  private static void hostNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      for (Destination d : destinations(vs)) {
        if (resolve(mesh, vs, d) == null) {
          report.problem(vs, d.path() + ".host", "Referenced " + (d.mirror() ? "mirror host" : "host") + " not found: \"" + d.host() + "\"",
              Map.of("host", d.host()));
        }
      }
    }
  }

  private static void portNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      for (Destination d : destinations(vs)) {
        ServiceRegistry.Entry entry = resolve(mesh, vs, d);
        if (entry == null || !d.destination().path("port").has("number")) {
          continue;
        }
        int port = d.destination().path("port").path("number").asInt();
        if (entry.ports().stream().noneMatch(p -> p.number() == port)) {
          report.problem(vs, d.path() + ".port.number", "Referenced host:port not found: \"" + d.host() + ":" + port + "\"",
              Map.of("host", d.host(), "port", String.valueOf(port)));
        }
      }
    }
  }

  private static void portRequired(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      for (Destination d : destinations(vs)) {
        ServiceRegistry.Entry entry = resolve(mesh, vs, d);
        if (entry != null && !d.destination().has("port") && entry.ports().size() > 1) {
          List<Integer> ports = entry.ports().stream().map(ServiceRegistry.Port::number).toList();
          report.problem(vs, d.path(), "This VirtualService routes to a service \"" + d.host() + "\" that exposes multiple ports "
              + ports + ". Specifying a port in the destination is required to disambiguate.", Map.of("host", d.host()));
        }
      }
    }
  }

  /**
   * Istio's key for a host in a subset lookup: namespace and name for "name.ns.svc.cluster.local",
   * else the resource's namespace and the host as written.
   */
  private static String hostKey(String host, String namespace) {
    String suffix = "." + Hosts.DOMAIN;
    if (host.endsWith(suffix)) {
      String rest = host.substring(0, host.length() - suffix.length());
      int dot = rest.lastIndexOf('.');
      if (dot > 0 && dot < rest.length() - 1) {
        return rest.substring(dot + 1) + "/" + rest.substring(0, dot);
      }
    }
    return namespace + "/" + host;
  }

  private static void subsetNotFound(MeshConfig mesh, Check.Reporter report) {
    Set<String> defined = new HashSet<>();
    for (KubeObject dr : mesh.all("DestinationRule")) {
      String host = hostKey(dr.spec().path("host").asText(""), dr.namespace());
      dr.spec().path("subsets").forEach(s -> defined.add(host + "+" + s.path("name").asText("")));
    }
    for (KubeObject vs : mesh.all("VirtualService")) {
      for (Destination d : destinations(vs)) {
        String subset = d.destination().path("subset").asText("");
        if (!subset.isEmpty() && !defined.contains(hostKey(d.host(), vs.namespace()) + "+" + subset)) {
          report.problem(vs, d.path() + ".subset", "Referenced " + (d.mirror() ? "mirror" : "host") + "+subset in destinationrule not found: \""
              + d.host() + "+" + subset + "\"", Map.of("host", d.host(), "subset", subset));
        }
      }
    }
  }

  private static void subsetIgnoredAtIngress(MeshConfig mesh, Check.Reporter report) {
    // Destinations with a subset towards one of their own VirtualService's hosts (the mesh-side split), by host.
    Map<String, List<KubeObject>> splitBy = new HashMap<>();
    for (KubeObject vs : mesh.all("VirtualService")) {
      Set<String> hosts = new HashSet<>();
      vs.spec().path("hosts").forEach(h -> hosts.add(h.asText()));
      for (JsonNode http : vs.spec().path("http")) {
        for (JsonNode route : http.path("route")) {
          JsonNode dest = route.path("destination");
          if (!dest.path("subset").asText("").isEmpty() && hosts.contains(dest.path("host").asText())) {
            splitBy.computeIfAbsent(dest.path("host").asText(), k -> new ArrayList<>()).add(vs);
          }
        }
      }
    }
    for (KubeObject vs : mesh.all("VirtualService")) {
      if (vs.spec().path("gateways").isEmpty()) {
        continue;
      }
      JsonNode http = vs.spec().path("http");
      for (int i = 0; i < http.size(); i++) {
        JsonNode routes = http.get(i).path("route");
        for (int j = 0; j < routes.size(); j++) {
          JsonNode dest = routes.get(j).path("destination");
          if (!dest.path("subset").asText("").isEmpty()) {
            continue;
          }
          for (KubeObject split : splitBy.getOrDefault(dest.path("host").asText(), List.of())) {
            String other = split.namespace() + "/" + split.name();
            report.problem(vs, "spec.http[" + i + "].route[" + j + "].destination.host", "Subset in virtual service " + other
                + " has no effect on ingress gateway " + vs.namespace() + "/" + vs.name() + " requests", Map.of("virtualService", other));
          }
        }
      }
    }
  }

  /** A gateway reference of a VirtualService: "name" (the VirtualService's namespace) or "namespace/name". */
  private static String[] gatewayRef(KubeObject vs, String ref) {
    int slash = ref.indexOf('/');
    return slash < 0 ? new String[] {vs.namespace(), ref} : new String[] {ref.substring(0, slash), ref.substring(slash + 1)};
  }

  /** Istio's internal Gateways for Kubernetes Gateway API listeners are named "gateway~istio-autogenerated-k8s-gateway~listener". */
  private static boolean internalGateway(String ref) {
    return ref.substring(ref.indexOf('/') + 1).contains("~istio-autogenerated-k8s-gateway~");
  }

  private static void internalGatewayReference(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      JsonNode gateways = vs.spec().path("gateways");
      for (int i = 0; i < gateways.size(); i++) {
        if (internalGateway(gateways.get(i).asText())) {
          report.problem(vs, "spec.gateways[" + i + "]", "Gateway reference in VirtualService " + vs.namespace() + "/" + vs.name()
              + " is to an implementation-generated internal Gateway: " + gateways.get(i).asText() + ".",
              Map.of("gateway", gateways.get(i).asText()));
        }
      }
    }
  }

  private static void gatewayNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      JsonNode gateways = vs.spec().path("gateways");
      for (int i = 0; i < gateways.size(); i++) {
        String ref = gateways.get(i).asText();
        if (ref.equals("mesh") || internalGateway(ref)) {
          continue;
        }
        String[] gw = gatewayRef(vs, ref);
        if (mesh.find("Gateway", gw[0], gw[1]).isEmpty() && mesh.find(MeshConfig.KUBERNETES_GATEWAY, gw[0], gw[1]).isEmpty()) {
          report.problem(vs, "spec.gateways[" + i + "]", "Referenced gateway not found: \"" + ref + "\"", Map.of("gateway", ref));
        }
      }
    }
  }

  private static void hostNotInGateway(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject vs : mesh.all("VirtualService")) {
      JsonNode gateways = vs.spec().path("gateways");
      List<String> vsHosts = new ArrayList<>();
      vs.spec().path("hosts").forEach(h -> vsHosts.add(h.asText()));
      for (int i = 0; i < gateways.size(); i++) {
        String ref = gateways.get(i).asText();
        if (ref.equals("mesh") || internalGateway(ref)) {
          continue;
        }
        String[] gw = gatewayRef(vs, ref);
        KubeObject kubeGateway = mesh.find(MeshConfig.KUBERNETES_GATEWAY, gw[0], gw[1]).orElse(null);
        boolean served = mesh.find("Gateway", gw[0], gw[1]).isEmpty() && kubeGateway != null
            ? kubeGatewayServes(kubeGateway, vsHosts)
            : gatewayServes(mesh.find("Gateway", gw[0], gw[1]).orElse(null), vsHosts, vs.namespace());
        if (!served) {
          String gateway = gw[0].isEmpty() ? gw[1] : gw[0] + "/" + gw[1];
          report.problem(vs, "spec.gateways[" + i + "]", "one or more host " + vsHosts + " defined in VirtualService "
              + (vs.namespace().isEmpty() ? vs.name() : vs.namespace() + "/" + vs.name()) + " not found in Gateway " + gateway + ".",
              Map.of("gateway", gateway));
        }
      }
    }
  }

  /** Whether a Gateway's servers admit one of the hosts for VirtualServices of {@code namespace} ("ns/host" server hosts). */
  private static boolean gatewayServes(KubeObject gateway, List<String> vsHosts, String namespace) {
    if (gateway == null) {
      return false;
    }
    List<String> hosts = new ArrayList<>();
    for (JsonNode server : gateway.spec().path("servers")) {
      for (JsonNode h : server.path("hosts")) {
        String host = h.asText();
        int slash = host.indexOf('/');
        if (slash >= 0) {
          String ns = host.substring(0, slash);
          String name = host.substring(slash + 1);
          if (ns.equals(".")) {
            ns = gateway.namespace();
          } else if (ns.equals("*")) {
            ns = namespace;
          }
          if (!ns.equals(namespace)) {
            continue;
          }
          host = name;
        }
        hosts.add(host);
      }
    }
    return hosts.stream().anyMatch(g -> vsHosts.stream().anyMatch(v -> Hosts.overlap(g, v)));
  }

  /** Kubernetes Gateway API: a listener without hostname admits every host. */
  private static boolean kubeGatewayServes(KubeObject gateway, List<String> vsHosts) {
    for (JsonNode listener : gateway.spec().path("listeners")) {
      String hostname = listener.path("hostname").asText("");
      if (hostname.isEmpty() || vsHosts.stream().anyMatch(v -> Hosts.overlap(hostname, v))) {
        return true;
      }
    }
    return false;
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

  private static void conflicts(MeshConfig mesh, Check.Reporter report) {
    // scope ("*" or a namespace the VirtualService is exported to) + "/" + host -> VirtualServices for the mesh
    Map<String, List<KubeObject>> byScopedHost = new TreeMap<>();
    for (KubeObject vs : mesh.all("VirtualService")) {
      JsonNode gateways = vs.spec().path("gateways");
      boolean forMesh = gateways.isEmpty();
      for (JsonNode g : gateways) {
        forMesh |= g.asText().equals("mesh");
      }
      if (!forMesh) {
        continue;
      }
      for (String scope : ExportTo.scopes(vs.spec().path("exportTo"), vs.namespace())) {
        for (JsonNode h : vs.spec().path("hosts")) {
          byScopedHost.computeIfAbsent(scope + "/" + Hosts.fqdn(h.asText(), vs.namespace()), k -> new ArrayList<>()).add(vs);
        }
      }
    }
    Set<KubeObject> reported = new HashSet<>();
    byScopedHost.forEach((scopedHost, list) -> {
      String scope = scopedHost.substring(0, scopedHost.indexOf('/'));
      String host = scopedHost.substring(scopedHost.indexOf('/') + 1);
      List<KubeObject> all = new ArrayList<>(list);
      if (!scope.equals(ExportTo.ALL)) {
        // VirtualServices visible everywhere also apply in this namespace.
        byScopedHost.forEach((other, vss) -> {
          if (other.startsWith(ExportTo.ALL + "/") && Hosts.overlap(host, other.substring(2))) {
            all.addAll(vss);
          }
        });
      }
      if (all.size() < 2) {
        return;
      }
      String names = String.join(",", all.stream().map(o -> o.namespace() + "/" + o.name()).sorted().toList());
      for (KubeObject vs : all) {
        if (reported.add(vs)) {
          report.problem(vs, "spec.hosts", "The VirtualServices " + names + " associated with mesh gateway define the same host "
              + scopedHost + " which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices"
              + " into a single resource.", Map.of("host", host, "conflictsWith", names));
        }
      }
    });
  }

  /** The header key a route matches a JWT claim with ("@request.auth.claims.group"), or null. */
  private static String claimKey(KubeObject vs) {
    for (JsonNode http : vs.spec().path("http")) {
      for (JsonNode match : http.path("match")) {
        for (String field : List.of("headers", "withoutHeaders")) {
          for (var it = match.path(field).fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (isClaim(key)) {
              return key;
            }
          }
        }
      }
    }
    return null;
  }

  private static boolean isClaim(String header) {
    String prefix = "@request.auth.claims";
    if (!header.toLowerCase(Locale.ROOT).startsWith(prefix)) {
      return false;
    }
    String name = header.substring(prefix.length());
    return name.startsWith(".") && name.length() > 1 || name.startsWith("[") && name.endsWith("]") && name.length() > 2;
  }

  private static void jwtClaimRoute(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<Map<String, String>>> authnByNamespace = new HashMap<>();
    for (KubeObject ra : mesh.all("RequestAuthentication")) {
      authnByNamespace.computeIfAbsent(ra.namespace(), k -> new ArrayList<>())
          .add(KubeObject.strings(ra.spec().path("selector").path("matchLabels")));
    }
    for (KubeObject vs : mesh.all("VirtualService")) {
      String key = claimKey(vs);
      if (key == null) {
        continue;
      }
      for (JsonNode g : vs.spec().path("gateways")) {
        if (g.asText().equals("mesh")) {
          continue;
        }
        String[] ref = gatewayRef(vs, g.asText());
        KubeObject gateway = mesh.find("Gateway", ref[0], ref[1]).orElse(null);
        if (gateway == null) {
          continue;
        }
        for (KubeObject pod : mesh.podsMatching(null, KubeObject.strings(gateway.spec().path("selector")))) {
          List<Map<String, String>> selectors = new ArrayList<>(authnByNamespace.getOrDefault(MeshConfig.DEFAULT_ROOT_NAMESPACE, List.of()));
          selectors.addAll(authnByNamespace.getOrDefault(pod.namespace(), List.of()));
          if (selectors.stream().noneMatch(s -> MeshConfig.selects(s, pod.labels()))) {
            String gw = ref[0].isEmpty() ? ref[1] : ref[0] + "/" + ref[1];
            report.problem(vs, "spec.gateways", "The virtual service uses the JWT claim based routing (key: " + key
                + ") but found no request authentication for the gateway (" + gw + ") pod (" + pod.name() + "). The request"
                + " authentication must first be applied for the gateway pods to validate the JWT token and make the claims available"
                + " for routing.", Map.of("gateway", gw, "pod", pod.name()));
          }
        }
      }
    }
  }
}

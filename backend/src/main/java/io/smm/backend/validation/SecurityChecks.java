package io.smm.backend.validation;

import io.smm.api.selector.LabelSelectors;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PeerAuthentication and AuthorizationPolicy checks (Kiali KIA01xx). */
final class SecurityChecks {

  /** SPIFFE-style principal: {@code <trust domain>/ns/<namespace>/sa/<service account>}. */
  private static final Pattern PRINCIPAL = Pattern.compile("^[^/]+/ns/([^/]+)/sa/([^/]+)$");

  private SecurityChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("peerauthentication/mtls/destinationrule-conflict", Severity.ERROR,
            "mTLS is disabled for workloads whose DestinationRule makes clients use Istio mTLS: every request fails.",
            SecurityChecks::disabledButRequired),
        new Check("authorizationpolicy/namespace/not-found", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "A rule's source names (or excludes) a namespace that does not exist.", SecurityChecks::namespaceNotFound).reportedAs(Severity.WARNING),
        new Check("authorizationpolicy/selector/no-workloads", IstioMessage.NO_MATCHING_WORKLOADS_FOUND,
            "The policy selects no workload of the mesh (no pod with a sidecar, or in ambient mode): it protects nothing.",
            SecurityChecks::noWorkloads),
        new Check("authorizationpolicy/principal/not-found", Severity.WARNING,
            "A rule's source principal names a namespace or service account that does not exist.", SecurityChecks::principalNotFound),
        new Check("authorizationpolicy/custom/provider", Severity.ERROR,
            "A CUSTOM policy needs provider.name (an extension provider in the mesh config), and only CUSTOM may have one.",
            SecurityChecks::customProvider));
  }

  private static void disabledButRequired(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject pa : mesh.all("PeerAuthentication")) {
      if (!pa.spec().path("mtls").path("mode").asText("").equals("DISABLE")) {
        continue;
      }
      for (KubeObject dr : mesh.all("DestinationRule")) {
        if (!dr.spec().path("trafficPolicy").path("tls").path("mode").asText("").equals("ISTIO_MUTUAL")) {
          continue;
        }
        boolean covered = DestinationRuleChecks.hostPods(mesh, dr).stream().anyMatch(p -> mesh.mtlsMode(p).equals("DISABLE")
            && (pa.namespace().equals(mesh.rootNamespace()) || pa.namespace().equals(p.namespace())));
        if (covered) {
          report.problem(pa, "spec.mtls.mode", "mTLS is disabled, but DestinationRule " + dr.namespace() + "/" + dr.name()
              + " makes clients of " + dr.spec().path("host").asText() + " use Istio mTLS", Map.of("destinationRule",
              dr.namespace() + "/" + dr.name()));
        }
      }
    }
  }

  /** Calls {@code visit(path, value)} for each entry of {@code field} in every rule's sources. */
  private static void eachSource(KubeObject ap, String field, BiConsumer<String, String> visit) {
    JsonNode rules = ap.spec().path("rules");
    for (int r = 0; r < rules.size(); r++) {
      JsonNode from = rules.get(r).path("from");
      for (int f = 0; f < from.size(); f++) {
        JsonNode values = from.get(f).path("source").path(field);
        for (int v = 0; v < values.size(); v++) {
          visit.accept("spec.rules[" + r + "].from[" + f + "].source." + field + "[" + v + "]", values.get(v).asText());
        }
      }
    }
  }

  private static void namespaceNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject ap : mesh.all("AuthorizationPolicy")) {
      for (String field : List.of("namespaces", "notNamespaces")) {
        eachSource(ap, field, (path, ns) -> {
          boolean exists = ns.contains("*") ? mesh.all("Namespace").stream().anyMatch(n -> namespaceMatches(n.name(), ns))
              : mesh.namespace(ns).isPresent() || mesh.all("Namespace").stream().anyMatch(n -> n.name().equalsIgnoreCase(ns));
          if (!exists) {
            report.problem(ap, path, "Referenced namespace not found: \"" + ns + "\"", Map.of("namespace", ns));
          }
        });
      }
    }
  }

  /** Istio's namespace patterns: "*", "*suffix", "prefix*" or a name, compared without case. */
  private static boolean namespaceMatches(String namespace, String pattern) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      return namespace.endsWith(pattern.substring(1));
    }
    if (pattern.endsWith("*")) {
      return namespace.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return namespace.equalsIgnoreCase(pattern);
  }

  /**
   * As Istio's AuthorizationPoliciesAnalyzer: a policy in the root namespace with a selector must
   * select a mesh workload somewhere; elsewhere, one with a selector a mesh workload of its namespace,
   * one without a selector needs some mesh workload in its namespace.
   */
  private static void noWorkloads(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<Map<String, String>>> meshPodLabels = new HashMap<>();
    for (KubeObject pod : mesh.all("Pod")) {
      if (Workloads.inMesh(mesh, pod) || Ambient.pod(pod)) {
        meshPodLabels.computeIfAbsent(pod.namespace(), k -> new ArrayList<>()).add(pod.labels());
      }
    }
    for (KubeObject ap : mesh.all("AuthorizationPolicy")) {
      boolean hasSelector = ap.spec().has("selector");
      Map<String, String> selector = KubeObject.strings(ap.spec().path("selector").path("matchLabels"));
      String labels = LabelSelectors.text(selector);
      boolean matched;
      if (ap.namespace().equals(mesh.rootNamespace())) {
        matched = !hasSelector || meshPodLabels.values().stream().flatMap(List::stream).anyMatch(l -> MeshConfig.selects(selector, l));
      } else if (!hasSelector) {
        matched = !meshPodLabels.getOrDefault(ap.namespace(), List.of()).isEmpty();
      } else {
        matched = meshPodLabels.getOrDefault(ap.namespace(), List.of()).stream().anyMatch(l -> MeshConfig.selects(selector, l));
      }
      if (!matched) {
        report.problem(ap, hasSelector ? "spec.selector" : "metadata.namespace", "No matching workloads for this resource with the"
            + " following labels: " + labels, Map.of("labels", labels));
      }
    }
  }

  private static void principalNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject ap : mesh.all("AuthorizationPolicy")) {
      eachSource(ap, "principals", (path, principal) -> {
        Matcher m = PRINCIPAL.matcher(principal);
        if (principal.contains("*") || !m.matches()) {
          return;
        }
        if (mesh.namespace(m.group(1)).isEmpty()) {
          report.problem(ap, path, "principal \"" + principal + "\": namespace " + m.group(1) + " not found", Map.of("principal", principal));
        } else if (mesh.find("ServiceAccount", m.group(1), m.group(2)).isEmpty()) {
          report.problem(ap, path, "principal \"" + principal + "\": service account " + m.group(1) + "/" + m.group(2) + " not found",
              Map.of("principal", principal));
        }
      });
    }
  }

  private static void customProvider(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject ap : mesh.all("AuthorizationPolicy")) {
      boolean custom = ap.spec().path("action").asText("").equals("CUSTOM");
      boolean provider = !ap.spec().path("provider").path("name").asText("").isEmpty();
      if (custom && !provider) {
        report.problem(ap, "spec.action", "action CUSTOM needs provider.name");
      } else if (!custom && ap.spec().has("provider")) {
        report.problem(ap, "spec.provider", "provider is only allowed with action CUSTOM");
      }
    }
  }
}

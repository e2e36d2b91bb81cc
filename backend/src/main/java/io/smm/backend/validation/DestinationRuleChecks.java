package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** DestinationRule checks (Kiali KIA02xx, the seed's missing-mesh-policy). */
final class DestinationRuleChecks {

  private DestinationRuleChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("destinationrule/host/not-found", IstioMessage.UNKNOWN_DESTINATION_RULE_HOST,
            "The host is neither a Kubernetes service nor a ServiceEntry host visible here; the rule applies to nothing.",
            DestinationRuleChecks::hostNotFound),
        new Check("destinationrule/subset/no-pods", IstioMessage.DESTINATION_RULE_SUBSET_NOT_SELECT_PODS,
            "A subset's labels select no pod: traffic routed to it fails with 503 UH (no healthy upstream).",
            DestinationRuleChecks::subsetWithoutPods).reportedAs(Severity.WARNING),
        new Check("destinationrule/tls/no-ca-certificates", IstioMessage.NO_SERVER_CERTIFICATE_VERIFICATION_DESTINATION_LEVEL,
            "TLS mode SIMPLE or MUTUAL without caCertificates: the server's certificate is not verified.",
            (mesh, report) -> noCaCertificates(mesh, report, false)),
        new Check("destinationrule/port-tls/no-ca-certificates", IstioMessage.NO_SERVER_CERTIFICATE_VERIFICATION_PORT_LEVEL,
            "A port's TLS mode is SIMPLE or MUTUAL without caCertificates: the server's certificate on that port is not verified.",
            (mesh, report) -> noCaCertificates(mesh, report, true)),
        new Check("destinationrule/host/multiple", Severity.WARNING,
            "Several DestinationRules for one host: Istio merges or ignores all but one, depending on their fields.",
            DestinationRuleChecks::multiple),
        new Check("destinationrule/enabled-mtls/missing-mesh-policy", Severity.ERROR,
            "The rule makes clients use Istio mTLS, but no PeerAuthentication for the host's workloads (workload, namespace or mesh)"
                + " says they accept it.", DestinationRuleChecks::missingMeshPolicy),
        new Check("destinationrule/mtls/strict-conflict", Severity.ERROR,
            "The rule disables TLS towards workloads whose PeerAuthentication is STRICT: every request is refused.",
            DestinationRuleChecks::strictConflict));
  }

  static Set<String> subsetNames(KubeObject dr) {
    Set<String> out = new TreeSet<>();
    dr.spec().path("subsets").forEach(s -> out.add(s.path("name").asText()));
    return out;
  }

  /** The pods a rule's host stands for (the Kubernetes service's), empty for other hosts. */
  static List<KubeObject> hostPods(MeshConfig mesh, KubeObject dr) {
    return mesh.service(Hosts.fqdn(dr.spec().path("host").asText(""), dr.namespace())).map(mesh::podsOf).orElse(List.of());
  }

  private static ServiceRegistry.Entry resolve(MeshConfig mesh, KubeObject dr) {
    return mesh.services().lookup(dr.namespace(), dr.spec().path("exportTo"), dr.spec().path("host").asText(""));
  }

  private static void hostNotFound(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject dr : mesh.all("DestinationRule")) {
      String host = dr.spec().path("host").asText("");
      if (resolve(mesh, dr) == null) {
        report.problem(dr, "spec.host", "The host " + host + " defined in the DestinationRule does not match any services in the mesh.",
            Map.of("hostname", host));
      }
    }
  }

  /**
   * As Istio's SubsetSelectPodAnalyzer: a subset selects a pod (of any namespace) whose labels, with
   * the topology labels of its node added, contain the subset's labels and the ServiceEntry's workload selector.
   */
  private static void subsetWithoutPods(MeshConfig mesh, Check.Reporter report) {
    LabelIndex<Map<String, String>> podLabels = new LabelIndex<>(mesh.all("Pod").stream().map(p -> Topology.labels(mesh, p)).toList(),
        labels -> labels);
    for (KubeObject dr : mesh.all("DestinationRule")) {
      ServiceRegistry.Entry entry = resolve(mesh, dr);
      if (entry == null) {
        continue; // reported by destinationrule/host/not-found
      }
      JsonNode subsets = dr.spec().path("subsets");
      for (int i = 0; i < subsets.size(); i++) {
        Map<String, String> selector = new LinkedHashMap<>(entry.workloadSelector());
        selector.putAll(KubeObject.strings(subsets.get(i).path("labels")));
        if (!podLabels.anySelected(selector)) {
          String name = subsets.get(i).path("name").asText();
          report.problem(dr, "spec.subsets[" + i + "].labels", "The Subset " + name + " defined in the DestinationRule does not select any"
              + " pods. Which may lead to 503 UH (NoHealthyUpstream).", Map.of("subset", name));
        }
      }
    }
  }

  private static void noCaCertificates(MeshConfig mesh, Check.Reporter report, boolean portLevel) {
    for (KubeObject dr : mesh.all("DestinationRule")) {
      JsonNode policy = dr.spec().path("trafficPolicy");
      boolean selected = dr.spec().has("workloadSelector");
      if (!portLevel && verifiesNothing(policy.path("tls"), selected)) {
        report.problem(dr, "spec.trafficPolicy.tls", "DestinationRule " + dr.name() + " in namespace " + dr.namespace()
            + " has TLS mode set to " + policy.path("tls").path("mode").asText() + " but no caCertificates are set to validate server"
            + " identity for host: " + dr.spec().path("host").asText(), Map.of("mode", policy.path("tls").path("mode").asText()));
      }
      JsonNode ports = policy.path("portLevelSettings");
      for (int i = 0; portLevel && i < ports.size(); i++) {
        JsonNode tls = ports.get(i).path("tls");
        if (verifiesNothing(tls, selected)) {
          String port = ports.get(i).path("port").path("number").asText();
          report.problem(dr, "spec.trafficPolicy.portLevelSettings[" + i + "].tls", "DestinationRule " + dr.name() + " in namespace "
              + dr.namespace() + " has TLS mode set to " + tls.path("mode").asText() + " but no caCertificates are set to validate"
              + " server identity for host: " + dr.spec().path("host").asText() + " at port number:" + port,
              Map.of("mode", tls.path("mode").asText(), "port", port));
        }
      }
    }
  }

  /** SIMPLE or MUTUAL TLS with nothing to check the server with (a credentialName counts only on a workload-selected rule). */
  private static boolean verifiesNothing(JsonNode tls, boolean workloadSelected) {
    String mode = tls.path("mode").asText("");
    return (mode.equals("SIMPLE") || mode.equals("MUTUAL")) && tls.path("caCertificates").asText("").isEmpty()
        && !(!tls.path("credentialName").asText("").isEmpty() && workloadSelected);
  }

  private static void multiple(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<KubeObject>> byHost = new LinkedHashMap<>();
    for (KubeObject dr : mesh.all("DestinationRule")) {
      if (dr.spec().path("workloadSelector").isMissingNode()) {
        byHost.computeIfAbsent(Hosts.fqdn(dr.spec().path("host").asText(""), dr.namespace()), k -> new ArrayList<>()).add(dr);
      }
    }
    byHost.forEach((host, rules) -> {
      if (rules.size() > 1) {
        for (KubeObject dr : rules) {
          List<String> others = rules.stream().filter(o -> o != dr).map(o -> o.namespace() + "/" + o.name()).toList();
          report.problem(dr, "spec.host", "host " + host + " also has DestinationRule " + String.join(", ", others),
              Map.of("hostname", host));
        }
      }
    });
  }

  /** TLS modes a rule sets for its host: the top-level policy's and each subset's, with their paths. */
  private static Map<String, String> tlsModes(KubeObject dr) {
    Map<String, String> out = new LinkedHashMap<>();
    String top = dr.spec().path("trafficPolicy").path("tls").path("mode").asText("");
    if (!top.isEmpty()) {
      out.put("spec.trafficPolicy.tls.mode", top);
    }
    JsonNode subsets = dr.spec().path("subsets");
    for (int i = 0; i < subsets.size(); i++) {
      String mode = subsets.get(i).path("trafficPolicy").path("tls").path("mode").asText("");
      if (!mode.isEmpty()) {
        out.put("spec.subsets[" + i + "].trafficPolicy.tls.mode", mode);
      }
    }
    return out;
  }

  private static void missingMeshPolicy(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject dr : mesh.all("DestinationRule")) {
      if (tlsModes(dr).containsValue("ISTIO_MUTUAL") && !acceptsMtls(mesh, dr)) {
        report.problem(dr, "spec.host", "missing mesh policy", Map.of("hostname", dr.spec().path("host").asText()));
      }
    }
  }

  /** Whether any PeerAuthentication covering the host's workloads (or the mesh) asks for STRICT or PERMISSIVE. */
  private static boolean acceptsMtls(MeshConfig mesh, KubeObject dr) {
    String fqdn = Hosts.fqdn(dr.spec().path("host").asText(""), dr.namespace());
    String hostNamespace = Hosts.namespaceOf(fqdn);
    List<KubeObject> pods = hostPods(mesh, dr);
    for (KubeObject pa : mesh.all("PeerAuthentication")) {
      String mode = pa.spec().path("mtls").path("mode").asText("");
      if (!mode.equals("STRICT") && !mode.equals("PERMISSIVE")) {
        continue;
      }
      Map<String, String> selector = KubeObject.strings(pa.spec().path("selector").path("matchLabels"));
      boolean meshWide = pa.namespace().equals(mesh.rootNamespace()) && selector.isEmpty();
      boolean namespaceWide = selector.isEmpty() && pa.namespace().equals(hostNamespace);
      boolean workload = !selector.isEmpty() && pods.stream().anyMatch(p -> p.namespace().equals(pa.namespace())
          && MeshConfig.selects(selector, p.labels()));
      if (meshWide || namespaceWide || workload) {
        return true;
      }
    }
    return false;
  }

  private static void strictConflict(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject dr : mesh.all("DestinationRule")) {
      List<KubeObject> strict = hostPods(mesh, dr).stream().filter(p -> mesh.mtlsMode(p).equals("STRICT")).toList();
      if (strict.isEmpty()) {
        continue;
      }
      tlsModes(dr).forEach((path, mode) -> {
        if (mode.equals("DISABLE")) {
          report.problem(dr, path, "TLS is disabled towards " + dr.spec().path("host").asText() + ", whose workloads require mTLS "
              + "(PeerAuthentication STRICT, e.g. pod " + strict.get(0).name() + ")", Map.of("mode", mode));
        }
      });
    }
  }
}

package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.smm.api.istio.ProxyRevision;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks on what runs in the mesh rather than on Istio's resources: injection, revisions, proxy
 * versions and port names (istioctl IST0102, IST0118; the seed's outdated sidecar injection).
 */
final class WorkloadChecks {

  /** Namespaces Istio never injects and istioctl does not report. */
  private static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease", "local-path-storage");

  /** Istio's protocol selection by port name: {@code <protocol>[-<suffix>]}. */
  private static final Pattern PORT_NAME = Pattern.compile("^(http|http2|https|grpc|grpc-web|mongo|mysql|redis|tcp|tls|udp)(-.*)?$");

  private WorkloadChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("namespace/injection/missing", Severity.INFO,
            "Pods run in a namespace without sidecar injection (no istio.io/rev or istio-injection label): they are outside the mesh.",
            WorkloadChecks::notInjected),
        new Check("pod/revision/control-plane-missing", Severity.ERROR,
            "A namespace or pod asks for an Istio revision that has no IstioControlPlane: new pods get no sidecar.",
            WorkloadChecks::revisionWithoutControlPlane),
        new Check("pod/sidecar-injection/outdated", Severity.WARNING,
            "A pod runs a sidecar proxy of another version than its control plane injects now: restart it to update.",
            WorkloadChecks::outdatedSidecar),
        new Check("service/port/protocol-naming", Severity.INFO,
            "A port name does not follow Istio's <protocol>[-<suffix>] convention and there is no appProtocol: Istio guesses the protocol.",
            WorkloadChecks::portNaming));
  }

  private static boolean injected(KubeObject namespace) {
    Map<String, String> labels = namespace.labels();
    return labels.containsKey("istio.io/rev") || "enabled".equals(labels.get("istio-injection"));
  }

  private static boolean optedOut(KubeObject namespace) {
    return "disabled".equals(namespace.labels().get("istio-injection")) || SYSTEM_NAMESPACES.contains(namespace.name());
  }

  private static void notInjected(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject ns : mesh.all("Namespace")) {
      if (injected(ns) || optedOut(ns) || ns.name().equals(mesh.rootNamespace())) {
        continue;
      }
      if (!mesh.podsMatching(ns.name(), Map.of()).isEmpty()) {
        report.problem(ns, "metadata.labels", "namespace " + ns.name() + " is not enabled for sidecar injection",
            Map.of("namespace", ns.name()));
      }
    }
  }

  private static void revisionWithoutControlPlane(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject ns : mesh.all("Namespace")) {
      String revision = ns.labels().get("istio.io/rev");
      if (revision != null && mesh.controlPlane(revision).isEmpty()) {
        report.problem(ns, "metadata.labels.istio.io/rev", "revision " + revision + " has no control plane", Map.of("revision", revision));
      }
    }
    for (KubeObject pod : mesh.all("Pod")) {
      String revision = ProxyRevision.of(pod.labels(), pod.annotations());
      if (revision != null && mesh.controlPlane(revision).isEmpty()) {
        report.problem(pod, "metadata.labels.istio.io/rev", "pod runs on revision " + revision + ", which has no control plane",
            Map.of("revision", revision));
      }
    }
  }

  private static void outdatedSidecar(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject pod : mesh.all("Pod")) {
      String revision = ProxyRevision.of(pod.labels(), pod.annotations());
      KubeObject plane = revision == null ? null : mesh.controlPlane(revision).orElse(null);
      if (plane == null) {
        continue;
      }
      String image = proxyImage(pod);
      String version = plane.spec().path("version").asText("");
      String expected = plane.spec().path("proxy").path("image").asText("");
      boolean outdated = !expected.isEmpty() ? image != null && !image.equals(expected)
          : image != null && !version.isEmpty() && !image.endsWith(":" + version);
      if (outdated) {
        report.problem(pod, "spec.containers[istio-proxy].image", "sidecar proxy " + image + " is outdated: " + revision + " injects "
            + (expected.isEmpty() ? "version " + version : expected), Map.of("image", image));
      }
    }
  }

  private static String proxyImage(KubeObject pod) {
    for (JsonNode c : pod.spec().path("containers")) {
      if (c.path("name").asText().equals("istio-proxy")) {
        return c.path("image").asText(null);
      }
    }
    return null;
  }

  private static void portNaming(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject svc : mesh.all("Service")) {
      if (mesh.namespace(svc.namespace()).filter(WorkloadChecks::injected).isEmpty()) {
        continue;
      }
      JsonNode ports = svc.spec().path("ports");
      for (int i = 0; i < ports.size(); i++) {
        String name = ports.get(i).path("name").asText("");
        if (!ports.get(i).has("appProtocol") && !PORT_NAME.matcher(name).matches()) {
          report.problem(svc, "spec.ports[" + i + "].name", "port name \"" + name + "\" does not say the protocol (e.g. http-web, grpc, tcp)",
              Map.of("port", ports.get(i).path("port").asText(), "name", name));
        }
      }
    }
  }
}

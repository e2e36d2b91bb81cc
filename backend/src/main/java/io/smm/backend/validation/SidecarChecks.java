package io.smm.backend.validation;

import io.smm.api.selector.LabelSelectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sidecar resource checks (istioctl IST0110, IST0111; Kiali KIA1004). */
final class SidecarChecks {

  private SidecarChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("sidecar/selector/conflict", IstioMessage.CONFLICTING_SIDECAR_WORKLOAD_SELECTORS,
            "Several Sidecars select the same pod; Istio applies one of them, which one is undefined.", SidecarChecks::selectorConflict),
        new Check("sidecar/namespace/multiple-defaults", IstioMessage.MULTIPLE_SIDECARS_WITHOUT_WORKLOAD_SELECTORS,
            "Several Sidecars without workloadSelector in one namespace; Istio applies one of them, which one is undefined.",
            SidecarChecks::multipleDefaults),
        new Check("sidecar/selector/no-pods", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "The workloadSelector matches no pod in the namespace.", SidecarChecks::selectorWithoutPods).reportedAs(Severity.WARNING),
        new Check("sidecar/ambient/ineffective", IstioMessage.INEFFECTIVE_POLICY,
            "The Sidecar applies to ambient-mode workloads, which have no sidecar proxy: it has no effect.", SidecarChecks::ambient));
  }

  private static Map<String, String> selector(KubeObject sidecar) {
    return KubeObject.strings(sidecar.spec().path("workloadSelector").path("labels"));
  }

  private static void selectorConflict(MeshConfig mesh, Check.Reporter report) {
    mesh.policiesByPod(mesh.all("Sidecar"), SidecarChecks::selector).forEach((pod, sidecars) -> {
      if (sidecars.size() < 2 || Ambient.pod(pod)) {
        return;
      }
      List<String> names = sidecars.stream().map(KubeObject::name).sorted().toList();
      for (KubeObject sidecar : sidecars) {
        report.problem(sidecar, "spec.workloadSelector", "The Sidecars " + names + " in namespace \"" + pod.namespace()
            + "\" select the same workload pod \"" + pod.name() + "\", which can lead to undefined behavior.", Map.of("pod", pod.name()));
      }
    });
  }

  private static void multipleDefaults(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<KubeObject>> byNamespace = new LinkedHashMap<>();
    mesh.all("Sidecar").stream().filter(s -> selector(s).isEmpty())
        .forEach(s -> byNamespace.computeIfAbsent(s.namespace(), k -> new ArrayList<>()).add(s));
    byNamespace.forEach((ns, sidecars) -> {
      if (sidecars.size() < 2 || Ambient.namespace(mesh.namespace(ns).orElse(null))) {
        return;
      }
      List<String> names = sidecars.stream().map(KubeObject::name).sorted().toList();
      for (KubeObject sidecar : sidecars) {
        report.problem(sidecar, "spec", "The Sidecars " + names + " in namespace \"" + ns + "\" have no workload selector, which can"
            + " lead to undefined behavior.", Map.of("namespace", ns));
      }
    });
  }

  private static void selectorWithoutPods(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject sidecar : mesh.all("Sidecar")) {
      if (!selector(sidecar).isEmpty() && mesh.podsMatching(sidecar.namespace(), selector(sidecar)).isEmpty()) {
        String selector = LabelSelectors.text(selector(sidecar));
        report.problem(sidecar, "spec.workloadSelector.labels", "Referenced selector not found: \"" + selector + "\"",
            Map.of("selector", selector));
      }
    }
  }

  private static void ambient(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject sidecar : mesh.all("Sidecar")) {
      if (selector(sidecar).isEmpty()) {
        if (Ambient.namespace(mesh.namespace(sidecar.namespace()).orElse(null))) {
          report.problem(sidecar, "spec", "The policy has no impact: namespace is in ambient mode, the policy has no impact.");
        }
      } else if (mesh.podsMatching(sidecar.namespace(), selector(sidecar)).stream().anyMatch(Ambient::pod)) {
        report.problem(sidecar, "spec.workloadSelector", "The policy has no impact: selected workload is in ambient mode, the policy has"
            + " no impact.");
      }
    }
  }
}

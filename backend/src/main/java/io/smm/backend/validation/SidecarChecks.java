package io.smm.backend.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sidecar resource checks (istioctl IST0110, IST0111; Kiali KIA1004). */
final class SidecarChecks {

  private SidecarChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("sidecar/selector/conflict", Severity.ERROR,
            "Several Sidecars select the same pod; Istio applies one of them, which one is undefined.", SidecarChecks::selectorConflict),
        new Check("sidecar/namespace/multiple-defaults", Severity.ERROR,
            "Several Sidecars without workloadSelector in one namespace; Istio applies one of them, which one is undefined.",
            SidecarChecks::multipleDefaults),
        new Check("sidecar/selector/no-pods", Severity.WARNING,
            "The workloadSelector matches no pod in the namespace.", SidecarChecks::selectorWithoutPods));
  }

  private static Map<String, String> selector(KubeObject sidecar) {
    return KubeObject.strings(sidecar.spec().path("workloadSelector").path("labels"));
  }

  private static void selectorConflict(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject sidecar : mesh.all("Sidecar")) {
      if (selector(sidecar).isEmpty()) {
        continue;
      }
      for (KubeObject pod : mesh.podsMatching(sidecar.namespace(), selector(sidecar))) {
        List<String> others = new ArrayList<>();
        for (KubeObject other : mesh.all("Sidecar", sidecar.namespace())) {
          if (other != sidecar && !selector(other).isEmpty() && MeshConfig.selects(selector(other), pod.labels())) {
            others.add(other.name());
          }
        }
        if (!others.isEmpty()) {
          report.problem(sidecar, "spec.workloadSelector", "pod " + pod.name() + " is also selected by Sidecar " + String.join(", ", others),
              Map.of("pod", pod.name()));
          break;
        }
      }
    }
  }

  private static void multipleDefaults(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject sidecar : mesh.all("Sidecar")) {
      if (!selector(sidecar).isEmpty()) {
        continue;
      }
      List<String> others = mesh.all("Sidecar", sidecar.namespace()).stream()
          .filter(o -> o != sidecar && selector(o).isEmpty()).map(KubeObject::name).toList();
      if (!others.isEmpty()) {
        report.problem(sidecar, "spec", "namespace " + sidecar.namespace() + " has other Sidecars without workloadSelector: "
            + String.join(", ", others), Map.of("namespace", sidecar.namespace()));
      }
    }
  }

  private static void selectorWithoutPods(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject sidecar : mesh.all("Sidecar")) {
      if (!selector(sidecar).isEmpty() && mesh.podsMatching(sidecar.namespace(), selector(sidecar)).isEmpty()) {
        report.problem(sidecar, "spec.workloadSelector.labels", "no pod in " + sidecar.namespace() + " matches " + selector(sidecar));
      }
    }
  }
}

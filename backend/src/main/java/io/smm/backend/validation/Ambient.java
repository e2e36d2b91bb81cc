package io.smm.backend.validation;

/**
 * Istio's ambient mode, as the analyzers recognise it: a pod redirected by ztunnel (annotation
 * ambient.istio.io/redirection=enabled), a namespace labelled istio.io/dataplane-mode=ambient and
 * not also labelled for sidecar injection. Ambient workloads have no sidecar, so sidecar
 * configuration does not apply to them.
 */
final class Ambient {

  private Ambient() {}

  static boolean pod(KubeObject pod) {
    return pod != null && "enabled".equals(pod.annotations().get("ambient.istio.io/redirection"));
  }

  static boolean namespace(KubeObject namespace) {
    if (namespace == null) {
      return false;
    }
    var labels = namespace.labels();
    if ("enabled".equals(labels.get("istio-injection")) || !labels.getOrDefault("istio.io/rev", "").isEmpty()) {
      return false;
    }
    return "ambient".equals(labels.get("istio.io/dataplane-mode"));
  }
}

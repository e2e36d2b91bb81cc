package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.smm.api.istio.ProxyRevision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks on what runs in the mesh rather than on Istio's resources: injection, revisions, proxy
 * versions and port names (istioctl IST0102, IST0118; the seed's outdated sidecar injection).
 */
final class WorkloadChecks {

  /** Istio's protocol selection by port name: {@code <protocol>[-<suffix>]}. */
  private static final Pattern PORT_NAME = Pattern.compile("^(http|http2|https|grpc|grpc-web|mongo|mysql|redis|tcp|tls|udp)(-.*)?$");

  private WorkloadChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("namespace/injection/missing", IstioMessage.NAMESPACE_NOT_INJECTED,
            "A namespace without sidecar injection (no istio.io/rev or istio-injection label): its pods are outside the mesh.",
            (mesh, report) -> notInjected(mesh, report, false)),
        new Check("namespace/injection/enabled-by-default", IstioMessage.NAMESPACE_INJECTION_ENABLED_BY_DEFAULT,
            "A namespace without injection labels is injected because the injector enables namespaces by default.",
            (mesh, report) -> notInjected(mesh, report, true)),
        new Check("namespace/injection/multiple-labels", IstioMessage.NAMESPACE_MULTIPLE_INJECTION_LABELS,
            "A namespace has more than one kind of injection label (istio-injection, istio.io/rev, ambient): which wins is undefined.",
            WorkloadChecks::multipleLabels),
        new Check("pod/sidecar/missing", IstioMessage.POD_MISSING_PROXY,
            "A pod in a namespace with istio-injection=enabled runs without a sidecar: it was started before injection was enabled.",
            WorkloadChecks::missingProxy),
        new Check("namespace/proxy-image/mismatch", IstioMessage.PODS_ISTIO_PROXY_IMAGE_MISMATCH_IN_NAMESPACE,
            "Pods of an injected namespace run another proxy image than the injector's configuration gives: restart them.",
            WorkloadChecks::proxyImageMismatch),
        new Check("pod/image-auto/not-injected", IstioMessage.IMAGE_AUTO_WITHOUT_INJECTION_ERROR,
            "A pod has an istio-proxy container with image: auto, which only injection replaces, and was not injected.",
            WorkloadChecks::podImageAuto),
        new Check("deployment/image-auto/not-injected", IstioMessage.IMAGE_AUTO_WITHOUT_INJECTION_WARNING,
            "A Deployment's pods have an istio-proxy container with image: auto, but no Istio injection webhook selects them.",
            WorkloadChecks::deploymentImageAuto),
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

  /** Namespaces whose pods Istio's injection analyzer leaves alone: istio-system and the mesh's root namespace. */
  private static boolean controlPlaneNamespace(MeshConfig mesh, KubeObject ns) {
    return ns.name().equals(MeshConfig.DEFAULT_ROOT_NAMESPACE) || ns.name().equals(mesh.rootNamespace());
  }

  /**
   * A namespace without injection labels (not in ambient mode): IST0102, or IST0148 when the
   * injector of its revision enables namespaces by default.
   */
  private static void notInjected(MeshConfig mesh, Check.Reporter report, boolean byDefault) {
    for (KubeObject ns : mesh.all("Namespace")) {
      Map<String, String> labels = ns.labels();
      if (controlPlaneNamespace(mesh, ns) || !labels.getOrDefault("istio-injection", "").isEmpty() || labels.containsKey("istio.io/rev")
          || "ambient".equals(labels.get("istio.io/dataplane-mode"))) {
        continue;
      }
      boolean enabledByDefault = mesh.all("ConfigMap").stream().filter(cm -> cm.name().equals(Workloads.INJECTOR_CONFIG_MAP))
          .findFirst().map(cm -> Workloads.injectorValues(cm).path("sidecarInjectorWebhook").path("enableNamespacesByDefault").asBoolean(false))
          .orElse(false);
      if (byDefault && enabledByDefault) {
        report.problem(ns, "metadata.labels", "The namespace is enabled for Istio injection, as Istio is installed with"
            + " enableNamespacesByDefault as true.", Map.of("namespace", ns.name()));
      } else if (!byDefault && !enabledByDefault) {
        report.problem(ns, "metadata.labels", "The namespace is not enabled for Istio injection. Run 'kubectl label namespace " + ns.name()
            + " istio-injection=enabled' to enable it, or 'kubectl label namespace " + ns.name() + " istio-injection=disabled' to"
            + " explicitly mark it as not needing injection.", Map.of("namespace", ns.name()));
      }
    }
  }

  private static void multipleLabels(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject ns : mesh.all("Namespace")) {
      if (controlPlaneNamespace(mesh, ns)) {
        continue;
      }
      Map<String, String> labels = ns.labels();
      String injection = labels.get("istio-injection");
      List<String> kinds = new ArrayList<>();
      if (injection != null) {
        kinds.add("istio-injection=" + injection);
      }
      for (String label : List.of("istio.io/rev", "istio.io/dataplane-mode")) {
        if (labels.containsKey(label) && (injection == null || injection.equals("enabled"))) {
          kinds.add(label + "=" + labels.get(label));
        }
      }
      if (kinds.size() > 1) {
        report.problem(ns, "metadata.labels", "The namespace has more than one type of injection labels " + kinds + ", which may lead to"
            + " undefined behavior. Make sure only one injection label exists.", Map.of("labels", String.join(",", kinds)));
      }
    }
  }

  private static void missingProxy(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject pod : mesh.all("Pod")) {
      KubeObject ns = mesh.namespace(pod.namespace()).orElse(null);
      if (ns == null || controlPlaneNamespace(mesh, ns) || !"enabled".equals(ns.labels().get("istio-injection"))
          || "ambient".equals(ns.labels().get("istio.io/dataplane-mode"))) {
        continue;
      }
      String inject = pod.labels().getOrDefault("sidecar.istio.io/inject", pod.annotations().get("sidecar.istio.io/inject"));
      if ("false".equalsIgnoreCase(inject) || pod.spec().path("hostNetwork").asBoolean(false)) {
        continue;
      }
      if (Workloads.proxyImage(pod).isEmpty()) {
        report.problem(pod, "spec.containers", "The pod " + pod.namespace() + "/" + pod.name() + " is missing the Istio proxy. This can"
            + " often be resolved by restarting or redeploying the workload.", Map.of());
      }
    }
  }

  /** As Istio's ImageAnalyzer: per injected namespace, the pods whose istio-proxy image is not the one its injector gives. */
  private static void proxyImageMismatch(MeshConfig mesh, Check.Reporter report) {
    Map<String, String> imageByConfigMap = new java.util.HashMap<>();
    for (KubeObject cm : mesh.all("ConfigMap")) {
      if (cm.name().startsWith(Workloads.INJECTOR_CONFIG_MAP)) {
        JsonNode global = Workloads.injectorValues(cm).path("global");
        String image = global.path("proxy").path("image").asText("");
        imageByConfigMap.put(cm.name(), image.contains("/") ? image
            : global.path("hub").asText("") + "/" + image + ":" + global.path("tag").asText(""));
      }
    }
    if (imageByConfigMap.isEmpty()) {
      return;
    }
    ProxyImageTypes types = new ProxyImageTypes(mesh);
    for (KubeObject ns : mesh.all("Namespace")) {
      Map<String, String> labels = ns.labels();
      String revision = labels.containsKey("istio.io/rev") ? labels.get("istio.io/rev")
          : "enabled".equals(labels.get("istio-injection")) ? "default" : null;
      String expected = revision == null ? null : imageByConfigMap.get(Workloads.injectorConfigMap(revision));
      if (expected == null) {
        continue;
      }
      List<String> mismatched = new ArrayList<>();
      for (KubeObject pod : mesh.all("Pod", ns.name())) {
        if (!pod.annotations().getOrDefault("sidecar.istio.io/proxyImage", "").isEmpty()) {
          continue;
        }
        String image = Workloads.proxyImage(pod);
        if (Workloads.containers(pod.spec()).stream().anyMatch(c -> c.path("name").asText().equals(Workloads.PROXY))
            && !image.equals(expected) && !image.equals(expected + "-" + types.of(pod))) {
          mismatched.add(pod.name());
        }
      }
      if (!mismatched.isEmpty()) {
        mismatched.sort(null);
        report.problem(ns, "metadata.name", "The Istio proxy images of the pods running in the namespace do not match the image defined in"
            + " the injection configuration (pod names: " + mismatched + "). This often happens after upgrading the Istio control-plane"
            + " and can be fixed by redeploying the pods.", Map.of("pods", String.join(",", mismatched), "expected", expected));
      }
    }
  }

  private static boolean autoImage(JsonNode podSpec) {
    for (JsonNode c : podSpec.path("containers")) {
      if (c.path("name").asText().equals(Workloads.PROXY) && c.path("image").asText().equals("auto")) {
        return true;
      }
    }
    return false;
  }

  private static void podImageAuto(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject pod : mesh.all("Pod")) {
      if (autoImage(pod.spec())) {
        report.problem(pod, "spec.containers[istio-proxy].image", "Pod " + pod.name() + " contains `image: auto` but does not match any"
            + " Istio injection webhook selectors.");
      }
    }
  }

  private static void deploymentImageAuto(MeshConfig mesh, Check.Reporter report) {
    List<JsonNode> webhooks = new ArrayList<>();
    for (KubeObject mwc : mesh.all("MutatingWebhookConfiguration")) {
      mwc.body().path("webhooks").forEach(w -> {
        if (w.path("name").asText().endsWith("istio.io")) {
          webhooks.add(w);
        }
      });
    }
    for (KubeObject d : mesh.all("Deployment")) {
      JsonNode template = d.spec().path("template");
      if (!autoImage(template.path("spec"))) {
        continue;
      }
      Map<String, String> nsLabels = mesh.namespace(d.namespace().isEmpty() ? "default" : d.namespace()).map(KubeObject::labels)
          .orElse(Map.of());
      Map<String, String> podLabels = KubeObject.strings(template.path("metadata").path("labels"));
      boolean injected = webhooks.stream().anyMatch(w -> LabelSelectors.matches(w.path("namespaceSelector"), nsLabels)
          && LabelSelectors.matches(w.path("objectSelector"), podLabels));
      if (!injected) {
        report.problem(d, "spec.template.spec.containers[istio-proxy].image", "Deployment " + d.name() + " contains `image: auto` but does"
            + " not match any Istio injection webhook selectors.");
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

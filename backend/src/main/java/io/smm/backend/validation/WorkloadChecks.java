package io.smm.backend.validation;

import io.smm.api.selector.LabelSelectors;
import com.fasterxml.jackson.databind.JsonNode;
import io.smm.api.istio.ProxyRevision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
        new Check("service/port/protocol-naming", IstioMessage.PORT_NAME_IS_NOT_UNDER_NAMING_CONVENTION,
            "A port name does not follow Istio's <protocol>[-<suffix>] convention and there is no appProtocol: Istio guesses the protocol.",
            (mesh, report) -> portNaming(mesh, report, false)),
        new Check("service/external-name/port-name", IstioMessage.EXTERNAL_NAME_SERVICE_TYPE_INVALID_PORT_NAME,
            "An ExternalName service's port is named tcp or gives no protocol: proxies may not forward its TCP traffic correctly.",
            (mesh, report) -> portNaming(mesh, report, true)),
        new Check("pod/security-context/proxy-uid", IstioMessage.INVALID_APPLICATION_UID,
            "An application container runs as user 1337, which is the sidecar proxy's: its traffic bypasses the proxy.",
            (mesh, report) -> proxyUid(mesh, report, "Pod")),
        new Check("deployment/security-context/proxy-uid", IstioMessage.INVALID_APPLICATION_UID,
            "A Deployment's application containers run as user 1337, which is the sidecar proxy's: their traffic bypasses the proxy.",
            (mesh, report) -> proxyUid(mesh, report, "Deployment")),
        new Check("deployment/service/protocol-conflict", IstioMessage.DEPLOYMENT_ASSOCIATED_TO_MULTIPLE_SERVICES,
            "Services selecting one mesh Deployment's pods use the same port with different protocols.", WorkloadChecks::portProtocolConflict),
        new Check("deployment/service/target-port-conflict", IstioMessage.DEPLOYMENT_CONFLICTING_PORTS,
            "Services selecting one mesh Deployment's pods send different ports to the same target port.", WorkloadChecks::targetPortConflict));
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
    boolean enabledByDefault = mesh.all("ConfigMap").stream().filter(cm -> cm.name().equals(Workloads.INJECTOR_CONFIG_MAP))
        .findFirst().map(cm -> Workloads.injectorValues(cm).path("sidecarInjectorWebhook").path("enableNamespacesByDefault").asBoolean(false))
        .orElse(false);
    for (KubeObject ns : mesh.all("Namespace")) {
      Map<String, String> labels = ns.labels();
      if (controlPlaneNamespace(mesh, ns) || !labels.getOrDefault("istio-injection", "").isEmpty() || labels.containsKey("istio.io/rev")
          || "ambient".equals(labels.get("istio.io/dataplane-mode"))) {
        continue;
      }
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
    Map<String, String> imageByConfigMap = new HashMap<>();
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
        String image = Workloads.proxyContainer(pod).map(c -> c.path("image").asText("")).orElse(null);
        if (image != null && !image.equals(expected) && !image.equals(expected + "-" + types.of(pod))) {
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
      String image = Workloads.proxyImage(pod);
      String version = plane.spec().path("version").asText("");
      String expected = plane.spec().path("proxy").path("image").asText("");
      boolean outdated = !image.isEmpty() && (!expected.isEmpty() ? !image.equals(expected)
          : !version.isEmpty() && !image.endsWith(":" + version));
      if (outdated) {
        report.problem(pod, "spec.containers[istio-proxy].image", "sidecar proxy " + image + " is outdated: " + revision + " injects "
            + (expected.isEmpty() ? "version " + version : expected), Map.of("image", image));
      }
    }
  }

  /** Well-known ports Istio treats as TCP when their name gives no protocol (SMTP, DNS, MySQL, MongoDB). */
  private static final Set<Integer> WELL_KNOWN_TCP = Set.of(25, 53, 3306, 27017);

  /** Services Istio's port name check skips: the control plane's and those of gateways Istio itself manages. */
  private static boolean managedByIstio(KubeObject svc) {
    Map<String, String> labels = svc.labels();
    return labels.containsKey("istio") || "istio".equals(labels.get("release")) || Set.of("istio.io-gateway-controller",
        "istio.io-mesh-controller", "istio.io-eastwest-controller").contains(labels.getOrDefault("gateway.istio.io/managed", ""));
  }

  /** Istio's protocol selection (ConvertProtocol): appProtocol, else the port name's prefix; null when it names none. */
  static String protocolOf(JsonNode port) {
    if (port.path("protocol").asText("").equals("UDP")) {
      return "UDP";
    }
    String name = port.has("appProtocol") ? port.path("appProtocol").asText() : port.path("name").asText("");
    switch (name) {
      case "kubernetes.io/h2c":
        return "HTTP2";
      case "kubernetes.io/ws":
        return "HTTP";
      case "kubernetes.io/wss":
        return "HTTPS";
      default:
        break;
    }
    if (name.length() >= 8 && name.substring(0, 8).equalsIgnoreCase("grpc-web")) {
      return "GRPC-WEB";
    }
    String prefix = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
    String protocol = PORT_PROTOCOLS.contains(prefix.toLowerCase(Locale.ROOT)) ? prefix.toUpperCase(Locale.ROOT) : null;
    return protocol == null && WELL_KNOWN_TCP.contains(port.path("port").asInt()) ? "TCP" : protocol;
  }

  private static final Set<String> PORT_PROTOCOLS = Set.of("tcp", "udp", "grpc", "http", "http_proxy", "http2", "https", "tls",
      "mongo", "redis", "mysql");

  private static void portNaming(MeshConfig mesh, Check.Reporter report, boolean externalName) {
    for (KubeObject svc : mesh.all("Service")) {
      if (managedByIstio(svc) || svc.spec().path("type").asText("").equals("ExternalName") != externalName) {
        continue;
      }
      JsonNode ports = svc.spec().path("ports");
      for (int i = 0; i < ports.size(); i++) {
        JsonNode port = ports.get(i);
        String name = port.path("name").asText("");
        if (protocolOf(port) != null && !(externalName && name.equals("tcp"))) {
          continue;
        }
        String target = port.path("targetPort").asText(port.path("port").asText());
        report.problem(svc, "spec.ports[" + i + "].name", externalName
            ? "Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports serving"
                + " TCP protocol from being forwarded correctly"
            : "Port name " + name + " (port: " + port.path("port").asText() + ", targetPort: " + target + ") doesn't follow the naming"
                + " convention of Istio port.", Map.of("port", port.path("port").asText(), "name", name));
      }
    }
  }

  /** Reported once per pod or Deployment, at its first offending field, as istioctl's deduplicated output shows it. */
  private static void proxyUid(MeshConfig mesh, Check.Reporter report, String kind) {
    for (KubeObject o : mesh.all(kind)) {
      JsonNode spec = kind.equals("Pod") ? o.spec() : o.spec().path("template").path("spec");
      if (o.labels().containsKey("istio") || "istio".equals(o.labels().get("release")) || onlyProxies(spec)) {
        continue; // Istio's own workloads; a gateway, whose only container is the proxy, runs as the proxy's user
      }
      String prefix = kind.equals("Pod") ? "spec" : "spec.template.spec";
      List<String> offenders = new ArrayList<>();
      if (spec.path("securityContext").path("runAsUser").asLong(-1) == 1337) {
        offenders.add(prefix + ".securityContext.runAsUser");
      }
      JsonNode containers = spec.path("containers");
      for (int i = 0; i < containers.size(); i++) {
        String name = containers.get(i).path("name").asText();
        if (!name.equals(Workloads.PROXY) && !name.equals("istio-operator")
            && containers.get(i).path("securityContext").path("runAsUser").asLong(-1) == 1337) {
          offenders.add(prefix + ".containers[" + i + "].securityContext.runAsUser");
        }
      }
      if (!offenders.isEmpty()) {
        report.problem(o, offenders.get(0), "User ID (UID) 1337 is reserved for the sidecar proxy.", Map.of("fields", String.join(",", offenders)));
      }
    }
  }

  private static boolean onlyProxies(JsonNode podSpec) {
    JsonNode containers = podSpec.path("containers");
    for (JsonNode c : containers) {
      if (!c.path("name").asText().equals(Workloads.PROXY)) {
        return false;
      }
    }
    return !containers.isEmpty();
  }

  /** The Services of a mesh Deployment's namespace whose (non-empty) selector matches its pod template. */
  private static List<KubeObject> servicesOf(MeshConfig mesh, KubeObject deployment) {
    Map<String, String> labels = KubeObject.strings(deployment.spec().path("template").path("metadata").path("labels"));
    return mesh.all("Service", deployment.namespace()).stream().filter(svc -> {
      Map<String, String> selector = KubeObject.strings(svc.spec().path("selector"));
      return !selector.isEmpty() && MeshConfig.selects(selector, labels);
    }).toList();
  }

  /** Istio's DeploymentInMesh, for the pod template: a sidecar, the inject label or annotation, or an injected namespace. */
  private static List<KubeObject> meshDeployments(MeshConfig mesh) {
    return mesh.all("Deployment").stream()
        .filter(d -> !"istio.io-mesh-controller".equals(d.labels().get("gateway.istio.io/managed")))
        .filter(d -> Workloads.inMesh(mesh, d.namespace(), d.spec().path("template").path("metadata"), d.spec().path("template").path("spec")))
        .toList();
  }

  private static void portProtocolConflict(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject d : meshDeployments(mesh)) {
      Map<Integer, Map<String, List<String>>> byPort = new TreeMap<>();
      for (KubeObject svc : servicesOf(mesh, d)) {
        for (JsonNode p : svc.spec().path("ports")) {
          byPort.computeIfAbsent(p.path("port").asInt(), k -> new TreeMap<>())
              .computeIfAbsent(p.path("protocol").asText("TCP"), k -> new ArrayList<>()).add(svc.namespace() + "/" + svc.name());
        }
      }
      byPort.forEach((port, protocols) -> {
        if (protocols.size() > 1) {
          List<String> services = protocols.values().stream().flatMap(List::stream).sorted().toList();
          report.problem(d, "spec.template.metadata.labels", "This deployment " + d.name() + " is associated with multiple services using"
              + " port " + port + " but different protocols: " + services, Map.of("port", String.valueOf(port)));
        }
      });
    }
  }

  private static void targetPortConflict(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject d : meshDeployments(mesh)) {
      Map<String, Map<Integer, String>> byTarget = new TreeMap<>();
      for (KubeObject svc : servicesOf(mesh, d)) {
        for (JsonNode p : svc.spec().path("ports")) {
          String target = p.path("targetPort").asText("");
          if (target.isEmpty() || target.equals("0")) {
            target = p.path("port").asText();
          }
          byTarget.computeIfAbsent(target, k -> new TreeMap<>()).put(p.path("port").asInt(), svc.namespace() + "/" + svc.name());
        }
      }
      byTarget.forEach((target, ports) -> {
        if (ports.size() > 1) {
          List<String> services = ports.values().stream().sorted().toList();
          report.problem(d, "spec.template.metadata.labels", "This deployment " + d.name() + " is associated with multiple services "
              + services + " using targetPort \"" + target + "\" but different ports: " + ports.keySet() + ".", Map.of("targetPort", target));
        }
      });
    }
  }
}

package io.smm.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;

/**
 * Stands in for Istio's sidecar injector webhook (the sandbox API server calls no webhooks): a
 * pod created in a namespace labelled istio.io/rev=&lt;revision of an existing IstioControlPlane&gt;
 * gets an istio-proxy container and the labels Istio adds, unless the pod is annotated
 * sidecar.istio.io/inject=false. Bare pods created directly through the API are not injected.
 */
final class SidecarInjector {

  static final String REVISION_LABEL = "istio.io/rev";

  private final KubernetesClient client;

  SidecarInjector(KubernetesClient client) {
    this.client = client;
  }

  void inject(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
    if ("false".equals(annotations.get("sidecar.istio.io/inject"))
        || pod.getSpec().getContainers().stream().anyMatch(c -> "istio-proxy".equals(c.getName()))) {
      return;
    }
    Namespace ns = client.namespaces().withName(pod.getMetadata().getNamespace()).get();
    String revision = ns == null || ns.getMetadata().getLabels() == null ? null : ns.getMetadata().getLabels().get(REVISION_LABEL);
    if (revision == null || !revision.contains(".")) {
      return;
    }
    GenericKubernetesResource icp = client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane")
        .inNamespace(revision.substring(revision.indexOf('.') + 1)).withName(revision.substring(0, revision.indexOf('.'))).get();
    if (icp == null) {
      return; // no such control plane: its webhook does not exist, nothing injects
    }
    Object spec = icp.getAdditionalProperties().get("spec");
    String version = spec instanceof Map<?, ?> m && m.get("version") != null ? m.get("version").toString() : "1.15.3";
    Map<String, String> labels = new HashMap<>(pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels());
    labels.put(REVISION_LABEL, revision);
    labels.put("security.istio.io/tlsMode", "istio");
    labels.put("service.istio.io/canonical-name", labels.getOrDefault("app", pod.getMetadata().getName()));
    labels.put("service.istio.io/canonical-revision", labels.getOrDefault("version", "latest"));
    pod.getMetadata().setLabels(labels);
    Map<String, String> ann = new HashMap<>(annotations);
    ann.put("sidecar.istio.io/status", "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],\"revision\":\""
        + revision + "\"}");
    pod.getMetadata().setAnnotations(ann);
    pod.getSpec().getContainers().add(new ContainerBuilder().withName("istio-proxy").withImage("docker.io/istio/proxyv2:" + version)
        .withArgs("proxy", "sidecar").addNewPort().withName("http-envoy-prom").withContainerPort(15090).endPort().build());
  }
}

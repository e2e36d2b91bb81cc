package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Stands in for Istio's sidecar injector webhook, at the point kube-apiserver calls it (admission of
 * every pod creation, bare pods included; the sandbox API server calls no real webhooks): a pod
 * created in a namespace labelled istio.io/rev=&lt;revision of an existing IstioControlPlane&gt; gets
 * an istio-proxy container and the labels Istio adds, unless the pod is annotated
 * sidecar.istio.io/inject=false. Reads the namespace and the control plane from the store.
 */
final class SidecarInjectionWebhook {

  static final String REVISION_LABEL = "istio.io/rev";

  /** An API path's stored object, or null. */
  private final Function<String, JsonNode> stored;

  SidecarInjectionWebhook(Function<String, JsonNode> stored) {
    this.stored = stored;
  }

  void inject(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
    if ("false".equals(annotations.get("sidecar.istio.io/inject"))
        || pod.getSpec().getContainers().stream().anyMatch(c -> "istio-proxy".equals(c.getName()))) {
      return;
    }
    JsonNode ns = stored.apply("/api/v1/namespaces/" + pod.getMetadata().getNamespace());
    String revision = ns == null ? "" : ns.at("/metadata/labels").path(REVISION_LABEL).asText("");
    if (!revision.contains(".")) {
      return;
    }
    JsonNode icp = stored.apply("/apis/servicemesh.cisco.com/v1alpha1/namespaces/" + revision.substring(revision.indexOf('.') + 1)
        + "/istiocontrolplanes/" + revision.substring(0, revision.indexOf('.')));
    if (icp == null) {
      return; // no such control plane: its webhook does not exist, nothing injects
    }
    String version = icp.at("/spec/version").asText("1.15.3");
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

package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Function;

/**
 * Stands in for Istio's sidecar injector webhook, at the point kube-apiserver calls it (admission of
 * every pod creation, bare pods included; the sandbox API server calls no real webhooks). Which pods
 * are injected follows the selectors of the istio-operator's two webhooks: {@code rev.namespace}
 * (namespace labelled istio.io/rev=&lt;revision&gt;, no istio-injection label) and
 * {@code rev.object} (pod labelled istio.io/rev in a namespace with neither label); a pod labelled
 * or annotated sidecar.istio.io/inject=false is left alone, and nothing is injected for a revision
 * whose IstioControlPlane does not exist. The template is Istio's sidecar template, or the gateway
 * template for pods that ask for it (inject.istio.io/templates: gateway, istio-proxy image auto).
 */
final class SidecarInjectionWebhook {

  static final String REVISION_LABEL = "istio.io/rev";

  /** An API path's stored object, or null. */
  private final Function<String, JsonNode> stored;

  SidecarInjectionWebhook(Function<String, JsonNode> stored) {
    this.stored = stored;
  }

  /** Injects into a pod being created (JSON, changed in place); true when it did. */
  boolean inject(ObjectNode pod, String namespace) {
    JsonNode meta = pod.path("metadata");
    if ("false".equals(meta.at("/annotations/sidecar.istio.io~1inject").asText()) || "false".equals(meta.at("/labels/sidecar.istio.io~1inject").asText())
        || meta.at("/annotations/sidecar.istio.io~1status").isTextual()) {
      return false;
    }
    boolean gateway = meta.at("/annotations/inject.istio.io~1templates").asText("").contains("gateway");
    for (JsonNode c : pod.at("/spec/containers")) {
      // A pod created with its proxy already in place (as if injected elsewhere) is stored as it is.
      if ("istio-proxy".equals(c.path("name").asText()) && !"auto".equals(c.path("image").asText())) {
        return false;
      }
    }
    JsonNode ns = stored.apply("/api/v1/namespaces/" + namespace);
    JsonNode nsLabels = ns == null ? MissingNode.getInstance() : ns.at("/metadata/labels");
    if (nsLabels.has("istio-injection")) {
      return false; // the istio-injection=enabled label belongs to a default-revision Istio this product does not install
    }
    String revision = nsLabels.has(REVISION_LABEL) ? nsLabels.path(REVISION_LABEL).asText() : meta.at("/labels/istio.io~1rev").asText("");
    if (!revision.contains(".")) {
      return false;
    }
    String icpName = revision.substring(0, revision.indexOf('.'));
    String icpNamespace = revision.substring(revision.indexOf('.') + 1);
    JsonNode icp = stored.apply("/apis/servicemesh.cisco.com/v1alpha1/namespaces/" + icpNamespace + "/istiocontrolplanes/" + icpName);
    if (icp == null) {
      return false; // no such control plane: its webhook does not exist, nothing injects
    }
    JsonNode spec = icp.path("spec");
    String hub = spec.at("/containerImageConfiguration/hub").asText("docker.io/istio");
    String tag = spec.at("/containerImageConfiguration/tag").asText(spec.path("version").asText("1.15.3"));
    String image = spec.at("/proxy/image").asText("proxyv2");
    String proxyImage = image.contains("/") ? image : hub + "/" + image + ":" + tag;
    String trustDomain = spec.at("/meshConfig/trustDomain").asText("cluster.local");
    IstioInjectionTemplate.inject(pod, new IstioInjectionTemplate.ControlPlane(revision, proxyImage,
        "istiod-" + icpName + "." + icpNamespace + ".svc:15012", spec.path("clusterID").asText("Kubernetes"),
        spec.path("networkName").asText(""), spec.path("meshID").asText(trustDomain), trustDomain), gateway);
    return true;
  }
}

package io.smm.operator.istio;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.smm.api.crd.SmmCrds;
import java.util.HashMap;

/**
 * `smm sidecar-proxy auto-inject on|off`: versioned control planes inject where a namespace is
 * labelled istio.io/rev=&lt;name&gt;.&lt;namespace&gt; (seed); the unversioned istio-injection label is
 * removed so it cannot override the revision.
 */
public final class SidecarInjection {

  private SidecarInjection() {}

  /** Labels the namespace for the control plane "name.namespace" (or "name", in istio-system); returns the revision. */
  public static String enable(KubernetesClient client, String namespace, String controlPlane) {
    String revision = controlPlane.contains(".") ? controlPlane : controlPlane + ".istio-system";
    String icpName = revision.substring(0, revision.indexOf('.'));
    String icpNamespace = revision.substring(revision.indexOf('.') + 1);
    if (client.genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inNamespace(icpNamespace).withName(icpName).get() == null) {
      throw new IllegalArgumentException("there is no IstioControlPlane " + icpNamespace + "/" + icpName);
    }
    requireNamespace(client, namespace).edit(ns -> {
      ns.getMetadata().getLabels().put("istio.io/rev", revision);
      ns.getMetadata().getLabels().remove("istio-injection");
      return ns;
    });
    return revision;
  }

  public static void disable(KubernetesClient client, String namespace) {
    requireNamespace(client, namespace).edit(ns -> {
      ns.getMetadata().getLabels().remove("istio.io/rev");
      ns.getMetadata().getLabels().remove("istio-injection");
      return ns;
    });
  }

  private static Resource<Namespace> requireNamespace(
      KubernetesClient client, String namespace) {
    var ns = client.namespaces().withName(namespace);
    if (ns.get() == null) {
      throw new IllegalArgumentException("there is no namespace " + namespace);
    }
    ns.edit(n -> {
      if (n.getMetadata().getLabels() == null) {
        n.getMetadata().setLabels(new HashMap<>());
      }
      return n;
    });
    return ns;
  }
}

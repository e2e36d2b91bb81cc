package io.smm.operator.istio;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.istio.ProxyRevision;
import java.util.List;

/**
 * Who uses an Istio revision: namespaces whose new pods get its sidecar (istio.io/rev label) and
 * pods running its proxy ({@link ProxyRevision}: the injector's status annotation), but for the
 * control plane's own istiod and meshexpansion gateway. A control plane in use must not be
 * removed, or those proxies lose their control plane.
 */
public record RevisionUsage(String revision, List<String> namespaces, List<String> pods) {

  public static RevisionUsage of(KubernetesClient client, String revision) {
    List<String> namespaces = client.namespaces().withLabel("istio.io/rev", revision).list().getItems().stream()
        .map(Namespace::getMetadata).map(m -> m.getName()).sorted().toList();
    List<String> pods = client.pods().inAnyNamespace().list().getItems().stream()
        .filter(p -> revision.equals(ProxyRevision.of(p.getMetadata().getLabels(), p.getMetadata().getAnnotations())))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !p.getMetadata().getLabels().getOrDefault("app", "").equals("istiod"))
        .filter(p -> !ownMeshExpansionGateway(p, revision))
        .map(Pod::getMetadata).map(m -> m.getNamespace() + "/" + m.getName()).sorted().toList();
    return new RevisionUsage(revision, namespaces, pods);
  }

  /** The control plane's own meshexpansion gateway goes with it (its meshExpansion setting), so it does not hold it. */
  private static boolean ownMeshExpansionGateway(Pod p, String revision) {
    int dot = revision.indexOf('.');
    return dot > 0 && revision.substring(dot + 1).equals(p.getMetadata().getNamespace())
        && ("istio-meshexpansion-" + revision.substring(0, dot)).equals(p.getMetadata().getLabels().get("gateway-name"));
  }

  public boolean inUse() {
    return !namespaces.isEmpty() || !pods.isEmpty();
  }

  public String describe() {
    return revision + " is still used by " + pods.size() + " pod(s)" + sample(pods) + " and " + namespaces.size()
        + " namespace(s)" + sample(namespaces);
  }

  private static String sample(List<String> names) {
    if (names.isEmpty()) {
      return "";
    }
    return " (" + String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", ..." : "") + ")";
  }
}

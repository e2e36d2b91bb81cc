package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.Namespace;
import java.util.List;
import java.util.Map;

/** A namespace as the dashboard shows it: labels plus what Istio's injector would do there. */
public record NamespaceInfo(String name, List<Label> labels, String istioRevision, boolean sidecarInjection, String createdAt) {

  static final String INJECTION_LABEL = "istio-injection";
  static final String REVISION_LABEL = "istio.io/rev";

  public static NamespaceInfo of(Namespace ns) {
    Map<String, String> labels = ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    String injection = labels.get(INJECTION_LABEL);
    String revision = labels.get(REVISION_LABEL);
    // Istio's webhooks: istio-injection wins over istio.io/rev; "disabled" turns injection off.
    boolean injected = injection != null ? injection.equals("enabled") : revision != null;
    List<Label> sorted = Label.sorted(labels);
    return new NamespaceInfo(ns.getMetadata().getName(), sorted, revision, injected, ns.getMetadata().getCreationTimestamp());
  }
}

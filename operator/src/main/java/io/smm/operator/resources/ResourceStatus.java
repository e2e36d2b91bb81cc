package io.smm.operator.resources;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** Status writes of the product's custom resources. */
public final class ResourceStatus {

  private ResourceStatus() {}

  /**
   * Sets {@code resource}'s status to {@code next} and writes it with {@code updateStatus}, unless
   * it already is {@code next}: a reconcile that changes nothing makes no write (and no watch event).
   * Returns whether it wrote.
   */
  public static boolean writeIfChanged(GenericKubernetesResource resource, Map<String, Object> next,
      Consumer<GenericKubernetesResource> updateStatus) {
    if (Objects.equals(resource.getAdditionalProperties().get("status"), next)) {
      return false;
    }
    resource.getAdditionalProperties().put("status", next);
    updateStatus.accept(resource);
    return true;
  }
}

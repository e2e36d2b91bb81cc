package io.smm.operator.resources;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** Status writes of the product's custom resources. */
public final class ResourceStatus {

  private ResourceStatus() {}

  /**
   * Sets {@code resource}'s status to {@code next} and writes it with {@code updateStatus}, unless
   * it already is {@code next}: a reconcile that changes nothing makes no write (and no watch event).
   * When another reconcile wrote the resource meanwhile (409), the status is written again without
   * the version check: it is what this reconcile saw last, and kube-apiserver allows unconditional
   * updates of custom resources. Returns whether it wrote.
   */
  public static boolean writeIfChanged(GenericKubernetesResource resource, Map<String, Object> next,
      Consumer<GenericKubernetesResource> updateStatus) {
    if (Objects.equals(resource.getAdditionalProperties().get("status"), next)) {
      return false;
    }
    resource.getAdditionalProperties().put("status", next);
    try {
      updateStatus.accept(resource);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      resource.getMetadata().setResourceVersion(null);
      updateStatus.accept(resource);
    }
    return true;
  }
}

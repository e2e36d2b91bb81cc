package io.smm.operator.resources;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One resource a component wants: present (created or brought up to date) or absent (removed if
 * we created it). Absent resources are how disabling a component cleans up after it.
 */
public record DesiredResource(HasMetadata object, boolean present) {

  public static DesiredResource present(HasMetadata object) {
    return new DesiredResource(object, true);
  }

  public static DesiredResource absent(HasMetadata object) {
    return new DesiredResource(object, false);
  }

  public String describe() {
    String ns = object.getMetadata().getNamespace();
    return object.getKind() + " " + (ns == null ? "" : ns + "/") + object.getMetadata().getName();
  }
}

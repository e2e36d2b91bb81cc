package io.smm.operator.resources;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One resource a component wants: present (created or brought up to date) or absent (removed if
 * we created it). Absent resources are how disabling a component cleans up after it.
 * {@code acceptForeign}: when an object of that name exists and is not ours (a namespace the user
 * made, an IstioControlPlane the user wrote and named in istioCRRef), it is used as it is instead
 * of being refused.
 */
public record DesiredResource(HasMetadata object, boolean present, boolean acceptForeign) {

  public DesiredResource(HasMetadata object, boolean present) {
    this(object, present, false);
  }

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

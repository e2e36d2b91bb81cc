package io.smm.operator.resources;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** The object exists but was not created by the product: it is never overwritten. */
public class ForeignResourceException extends RuntimeException {
  public ForeignResourceException(HasMetadata wanted) {
    super(wanted.getKind() + " " + (wanted.getMetadata().getNamespace() == null ? "" : wanted.getMetadata().getNamespace() + "/")
        + wanted.getMetadata().getName() + " exists and is not managed by smm (no app.kubernetes.io/managed-by=smm label);"
        + " remove it or label it to let smm manage it");
  }
}

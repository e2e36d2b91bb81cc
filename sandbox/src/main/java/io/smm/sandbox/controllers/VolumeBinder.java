package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * What the persistent volume controller and a dynamic provisioner with volume expansion do for a
 * claim: a pending claim gets a volume (spec.volumeName pvc-&lt;uid&gt;) and is Bound with the
 * capacity it requested; a bound claim whose request grew gets the larger capacity, as an
 * expandable StorageClass would. No PersistentVolume object and no storage exist behind it.
 */
final class VolumeBinder {

  private final KubernetesClient client;

  VolumeBinder(KubernetesClient client) {
    this.client = client;
  }

  void sync() {
    for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inAnyNamespace().list().getItems()) {
      if (claim.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Quantity requested = claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null ? null
          : claim.getSpec().getResources().getRequests().get("storage");
      var claims = client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName());
      if (claim.getSpec().getVolumeName() == null || claim.getSpec().getVolumeName().isEmpty()) {
        claim.getSpec().setVolumeName("pvc-" + claim.getMetadata().getUid());
        claim = claims.patch(claim);
      }
      boolean bound = claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase());
      Quantity capacity = bound && claim.getStatus().getCapacity() != null ? claim.getStatus().getCapacity().get("storage") : null;
      if (!bound || requested != null && (capacity == null
          || Quantity.getAmountInBytes(requested).compareTo(Quantity.getAmountInBytes(capacity)) > 0)) {
        PersistentVolumeClaim current = claim;
        current.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound")
            .withAccessModes(current.getSpec().getAccessModes())
            .withCapacity(requested == null ? Map.of() : Map.of("storage", requested)).build());
        claims.updateStatus(current);
      }
    }
  }
}

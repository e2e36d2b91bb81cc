package io.smm.operator.resources;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/**
 * Fields the cluster sets on an object after we create it and that an update may not drop: a
 * replace (PUT) carries only what we set, and kube-apiserver refuses a claim whose volumeName,
 * defaulted storageClassName or volumeMode went missing ("spec is immutable after creation").
 * They are copied from the live object into what we write, unless we set them ourselves.
 */
final class ServerSetFields {

  private ServerSetFields() {}

  /**
   * Whether {@code wanted} changes a field kube-apiserver keeps immutable, so that it can only be
   * had by replacing the object: a Service's clusterIP set to something else than the live one has
   * (None, headless, for an IstioControlPlane turned PASSIVE; an allocated address cannot become
   * None). A Service that leaves it unset keeps the allocated one.
   */
  static boolean immutableChange(HasMetadata wanted, HasMetadata live) {
    if (wanted instanceof io.fabric8.kubernetes.api.model.Service service && live instanceof io.fabric8.kubernetes.api.model.Service current
        && service.getSpec() != null && service.getSpec().getClusterIP() != null) {
      String now = current.getSpec() == null || current.getSpec().getClusterIP() == null ? "" : current.getSpec().getClusterIP();
      return !service.getSpec().getClusterIP().equals(now);
    }
    return false;
  }

  static void carryOver(HasMetadata wanted, HasMetadata live) {
    if (wanted instanceof PersistentVolumeClaim claim && live instanceof PersistentVolumeClaim current && current.getSpec() != null) {
      var spec = claim.getSpec();
      if (spec.getVolumeName() == null) {
        spec.setVolumeName(current.getSpec().getVolumeName());
      }
      if (spec.getStorageClassName() == null) {
        spec.setStorageClassName(current.getSpec().getStorageClassName());
      }
      if (spec.getVolumeMode() == null) {
        spec.setVolumeMode(current.getSpec().getVolumeMode());
      }
    }
  }
}

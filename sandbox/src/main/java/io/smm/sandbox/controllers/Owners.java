package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Controller references, readiness and template hashes, as Kubernetes' controllers compute them. */
public final class Owners {

  public static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private Owners() {}

  public static boolean isReady(Pod p) {
    return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** spec.replicas with Kubernetes' default of 1. */
  static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }

  static OwnerReference controllerOf(HasMetadata obj) {
    if (obj.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    return obj.getMetadata().getOwnerReferences().stream()
        .filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
  }

  /** The candidates {@code owner} controls, except those being deleted. */
  static <T extends HasMetadata> List<T> ownedBy(HasMetadata owner, List<T> candidates) {
    String uid = owner.getMetadata().getUid();
    List<T> result = new ArrayList<>();
    for (T c : candidates) {
      OwnerReference ref = controllerOf(c);
      if (ref != null && uid != null && uid.equals(ref.getUid()) && c.getMetadata().getDeletionTimestamp() == null) {
        result.add(c);
      }
    }
    return result;
  }

  static OwnerReference controllerRef(HasMetadata owner) {
    OwnerReference ref = new OwnerReference();
    ref.setApiVersion(owner.getApiVersion());
    ref.setKind(owner.getKind());
    ref.setName(owner.getMetadata().getName());
    ref.setUid(owner.getMetadata().getUid());
    ref.setController(true);
    ref.setBlockOwnerDeletion(true);
    return ref;
  }

  /** Like Kubernetes' ComputeHash: FNV-32a of the template, encoded in the safe alphabet. */
  static String templateHash(PodTemplateSpec template) {
    byte[] bytes = Serialization.asJson(template).getBytes(StandardCharsets.UTF_8);
    int hash = 0x811c9dc5;
    for (byte b : bytes) {
      hash ^= (b & 0xff);
      hash *= 0x01000193;
    }
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    long value = Integer.toUnsignedLong(hash);
    StringBuilder sb = new StringBuilder();
    do {
      sb.append(alphabet.charAt((int) (value % alphabet.length())));
      value /= alphabet.length();
    } while (value > 0);
    return sb.toString();
  }
}

package io.smm.sandbox.kube.storage;

import io.fabric8.kubernetes.client.utils.Utils;
import java.lang.reflect.Field;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Object UIDs as kube-apiserver gives them: unique across clusters and restarts. fabric8's store
 * numbers them from a counter that every JVM starts at 0 (00000000-0000-0000-0000-000000000001,
 * ...), so two sandboxes would give their kube-system namespaces — the cluster IDs the cluster
 * registry tells clusters apart by — the same UID, and a resumed sandbox would give new objects the
 * UIDs of restored ones. Starting that counter at a random point once per JVM makes them unique.
 */
final class ObjectUids {

  /** Below this the counter is where a JVM starts it; above, it was started at a random point already. */
  private static final long UNRANDOMIZED = 1L << 40;

  private ObjectUids() {}

  static void randomize() {
    try {
      Field field = Utils.class.getDeclaredField("leastSigBits");
      field.setAccessible(true);
      AtomicLong counter = (AtomicLong) field.get(null);
      // 62 random bits (at least 2^40): room to count up without wrapping.
      long start = UNRANDOMIZED + (new SecureRandom().nextLong() >>> 2);
      counter.updateAndGet(n -> n < UNRANDOMIZED ? start : n);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot make the sandbox's object UIDs unique (fabric8's id counter changed)", e);
    }
  }
}

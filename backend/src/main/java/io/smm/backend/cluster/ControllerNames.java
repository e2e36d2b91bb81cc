package io.smm.backend.cluster;

import java.util.regex.Pattern;

/**
 * How Kubernetes controllers name what they create for a workload, to find a workload's
 * ReplicaSets and pods by name where nothing else links them (cAdvisor series, old events): a
 * Deployment's ReplicaSet is {@code <name>-<pod-template-hash>}, its pods add a 5-character
 * suffix, a DaemonSet's pods {@code <name>-<5>}, a StatefulSet's {@code <name>-<ordinal>}. Hashes
 * and suffixes use Kubernetes' vowel-free alphabet, so {@code catalog-v1-canary} is not one of
 * catalog-v1's.
 */
public final class ControllerNames {

  private static final String SAFE = "[bcdfghjklmnpqrstvwxz2456789]";

  /** The part after {@code <workload>-} in the name of one of its pods (a regex). */
  public static final String POD_SUFFIX = "(" + SAFE + "{1,10}-)?" + SAFE + "{5}|[0-9]+";

  /** The same for its ReplicaSets and pods. */
  private static final Pattern OWNED_SUFFIX = Pattern.compile(SAFE + "{1,10}(-" + SAFE + "{5})?|[0-9]+");
  private static final Pattern POD = Pattern.compile(POD_SUFFIX);

  private ControllerNames() {}

  /** Whether {@code name} is the workload's own, or one of its ReplicaSets' or pods'. */
  public static boolean ownedBy(String name, String workload) {
    return name.equals(workload) || (name.startsWith(workload + "-") && OWNED_SUFFIX.matcher(name.substring(workload.length() + 1)).matches());
  }

  /** Whether {@code pod} is named as one of the workload's pods. */
  public static boolean podOf(String pod, String workload) {
    return pod.startsWith(workload + "-") && POD.matcher(pod.substring(workload.length() + 1)).matches();
  }
}

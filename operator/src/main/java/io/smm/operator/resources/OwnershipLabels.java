package io.smm.operator.resources;

/** How the product marks what it owns, so it only ever updates or deletes its own objects. */
public final class OwnershipLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "smm";
  public static final String COMPONENT = "smm.cisco.com/component";
  /** Owner, e.g. "ControlPlane/smm" or "IstioControlPlane/istio-system/cp-v115x". */
  public static final String OWNER = "smm.cisco.com/owner";
  /** SHA-256 of the desired object as the product built it; equal hash = nothing to write. */
  public static final String DESIRED_HASH = "smm.cisco.com/desired-hash";

  private OwnershipLabels() {}
}

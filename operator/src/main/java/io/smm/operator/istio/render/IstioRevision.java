package io.smm.operator.istio.render;

/**
 * How the istio-operator names what belongs to one control plane: objects carry the ICP's name
 * ({@code istiod-cp-v115x}), cluster-scoped ones also its namespace
 * ({@code istiod-cp-v115x-istio-system}), and labels and selectors the namespaced revision
 * ({@code istio.io/rev: cp-v115x.istio-system}).
 */
public record IstioRevision(String name, String namespace) {

  /** The istio.io/rev value: {@code <name>.<namespace>}. */
  public String label() {
    return name + "." + namespace;
  }

  /** {@code WithRevision}: {@code istiod} → {@code istiod-cp-v115x}. */
  public String withRevision(String base) {
    return base + "-" + name;
  }

  /** {@code WithNamespacedRevision}: {@code istio-validator} → {@code istio-validator-cp-v115x-istio-system}. */
  public String withNamespacedRevision(String base) {
    return base + "-" + name + "-" + namespace;
  }

  /** The istiod Service's in-cluster address. */
  public String istiodHost() {
    return withRevision("istiod") + "." + namespace + ".svc";
  }
}

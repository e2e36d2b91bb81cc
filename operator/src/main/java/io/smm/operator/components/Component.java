package io.smm.operator.components;

import io.smm.operator.resources.DesiredResource;
import java.util.List;

/**
 * One installable part of the product. It builds every resource it could own from the whole
 * configuration, each marked present or absent, so disabling it removes what it created. Order of
 * the list = order of creation; removal runs backwards.
 */
public interface Component {

  /** Stable name, used in status and labels (e.g. "tracing"). */
  String name();

  List<DesiredResource> desired(ControlPlaneConfig config);

  /** Whether uninstall leaves this component's resources in place (the CRDs, so users' custom resources survive). */
  default boolean keptOnUninstall() {
    return false;
  }

  /**
   * Removes what a controller made from one of this component's resources (istiod from an
   * IstioControlPlane, the Envoy Deployment from an IstioMeshGateway) before the resource itself
   * goes; most components' resources have nothing made from them.
   */
  default void removeOperands(DesiredResource resource, Operands operands) {}

  /** The controllers' removals a component may ask for. */
  interface Operands {
    void removeControlPlane(String namespace, String name);

    void removeMeshGateway(String namespace, String name);
  }
}

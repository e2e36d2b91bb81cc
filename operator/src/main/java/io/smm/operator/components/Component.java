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
}

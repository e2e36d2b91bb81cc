package io.smm.operator.components;

import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.DesiredResource;
import java.util.List;

/** The product's CRDs. Always present: uninstall leaves them, so users' custom resources survive. */
public final class CrdsComponent implements Component {

  @Override
  public String name() {
    return "crds";
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    return SmmCrds.ALL.stream().map(k -> DesiredResource.present(SmmCrds.crd(k))).toList();
  }
}

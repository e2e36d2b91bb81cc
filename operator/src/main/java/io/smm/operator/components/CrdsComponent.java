package io.smm.operator.components;

import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import java.util.ArrayList;
import java.util.List;

/**
 * The product's CRDs and Istio's. Always present: uninstall leaves them, so users' custom
 * resources (and their Istio resources) survive. The one place CRDs are applied: as the first
 * component of every reconcile, and through {@link #apply} where they must exist before the
 * reconcile can start (`smm install` creates a ControlPlane; `smm operator` watches them).
 */
public final class CrdsComponent implements Component {

  public static final String NAME = "crds";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean keptOnUninstall() {
    return true;
  }

  /** Creates or updates the CRDs, owned by {@code owner} in the ownership labels. */
  public void apply(ResourceApplier applier, String owner) {
    desired(null).forEach(crd -> applier.apply(crd, name(), owner));
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    List<DesiredResource> out = new ArrayList<>(SmmCrds.ALL.stream().map(k -> DesiredResource.present(SmmCrds.crd(k))).toList());
    // A cluster that already has Istio's CRDs (installed by another tool) keeps them as they are.
    IstioCrds.ALL.forEach(k -> out.add(new DesiredResource(IstioCrds.crd(k), true, true)));
    // The same for the prometheus-operator's PrometheusRule, where SLO rules are written.
    out.add(new DesiredResource(IstioCrds.crd(IstioCrds.PROMETHEUS_RULE), true, true));
    // And cert-manager's Certificate/Issuer, which gateway entry points with Let's Encrypt write.
    for (var kind : List.of(IstioCrds.CERTIFICATE, IstioCrds.ISSUER)) {
      out.add(new DesiredResource(IstioCrds.crd(kind), true, true));
    }
    return out;
  }
}

package io.smm.operator.mode;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.smm.api.sre.ServiceLevelObjectiveResource;
import io.smm.operator.slo.SloReconciler;
import java.time.Duration;

/**
 * The SRE controller: every ServiceLevelObjective gets its PrometheusRule (see {@link SloReconciler});
 * the rule is owned by the SLO, so deleting the SLO removes it through the garbage collector.
 * Templates and alerting policies are not watched: a change to them is picked up within a minute.
 */
@ControllerConfiguration(name = "servicelevelobjective")
public class SloController implements Reconciler<ServiceLevelObjectiveResource> {

  private final SloReconciler reconciler;

  public SloController(SloReconciler reconciler) {
    this.reconciler = reconciler;
  }

  @Override
  public UpdateControl<ServiceLevelObjectiveResource> reconcile(ServiceLevelObjectiveResource slo,
      Context<ServiceLevelObjectiveResource> context) {
    SloReconciler.Outcome outcome = reconciler.reconcile(slo.getMetadata().getNamespace(), slo.getMetadata().getName());
    return UpdateControl.<ServiceLevelObjectiveResource>noUpdate()
        .rescheduleAfter(outcome.succeeded() ? Duration.ofSeconds(60) : Duration.ofSeconds(15));
  }
}

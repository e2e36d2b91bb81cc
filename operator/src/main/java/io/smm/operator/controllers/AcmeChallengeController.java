package io.smm.operator.controllers;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.smm.operator.letsencrypt.AcmeChallengeRoutes;
import java.time.Duration;

/**
 * Watches cert-manager's HTTP-01 solver Ingresses and routes their challenges through the Gateways
 * the Certificate selects ({@link AcmeChallengeRoutes}). Checked again while the solver exists, as
 * the Certificate or its Gateway may come after it.
 */
@ControllerConfiguration(name = "acme-challenge-routes", informer = @Informer(labelSelector = AcmeChallengeRoutes.SOLVER_LABEL + "=true"))
public class AcmeChallengeController implements Reconciler<Ingress> {

  private final AcmeChallengeRoutes routes;

  public AcmeChallengeController(AcmeChallengeRoutes routes) {
    this.routes = routes;
  }

  @Override
  public UpdateControl<Ingress> reconcile(Ingress solver, Context<Ingress> context) {
    boolean routed = !routes.reconcile(solver).isEmpty();
    return UpdateControl.<Ingress>noUpdate().rescheduleAfter(routed ? Duration.ofSeconds(30) : Duration.ofSeconds(2));
  }
}

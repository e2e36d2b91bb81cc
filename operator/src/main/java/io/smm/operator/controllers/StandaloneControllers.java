package io.smm.operator.controllers;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.smm.operator.istio.MeshGatewayReconciler;
import io.smm.operator.letsencrypt.AcmeChallengeRoutes;
import io.smm.operator.resources.ResourceApplier;
import io.smm.operator.slo.SloReconciler;

/**
 * The controllers that keep working after `smm install` without the ControlPlane changing: the SRE
 * controller (the seed's smm-sre-controller) and the Istio operator's IstioMeshGateway part, for
 * where they run apart from the operator: `smm sandbox up` runs them in-process, as the sandbox
 * does not run the product's pods.
 */
public class StandaloneControllers implements AutoCloseable {

  private final Operator operator;

  public StandaloneControllers(KubernetesClient client) {
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withStopOnInformerErrorDuringStartup(false));
    operator.register(new SloController(new SloReconciler(client)));
    operator.register(new MeshGatewayController(new MeshGatewayReconciler(client,
        new ResourceApplier(client))));
    operator.register(new AcmeChallengeController(new AcmeChallengeRoutes(client, new ResourceApplier(client))));
  }

  public void start() {
    operator.start();
  }

  @Override
  public void close() {
    operator.stop();
  }
}

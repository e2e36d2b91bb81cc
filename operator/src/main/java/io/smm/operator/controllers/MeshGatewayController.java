package io.smm.operator.controllers;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.smm.api.istio.IstioMeshGatewayResource;
import io.smm.operator.istio.MeshGatewayReconciler;
import java.time.Duration;

/**
 * The Istio operator's gateway part: an IstioMeshGateway created or changed on its own (the
 * Gateways page's CREATE NEW, kubectl apply) gets its Deployment and Service at once, not only when
 * the ControlPlane is next reconciled. Checked again until Available.
 */
@ControllerConfiguration(name = "istiomeshgateway")
public class MeshGatewayController implements Reconciler<IstioMeshGatewayResource> {

  private final MeshGatewayReconciler gateways;

  public MeshGatewayController(MeshGatewayReconciler gateways) {
    this.gateways = gateways;
  }

  @Override
  public UpdateControl<IstioMeshGatewayResource> reconcile(IstioMeshGatewayResource gw, Context<IstioMeshGatewayResource> context) {
    String status = gateways.reconcile(Serialization.jsonMapper().convertValue(gw, GenericKubernetesResource.class));
    return UpdateControl.<IstioMeshGatewayResource>noUpdate()
        .rescheduleAfter("Available".equals(status) ? Duration.ofSeconds(60) : Duration.ofSeconds(3));
  }
}

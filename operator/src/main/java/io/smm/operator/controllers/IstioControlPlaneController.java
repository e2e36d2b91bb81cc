package io.smm.operator.controllers;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.smm.api.crd.SmmCrds;
import io.smm.api.istio.IstioControlPlaneResource;
import io.smm.operator.istio.ControlPlaneRemoval;
import io.smm.operator.istio.IstioControlPlaneReconciler;
import io.smm.operator.istio.render.IstioRendering;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Istio operator part in operator mode: every IstioControlPlane (the ControlPlane's own and
 * canaries users add) gets its istiod. Deleting one that proxies still use is held back by the
 * finalizer, with the reason in its status, until they moved or the user annotates it
 * smm.cisco.com/force-delete=true.
 */
@ControllerConfiguration(name = "istiocontrolplane")
public class IstioControlPlaneController implements Reconciler<IstioControlPlaneResource>, Cleaner<IstioControlPlaneResource> {

  public static final String FORCE_DELETE = "smm.cisco.com/force-delete";

  private final IstioControlPlaneReconciler istio;
  private final ControlPlaneRemoval removal;

  public IstioControlPlaneController(IstioControlPlaneReconciler istio, ControlPlaneRemoval removal) {
    this.istio = istio;
    this.removal = removal;
  }

  /**
   * Peers' control planes (the registry's PeerIstioControlPlane copies) are part of what a control
   * plane renders (mesh networks): a change to one reconciles the control plane it belongs to. Its
   * own meshexpansion gateway is not watched: an uninstall deleting the gateway would reconcile the
   * control plane it is about to delete, which wrote the gateway again; its address reaches the
   * status at the next periodic reconcile.
   */
  @Override
  public List<EventSource<?, IstioControlPlaneResource>> prepareEventSources(EventSourceContext<IstioControlPlaneResource> context) {
    var peers = InformerEventSourceConfiguration.from(gvk(SmmCrds.PEER_ISTIO_CONTROL_PLANE), IstioControlPlaneResource.class)
        .withName("peer-control-planes")
        .withSecondaryToPrimaryMapper(peer -> {
          String name = IstioRendering.status(peer).path("istioControlPlaneName").asText("");
          return name.isEmpty() ? Set.of() : Set.of(new ResourceID(name, peer.getMetadata().getNamespace()));
        })
        .build();
    return List.of(new InformerEventSource<>(peers, context));
  }

  private static GroupVersionKind gvk(SmmCrds.Kind kind) {
    return new GroupVersionKind(kind.group(), kind.version(), kind.kind());
  }

  @Override
  public UpdateControl<IstioControlPlaneResource> reconcile(IstioControlPlaneResource icp, Context<IstioControlPlaneResource> context) {
    String status = istio.reconcile(icp.getMetadata().getNamespace(), icp.getMetadata().getName());
    return UpdateControl.<IstioControlPlaneResource>noUpdate()
        .rescheduleAfter(IstioControlPlaneReconciler.AVAILABLE.equals(status) ? Duration.ofSeconds(60) : Duration.ofSeconds(2));
  }

  private static GenericKubernetesResource genericOf(IstioControlPlaneResource icp) {
    return Serialization.jsonMapper()
        .convertValue(icp, GenericKubernetesResource.class);
  }

  @Override
  public DeleteControl cleanup(IstioControlPlaneResource icp, Context<IstioControlPlaneResource> context) {
    String namespace = icp.getMetadata().getNamespace();
    String name = icp.getMetadata().getName();
    Map<String, String> annotations = icp.getMetadata().getAnnotations();
    boolean force = annotations != null && "true".equals(annotations.get(FORCE_DELETE))
        || removal.orphanedByUninstall(genericOf(icp));
    String why = removal.refusal(namespace, name);
    if (why != null && !force) {
      istio.reportError(namespace, name, "deletion blocked: " + why + " (or annotate " + FORCE_DELETE + "=true)");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(5000);
    }
    istio.removeByName(namespace, name);
    return DeleteControl.defaultDelete();
  }
}

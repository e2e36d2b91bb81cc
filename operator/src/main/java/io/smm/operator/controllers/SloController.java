package io.smm.operator.controllers;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.smm.api.sre.ServiceLevelObjectiveResource;
import io.smm.operator.slo.SloReconciler;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.smm.api.crd.SmmCrds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SRE controller: every ServiceLevelObjective gets its PrometheusRule (see {@link SloReconciler});
 * the rule is owned by the SLO, so deleting the SLO removes it through the garbage collector.
 * AlertingPolicies are watched and reconcile the SLO they point at; templates are not watched, a
 * change to one is picked up within a minute.
 */
@ControllerConfiguration(name = "servicelevelobjective")
public class SloController implements Reconciler<ServiceLevelObjectiveResource> {

  private final SloReconciler reconciler;

  public SloController(SloReconciler reconciler) {
    this.reconciler = reconciler;
  }

  @Override
  public List<EventSource<?, ServiceLevelObjectiveResource>> prepareEventSources(EventSourceContext<ServiceLevelObjectiveResource> context) {
    var policies = InformerEventSourceConfiguration.from(new GroupVersionKind(SmmCrds.ALERTING_POLICY.group(),
            SmmCrds.ALERTING_POLICY.version(), SmmCrds.ALERTING_POLICY.kind()), ServiceLevelObjectiveResource.class)
        .withSecondaryToPrimaryMapper(policy -> {
          JsonNode ref = Serialization.jsonMapper().valueToTree(policy.getAdditionalProperties().getOrDefault("spec", Map.of()))
              .path("sloRef");
          String name = ref.path("name").asText("");
          return name.isEmpty() ? Set.of()
              : Set.of(new ResourceID(name, ref.path("namespace").asText(policy.getMetadata().getNamespace())));
        })
        .build();
    return List.of(new InformerEventSource<>(policies, context));
  }

  @Override
  public UpdateControl<ServiceLevelObjectiveResource> reconcile(ServiceLevelObjectiveResource slo,
      Context<ServiceLevelObjectiveResource> context) {
    SloReconciler.Outcome outcome = reconciler.reconcile(slo.getMetadata().getNamespace(), slo.getMetadata().getName());
    return UpdateControl.<ServiceLevelObjectiveResource>noUpdate()
        .rescheduleAfter(outcome.succeeded() ? Duration.ofSeconds(60) : Duration.ofSeconds(15));
  }
}

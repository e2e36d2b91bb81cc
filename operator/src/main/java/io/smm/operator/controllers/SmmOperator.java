package io.smm.operator.controllers;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.smm.operator.ControlPlaneReconciler;
import io.smm.operator.components.Components;
import io.smm.operator.demo.DemoApplicationReconciler;
import io.smm.operator.istio.ControlPlaneRemoval;
import io.smm.operator.istio.IstioControlPlaneReconciler;
import io.smm.operator.istio.MeshGatewayReconciler;
import io.smm.operator.letsencrypt.AcmeChallengeRoutes;
import io.smm.operator.resources.ResourceApplier;
import io.smm.operator.slo.SloReconciler;
import java.time.Duration;

/**
 * `smm operator`: Java Operator SDK running the ControlPlane, IstioControlPlane, DemoApplication
 * and ServiceLevelObjective controllers. Several replicas are
 * safe: they elect a leader through a Lease, and only the leader reconciles.
 */
public class SmmOperator implements AutoCloseable {

  public static final String LEASE_NAME = "smm-operator-leader";

  /** Lease timings; a crashed leader is replaced after at most {@code leaseDuration}. */
  public record Election(String namespace, String identity, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public static Election standard(String namespace, String identity) {
      return new Election(namespace, identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }
  }

  private final Operator operator;
  private final ControlPlaneController controller;

  public SmmOperator(KubernetesClient client, Election election) {
    // IstioControlPlanes and IstioMeshGateways are their own controllers' (registered below), not the ControlPlane's.
    controller = new ControlPlaneController(new ControlPlaneReconciler(client, Components.all(),
        ControlPlaneReconciler.IstioOwnership.CONTROLLERS));
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        // The product's API servers include the sandbox, which has no server-side apply.
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withStopOnInformerErrorDuringStartup(false)
        .withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE_NAME, election.namespace(),
            election.leaseDuration(), election.renewDeadline(), election.retryPeriod(), election.identity(), null,
            // Losing the lease stops this replica's reconciling; the process decides whether to exit.
            false)));
    operator.register(controller);
    operator.register(new IstioControlPlaneController(
        new IstioControlPlaneReconciler(client, new ResourceApplier(client)), new ControlPlaneRemoval(client)));
    operator.register(new MeshGatewayController(new MeshGatewayReconciler(client, new ResourceApplier(client))));
    operator.register(new DemoApplicationController(new DemoApplicationReconciler(client)));
    operator.register(new SloController(new SloReconciler(client)));
    operator.register(new AcmeChallengeController(new AcmeChallengeRoutes(client, new ResourceApplier(client))));
  }

  public void start() {
    operator.start();
  }

  public ControlPlaneController controller() {
    return controller;
  }

  @Override
  public void close() {
    operator.stop();
  }
}

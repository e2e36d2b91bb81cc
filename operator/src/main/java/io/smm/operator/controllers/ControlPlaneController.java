package io.smm.operator.controllers;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.smm.api.controlplane.ControlPlaneResource;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.ControlPlaneReconciler;
import io.smm.operator.ReconcileProgress;
import io.smm.operator.ReconcileReport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator mode: every change of a ControlPlane runs the same reconcile as `smm reconcile`;
 * deleting it (behind the finalizer JOSDK adds for a Cleaner) removes what it created.
 */
@ControllerConfiguration(name = "controlplane")
public class ControlPlaneController implements Reconciler<ControlPlaneResource>, Cleaner<ControlPlaneResource> {

  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneController.class);
  /** Drift correction: owned objects are not watched, so they are re-checked this often. */
  static final Duration RESYNC = Duration.ofSeconds(30);

  private final ControlPlaneReconciler reconciler;
  private final AtomicLong reconciles = new AtomicLong();
  private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(2), Duration.ofMinutes(5));

  public ControlPlaneController(ControlPlaneReconciler reconciler) {
    this.reconciler = reconciler;
  }

  @Override
  public UpdateControl<ControlPlaneResource> reconcile(ControlPlaneResource cp, Context<ControlPlaneResource> context) {
    reconciles.incrementAndGet();
    String name = cp.getMetadata().getName();
    try {
      ReconcileReport report = reconciler.reconcile(name, cp.getSpec(), ReconcileProgress.SILENT, Duration.ZERO);
      LOG.info("ControlPlane {}: {} ({} writes, {} ms)", name, report.succeeded() ? "Succeeded" : "Failed",
          report.writes(), report.took().toMillis());
      boolean istioPending = report.istioStatus() != null && !"Available".equals(report.istioStatus());
      if (!report.succeeded()) {
        // The reason is in the ControlPlane's status; the retries slow down while it persists.
        return UpdateControl.<ControlPlaneResource>noUpdate().rescheduleAfter(backoff.failed(name));
      }
      backoff.succeeded(name);
      return UpdateControl.<ControlPlaneResource>noUpdate().rescheduleAfter(istioPending ? Duration.ofSeconds(2) : RESYNC);
    } catch (InvalidResourceException e) {
      // Nothing was written; say why on the resource and wait for the user to fix it.
      reconciler.reportInvalid(name, e.getMessage());
      return UpdateControl.noUpdate();
    }
  }

  @Override
  public DeleteControl cleanup(ControlPlaneResource cp, Context<ControlPlaneResource> context) {
    ReconcileReport report = reconciler.uninstall(cp.getMetadata().getName(), cp.getSpec(), ReconcileProgress.SILENT);
    LOG.info("ControlPlane {} deleted: removed {} objects", cp.getMetadata().getName(), report.components().stream()
        .mapToInt(c -> c.deleted()).sum());
    return report.succeeded() ? DeleteControl.defaultDelete() : DeleteControl.noFinalizerRemoval().rescheduleAfter(5000);
  }

  /** How many reconciles this instance ran (two replicas: only the leader's grows). */
  public long reconciles() {
    return reconciles.get();
  }
}

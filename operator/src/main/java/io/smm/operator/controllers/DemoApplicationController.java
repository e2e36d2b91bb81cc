package io.smm.operator.controllers;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.smm.api.demo.DemoApplicationResource;
import io.smm.operator.demo.DemoApplicationReconciler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DemoApplication applied with kubectl or GitOps (seed 2.3.6) is reconciled like `smm demoapp
 * install`; deleting it removes the application.
 */
@ControllerConfiguration(name = "demoapplication")
public class DemoApplicationController implements Reconciler<DemoApplicationResource>, Cleaner<DemoApplicationResource> {

  private static final Logger LOG = LoggerFactory.getLogger(DemoApplicationController.class);

  private final DemoApplicationReconciler reconciler;

  public DemoApplicationController(DemoApplicationReconciler reconciler) {
    this.reconciler = reconciler;
  }

  @Override
  public UpdateControl<DemoApplicationResource> reconcile(DemoApplicationResource demo, Context<DemoApplicationResource> context) {
    var spec = demo.getSpec() == null ? Serialization.jsonMapper().createObjectNode() : demo.getSpec();
    boolean ok = reconciler.reconcile(demo.getMetadata().getNamespace(), demo.getMetadata().getName(), spec);
    // Owned objects are not watched: re-check for drift now and then.
    return UpdateControl.<DemoApplicationResource>noUpdate().rescheduleAfter(ok ? Duration.ofSeconds(60) : Duration.ofSeconds(10));
  }

  @Override
  public DeleteControl cleanup(DemoApplicationResource demo, Context<DemoApplicationResource> context) {
    int deleted = reconciler.uninstall(demo.getMetadata().getNamespace());
    LOG.info("DemoApplication {}/{} deleted: removed {} objects", demo.getMetadata().getNamespace(), demo.getMetadata().getName(),
        deleted);
    return DeleteControl.defaultDelete();
  }
}

package io.smm.operator.mode;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.smm.operator.slo.SloReconciler;

/**
 * The SRE controller alone (the seed's smm-sre-controller), for where it runs apart from the
 * operator: `smm sandbox up` runs it in-process, as the sandbox does not run the product's pods.
 */
public class SreOperator implements AutoCloseable {

  private final Operator operator;

  public SreOperator(KubernetesClient client) {
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withStopOnInformerErrorDuringStartup(false));
    operator.register(new SloController(new SloReconciler(client)));
  }

  public void start() {
    operator.start();
  }

  @Override
  public void close() {
    operator.stop();
  }
}

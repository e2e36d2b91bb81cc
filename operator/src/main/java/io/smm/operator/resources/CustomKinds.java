package io.smm.operator.resources;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;

/** Whether a cluster serves one of the product's kinds: a cluster without the product (or the registry) has no CRD for it. */
public final class CustomKinds {

  private CustomKinds() {}

  /**
   * Asked of the CRD: fabric8's generic client cannot tell a kind it does not know from another
   * failure ("Could not find the metadata for the given apiVersion and kind").
   */
  public static boolean installed(KubernetesClient client, SmmCrds.Kind kind) {
    return client.apiextensions().v1().customResourceDefinitions().withName(kind.crdName()).get() != null;
  }
}

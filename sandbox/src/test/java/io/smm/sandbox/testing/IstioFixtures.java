package io.smm.sandbox.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * For sandbox tests that need an Istio control plane to exist (the injector stand-in checks for
 * it): the IstioControlPlane CRD and cp-v115x in istio-system, without the operator module.
 */
public final class IstioFixtures {

  private IstioFixtures() {}

  public static void controlPlane(KubernetesClient client, Map<String, Object> spec) {
    crd(client, "servicemesh.cisco.com", "v1alpha1", "IstioControlPlane");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("istio-system").endMetadata().build()).create();
    client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane").inNamespace("istio-system")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("servicemesh.cisco.com/v1alpha1").withKind("IstioControlPlane")
            .withNewMetadata().withName("cp-v115x").withNamespace("istio-system").endMetadata()
            .addToAdditionalProperties("spec", spec).build()).create();
  }

  /** The Istio kinds the simulated sidecars read (open schemas, as the sandbox needs no validation). */
  public static void istioCrds(KubernetesClient client) {
    for (String kind : new String[] {"VirtualService", "DestinationRule", "ServiceEntry", "Sidecar", "WorkloadEntry", "WorkloadGroup"}) {
      crd(client, "networking.istio.io", "v1beta1", kind);
    }
    crd(client, "security.istio.io", "v1beta1", "PeerAuthentication");
  }

  /** A namespaced CRD with an open schema. */
  public static void crd(KubernetesClient client, String group, String version, String kind) {
    String lower = kind.toLowerCase();
    String plural = lower.endsWith("y") ? lower.substring(0, lower.length() - 1) + "ies" : lower + "s";
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec().withGroup(group).withScope("Namespaced")
        .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames()
        .addNewVersion().withName(version).withServed(true).withStorage(true).withNewSchema().withNewOpenAPIV3Schema()
        .withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().endVersion().endSpec()
        .build()).create();
  }
}

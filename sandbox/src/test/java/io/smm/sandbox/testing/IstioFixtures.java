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
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("istiocontrolplanes.servicemesh.cisco.com").endMetadata()
        .withNewSpec().withGroup("servicemesh.cisco.com").withScope("Namespaced")
        .withNewNames().withKind("IstioControlPlane").withPlural("istiocontrolplanes").withSingular("istiocontrolplane").endNames()
        .addNewVersion().withName("v1alpha1").withServed(true).withStorage(true).withNewSchema().withNewOpenAPIV3Schema()
        .withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().endVersion().endSpec()
        .build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("istio-system").endMetadata().build()).create();
    client.genericKubernetesResources("servicemesh.cisco.com/v1alpha1", "IstioControlPlane").inNamespace("istio-system")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("servicemesh.cisco.com/v1alpha1").withKind("IstioControlPlane")
            .withNewMetadata().withName("cp-v115x").withNamespace("istio-system").endMetadata()
            .addToAdditionalProperties("spec", spec).build()).create();
  }
}

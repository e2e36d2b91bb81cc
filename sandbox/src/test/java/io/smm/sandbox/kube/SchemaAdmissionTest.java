package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.testing.InProcessCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox API server refuses what kube-apiserver refuses: a built-in object that does not fit
 * the Kubernetes 1.25 schema, a custom resource that does not fit its CRD's schema, a patch whose
 * result does not fit; 422 Invalid with each field path, and nothing is stored or changed.
 */
class SchemaAdmissionTest {

  static InProcessCluster cluster;

  @BeforeAll
  static void start() {
    cluster = InProcessCluster.apiOnly();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static KubernetesClientException refused(Runnable write) {
    KubernetesClientException e = catchThrowableOfType(write::run, KubernetesClientException.class);
    assertThat(e).as("the write is refused").isNotNull();
    assertThat(e.getCode()).isEqualTo(422);
    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
    return e;
  }

  @Test
  void aDeploymentWithAWrongTypeAndAnUnknownFieldIsRefusedWithFieldPaths() {
    String yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx
                imagePullPolicy: Sometimes
                ports: [{containerPort: "eighty"}]
              restartPolicyy: Always
        """;
    GenericKubernetesResource broken = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    KubernetesClientException e = refused(() -> cluster.client.resource(broken).create());
    assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField).containsExactlyInAnyOrder(
        "spec.template.spec.containers[0].imagePullPolicy", "spec.template.spec.containers[0].ports[0].containerPort",
        "spec.template.spec.restartPolicyy");
    assertThat(e.getStatus().getMessage()).startsWith("Deployment.apps \"web\" is invalid: [")
        .contains("unknown field \"restartPolicyy\"").contains("must be an integer");
    assertThat(cluster.client.apps().deployments().inNamespace("default").withName("web").get()).isNull();
  }

  @Test
  void aPatchThatWouldMakeAnObjectInvalidChangesNothing() {
    cluster.client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
        .endMetadata().addToData("mode", "fast").build()).create();
    refused(() -> cluster.client.configMaps().inNamespace("default").withName("settings")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"mode\":7}}"));
    refused(() -> cluster.client.configMaps().inNamespace("default").withName("settings")
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"bad label\":\"x\"}}]"));
    assertThat(cluster.client.configMaps().inNamespace("default").withName("settings").get().getData()).containsEntry("mode", "fast");
  }

  /** Widgets: spec.size required, an int32 from 1 to 10. */
  private static void widgetCrd() {
    if (cluster.client.apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get() != null) {
      return;
    }
    cluster.client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("widgets.example.com").endMetadata()
        .withNewSpec().withGroup("example.com").withScope("Namespaced")
        .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).withNewSchema().withNewOpenAPIV3Schema().withType("object")
        .addToProperties("spec", new JSONSchemaPropsBuilder().withType("object")
            .addToRequired("size")
            .addToProperties("size", new JSONSchemaPropsBuilder().withType("integer").withFormat("int32").withMinimum(1.0)
                .withMaximum(10.0).build())
            .build())
        .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build()).create();
  }

  @Test
  void aCustomResourceIsCheckedAgainstItsCrdSchema() {
    widgetCrd();
    GenericKubernetesResource widget = Serialization.unmarshal("""
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w1, namespace: default}
        spec: {colour: red}
        """, GenericKubernetesResource.class);
    KubernetesClientException e = refused(() -> cluster.client.resource(widget).create());
    assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField).containsExactlyInAnyOrder("spec.size", "spec.colour");
    GenericKubernetesResource valid = Serialization.unmarshal("""
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w2, namespace: default}
        spec: {size: 3}
        """, GenericKubernetesResource.class);
    assertThat(cluster.client.resource(valid).create().getMetadata().getName()).isEqualTo("w2");
  }

  @Test
  void aCrdsMinimumMaximumAndInt32FormatAreEnforced() {
    widgetCrd();
    for (String size : new String[] {"0", "11", "3000000000"}) {
      GenericKubernetesResource widget = Serialization.unmarshal("apiVersion: example.com/v1\nkind: Widget\n"
          + "metadata: {name: w-" + size + ", namespace: default}\nspec: {size: " + size + "}\n", GenericKubernetesResource.class);
      KubernetesClientException e = refused(() -> cluster.client.resource(widget).create());
      assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField).containsExactly("spec.size");
    }
  }

  @Test
  void aNegativeReplicaCountIsRefusedAsKubeApiserversValidationDoes() {
    GenericKubernetesResource deployment = Serialization.unmarshal("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: negative, namespace: default}
        spec:
          replicas: -5
          selector: {matchLabels: {app: negative}}
          template:
            metadata: {labels: {app: negative}}
            spec: {containers: [{name: app, image: nginx}]}
        """, GenericKubernetesResource.class);
    KubernetesClientException e = refused(() -> cluster.client.resource(deployment).create());
    assertThat(e.getStatus().getMessage()).contains("spec.replicas").contains("must be greater than or equal to 0");
  }
}

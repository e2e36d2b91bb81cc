package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.smm.sandbox.testing.DemoWorkloads;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ?dryRun=All: a write is checked and answered as kube-apiserver would, and nothing is stored. */
class DryRunTest {

  EmbeddedApiServer api;
  KubernetesClient client;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    ClusterSeed.apply(client);
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata().addToData("v", value).build();
  }

  @Test
  void dryRunWritesAreAnsweredAndCheckedButNeverStored() {
    ConfigMap answered = client.configMaps().inNamespace("default").resource(configMap("planned", "1")).dryRun().create();
    assertThat(answered.getData()).containsEntry("v", "1");
    assertThat(client.configMaps().inNamespace("default").withName("planned").get()).as("a dry-run create stores nothing").isNull();

    ConfigMap stored = client.configMaps().inNamespace("default").resource(configMap("kept", "1")).create();
    assertThatThrownBy(() -> client.configMaps().inNamespace("default").resource(configMap("kept", "2")).dryRun().create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    client.configMaps().inNamespace("default").resource(new ConfigMapBuilder(stored).addToData("v", "2").build()).dryRun().update();
    client.configMaps().inNamespace("default").withName("kept").dryRun()
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"data\":{\"v\":\"3\"}}");
    client.configMaps().inNamespace("default").withName("kept").dryRun().patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"v\":\"4\"}}");
    client.configMaps().inNamespace("default").withName("kept").dryRun().delete();
    ConfigMap after = client.configMaps().inNamespace("default").withName("kept").get();
    assertThat(after.getData()).as("no dry run changed it").containsEntry("v", "1");
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(stored.getMetadata().getResourceVersion());

    Deployment invalid = DemoWorkloads.minimalDeployment("broken", Map.of("app", "broken"));
    invalid.getSpec().setReplicas(-1);
    assertThatThrownBy(() -> client.apps().deployments().inNamespace("default").resource(invalid).dryRun().create())
        .as("a dry run is validated like the write").isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(422));
    client.namespaces().withName("default").dryRun().delete();
    assertThat(client.namespaces().withName("default").get().getMetadata().getDeletionTimestamp()).isNull();
  }
}

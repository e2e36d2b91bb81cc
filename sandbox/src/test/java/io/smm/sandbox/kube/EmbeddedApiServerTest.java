package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedApiServerTest {

  static EmbeddedApiServer api;
  static KubernetesClient client;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    ClusterSeed.apply(client);
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("widgets.example.smm.io").endMetadata()
        .withNewSpec().withGroup("example.smm.io").withScope("Namespaced")
        .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").withShortNames("wdg").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().withNewSubresources().withNewStatus().endStatus().endSubresources().endVersion()
        .endSpec().build()).create();
  }

  @AfterAll
  static void stop() {
    client.close();
    api.close();
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return Serialization.unmarshal(r.body(), JsonNode.class);
  }

  @Test
  void deletingANamespaceDeletesEveryObjectInItBuiltInAndCustomAndWatchersSeeItTerminatingFirst() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("doomed")
        .endMetadata().build()).create();
    client.configMaps().inNamespace("doomed").resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
        .build()).create();
    client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("survivor").endMetadata()
        .build()).create();
    client.apps().deployments().inNamespace("doomed").resource(new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer()
        .endSpec().endTemplate().endSpec().build()).create();
    var widgets = client.genericKubernetesResources("example.smm.io/v1", "Widget");
    widgets.inNamespace("doomed").resource(new GenericKubernetesResourceBuilder().withApiVersion("example.smm.io/v1").withKind("Widget")
        .withNewMetadata().withName("w1").withNamespace("doomed").endMetadata().build()).create();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (var watch = client.namespaces().withName("doomed").watch(new Watcher<Namespace>() {
      @Override
      public void eventReceived(Action action, Namespace ns) {
        seen.add(action + " " + (ns.getStatus() == null ? "" : ns.getStatus().getPhase())
            + (ns.getMetadata().getDeletionTimestamp() == null ? "" : " deleting"));
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      assertThat(client.namespaces().withName("doomed").delete()).hasSize(1);
      Eventually.until(() -> seen.stream().anyMatch(e -> e.startsWith("DELETED")), Duration.ofSeconds(10),
          () -> "the namespace's deletion is watched; seen " + seen);
    }
    assertThat(seen).as("Terminating, then gone").containsSubsequence("MODIFIED Terminating deleting", "DELETED Terminating deleting");
    assertThat(client.namespaces().withName("doomed").get()).isNull();
    assertThat(client.configMaps().inNamespace("doomed").list().getItems()).isEmpty();
    assertThat(client.apps().deployments().inNamespace("doomed").list().getItems()).isEmpty();
    assertThat(widgets.inNamespace("doomed").list().getItems()).as("custom resources too").isEmpty();
    assertThat(client.configMaps().inNamespace("default").withName("survivor").get()).as("other namespaces keep theirs").isNotNull();
  }

  @Test
  void seedsSystemNamespacesAndOneNodeForThisMachine() {
    assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
        .contains("default", "kube-system");
    var nodes = client.nodes().list().getItems();
    assertThat(nodes).hasSize(1);
    var node = nodes.get(0);
    assertThat(node.getStatus().getCapacity().get("cpu").getAmount())
        .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
    assertThat(node.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo(EmbeddedApiServer.KUBERNETES_VERSION);
  }

  @Test
  void anUpdateWithAStaleResourceVersionIsAConflictAndChangesNothing() {
    var cm = client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("optimistic")
        .endMetadata().addToData("v", "1").build()).create();
    String loaded = cm.getMetadata().getResourceVersion();
    cm.getData().put("v", "2");
    var second = client.configMaps().inNamespace("default").resource(cm).update();
    assertThat(second.getMetadata().getResourceVersion()).isNotEqualTo(loaded);

    cm.getMetadata().setResourceVersion(loaded);
    cm.getData().put("v", "3");
    assertThatThrownBy(() -> client.configMaps().inNamespace("default").resource(cm).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getStatus().getMessage()).contains("configmaps \"optimistic\"", "the object has been modified");
        });
    assertThat(client.configMaps().inNamespace("default").withName("optimistic").get().getData()).containsEntry("v", "2");
  }

  @Test
  void servesDiscoveryForBuiltInKinds() throws Exception {
    assertThat(get("/api").path("versions").get(0).asText()).isEqualTo("v1");
    JsonNode core = get("/api/v1");
    JsonNode namespaces = find(core, "namespaces");
    assertThat(namespaces.path("namespaced").asBoolean()).isFalse();
    assertThat(namespaces.path("shortNames").get(0).asText()).isEqualTo("ns");
    assertThat(find(get("/apis/apps/v1"), "deployments").path("shortNames").get(0).asText()).isEqualTo("deploy");
    assertThat(get("/apis").path("groups").findValuesAsText("name")).contains("apps", "rbac.authorization.k8s.io");
  }

  @Test
  void announcesEveryCrdOnceCreatedAndStoresItsObjects() throws Exception {
    assertThat(get("/apis").path("groups").findValuesAsText("name")).contains("example.smm.io");
    JsonNode widgets = find(get("/apis/example.smm.io/v1"), "widgets");
    assertThat(widgets.path("kind").asText()).isEqualTo("Widget");
    assertThat(widgets.path("shortNames").get(0).asText()).isEqualTo("wdg");

    // The generic client resolves the kind through discovery, as operators and kubectl do.
    GenericKubernetesResource w = new GenericKubernetesResourceBuilder().withApiVersion("example.smm.io/v1").withKind("Widget")
        .withNewMetadata().withName("w1").withNamespace("default").addToLabels("tier", "gold").endMetadata()
        .addToAdditionalProperties("spec", Map.of("size", 3)).build();
    client.genericKubernetesResources("example.smm.io/v1", "Widget").inNamespace("default").resource(w).create();
    assertThat(client.genericKubernetesResources("example.smm.io/v1", "Widget").inNamespace("default")
        .withLabel("tier", "gold").list().getItems()).hasSize(1);
  }

  @Test
  void supportsWatchLabelSelectorsStatusAndPatches() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    try (var watch = client.configMaps().inNamespace("default").withLabel("watched", "yes").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        events.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("cm1")
          .addToLabels("watched", "yes").endMetadata().addToData("a", "1").build()).create();
      client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("cm2")
          .addToLabels("watched", "no").endMetadata().build()).create();
      client.configMaps().inNamespace("default").withName("cm1")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"b\":\"2\"}}");
      client.configMaps().inNamespace("default").withName("cm1")
          .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"3\"}]");
      client.configMaps().inNamespace("default").withName("cm1").delete();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (events.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    assertThat(events).containsExactly("ADDED cm1", "MODIFIED cm1", "MODIFIED cm1", "DELETED cm1");
    assertThat(client.configMaps().inNamespace("default").withLabel("watched", "no").list().getItems()).hasSize(1);

    // Status of a custom resource with the status subresource: written through /status only,
    // and a status in a spec update is ignored, as kube-apiserver does.
    var widgets = client.genericKubernetesResources("example.smm.io/v1", "Widget").inNamespace("default");
    GenericKubernetesResource w = widgets.resource(new GenericKubernetesResourceBuilder().withApiVersion("example.smm.io/v1")
        .withKind("Widget").withNewMetadata().withName("with-status").endMetadata()
        .addToAdditionalProperties("spec", Map.of("size", 1)).build()).create();
    w.getAdditionalProperties().put("status", Map.of("phase", "Ready"));
    widgets.resource(w).updateStatus();
    assertThat(widgets.withName("with-status").get().getAdditionalProperties().get("status")).isEqualTo(Map.of("phase", "Ready"));
    GenericKubernetesResource latest = widgets.withName("with-status").get();
    latest.getAdditionalProperties().put("status", Map.of("phase", "Forged"));
    latest.getAdditionalProperties().put("spec", Map.of("size", 2));
    widgets.resource(latest).update();
    GenericKubernetesResource after = widgets.withName("with-status").get();
    assertThat(after.getAdditionalProperties().get("spec")).isEqualTo(Map.of("size", 2));
    assertThat(after.getAdditionalProperties().get("status")).isEqualTo(Map.of("phase", "Ready"));
  }

  @Test
  void scaleSubresourceReadsAndWritesReplicas() throws Exception {
    client.apps().deployments().inNamespace("default").resource(new DeploymentBuilder()
        .withNewMetadata().withName("scaled").endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "scaled").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "scaled").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    String path = "/apis/apps/v1/namespaces/default/deployments/scaled/scale";
    assertThat(get(path).path("spec").path("replicas").asInt()).isEqualTo(2);
    HttpResponse<String> patched = http.send(HttpRequest.newBuilder(URI.create(api.url() + path))
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"spec\":{\"replicas\":5}}"))
        .header("Content-Type", "application/merge-patch+json").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(Serialization.unmarshal(patched.body(), JsonNode.class).path("kind").asText()).isEqualTo("Scale");
    assertThat(client.apps().deployments().inNamespace("default").withName("scaled").get().getSpec().getReplicas()).isEqualTo(5);
  }

  @Test
  void refusesProtobufBodiesWithAClearStatusInsteadOfHanging() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/default/configmaps"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'k', '8', 's', 0}))
        .header("Content-Type", "application/vnd.kubernetes.protobuf").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.body()).contains("JSON");
  }

  @Test
  void answersKubectlsTableRequestsWithTheUsualColumnsAndCrdPrinterColumns() throws Exception {
    String tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    HttpResponse<String> nodes = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/nodes"))
        .header("Accept", tableAccept).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode table = Serialization.unmarshal(nodes.body(), JsonNode.class);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "Status", "Roles", "Age", "Version");
    assertThat(table.at("/rows/0/cells/1").asText()).isEqualTo("Ready");
    assertThat(table.at("/rows/0/object/metadata/name").asText()).isEqualTo(ClusterSeed.nodeName());

    var widgets = client.genericKubernetesResources("example.smm.io/v1", "Widget").inNamespace("default");
    widgets.resource(new GenericKubernetesResourceBuilder().withApiVersion("example.smm.io/v1").withKind("Widget")
        .withNewMetadata().withName("printed").endMetadata().build()).create();
    client.apiextensions().v1().customResourceDefinitions().withName("widgets.example.smm.io").edit(crd -> {
      crd.getSpec().getVersions().get(0).setAdditionalPrinterColumns(List.of(
          new CustomResourceColumnDefinitionBuilder()
              .withName("Size").withType("integer").withJsonPath(".spec.size").build()));
      return crd;
    });
    widgets.withName("printed").edit(w -> {
      w.getAdditionalProperties().put("spec", Map.of("size", 7));
      return w;
    });
    HttpResponse<String> printed = http.send(HttpRequest.newBuilder(URI.create(api.url()
        + "/apis/example.smm.io/v1/namespaces/default/widgets/printed")).header("Accept", tableAccept).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode row = Serialization.unmarshal(printed.body(), JsonNode.class);
    assertThat(row.path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "Size", "Age");
    assertThat(row.at("/rows/0/cells/1").asText()).isEqualTo("7");
  }

  @Test
  void agesReadLikeKubectls() {
    Instant now = Instant.parse("2026-01-10T12:00:00Z");
    assertThat(TablePrinter.age("2026-01-10T11:59:15Z", now)).isEqualTo("45s");
    assertThat(TablePrinter.age("2026-01-10T11:56:48Z", now)).isEqualTo("3m12s");
    assertThat(TablePrinter.age("2026-01-10T11:20:00Z", now)).isEqualTo("40m");
    assertThat(TablePrinter.age("2026-01-10T06:57:00Z", now)).isEqualTo("5h3m");
    assertThat(TablePrinter.age("2026-01-09T06:00:00Z", now)).isEqualTo("30h");
    assertThat(TablePrinter.age("2026-01-04T10:00:00Z", now)).isEqualTo("6d2h");
    assertThat(TablePrinter.age("bad", now)).isEqualTo("<unknown>");
  }

  @Test
  void refusesAPortInUse() {
    assertThatThrownBy(() -> EmbeddedApiServer.start(api.port())).isInstanceOf(PortInUseException.class)
        .hasMessageContaining(Integer.toString(api.port()));
  }

  private static JsonNode find(JsonNode resourceList, String name) {
    for (JsonNode r : resourceList.path("resources")) {
      if (r.path("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError(name + " not in " + resourceList);
  }

  ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata().addToData("v", value).build();
  }

  /** ?dryRun=All: a write is checked and answered as kube-apiserver would, and nothing is stored. */
  @Test
  void dryRunWritesAreAnsweredAndCheckedButNeverStored() {
    ConfigMap answered = client.configMaps().inNamespace("default").resource(configMap("dry-run-planned", "1")).dryRun().create();
    assertThat(answered.getData()).containsEntry("v", "1");
    assertThat(client.configMaps().inNamespace("default").withName("dry-run-planned").get()).as("a dry-run create stores nothing").isNull();

    ConfigMap stored = client.configMaps().inNamespace("default").resource(configMap("dry-run-kept", "1")).create();
    assertThatThrownBy(() -> client.configMaps().inNamespace("default").resource(configMap("dry-run-kept", "2")).dryRun().create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    client.configMaps().inNamespace("default").resource(new ConfigMapBuilder(stored).addToData("v", "2").build()).dryRun().update();
    client.configMaps().inNamespace("default").withName("dry-run-kept").dryRun()
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"data\":{\"v\":\"3\"}}");
    client.configMaps().inNamespace("default").withName("dry-run-kept").dryRun().patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"v\":\"4\"}}");
    client.configMaps().inNamespace("default").withName("dry-run-kept").dryRun().delete();
    ConfigMap after = client.configMaps().inNamespace("default").withName("dry-run-kept").get();
    assertThat(after.getData()).as("no dry run changed it").containsEntry("v", "1");
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(stored.getMetadata().getResourceVersion());

    Deployment invalid = DemoWorkloads.minimalDeployment("dry-run-broken", Map.of("app", "dry-run-broken"));
    invalid.getSpec().setReplicas(-1);
    assertThatThrownBy(() -> client.apps().deployments().inNamespace("default").resource(invalid).dryRun().create())
        .as("a dry run is validated like the write").isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(422));
    client.namespaces().withName("default").dryRun().delete();
    assertThat(client.namespaces().withName("default").get().getMetadata().getDeletionTimestamp()).isNull();
  }
}

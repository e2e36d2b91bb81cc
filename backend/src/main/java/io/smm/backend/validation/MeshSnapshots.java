package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.SmmCrds;
import io.smm.backend.istio.IstioConfigKinds;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link MeshConfig} from the Kubernetes API: one LIST per kind, all namespaces. */
public final class MeshSnapshots {

  private MeshSnapshots() {}

  public static MeshConfig load(KubernetesClient client, String cluster) {
    List<KubeObject> objects = new ArrayList<>();
    client.namespaces().list().getItems().forEach(o -> objects.add(typed(o)));
    client.pods().inAnyNamespace().list().getItems().forEach(o -> objects.add(typed(o)));
    client.services().inAnyNamespace().list().getItems().forEach(o -> objects.add(typed(o)));
    client.serviceAccounts().inAnyNamespace().list().getItems().forEach(o -> objects.add(typed(o)));
    client.nodes().list().getItems().forEach(o -> objects.add(typed(o)));
    client.apps().deployments().inAnyNamespace().list().getItems().forEach(o -> objects.add(typed(o)));
    client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems().forEach(o -> objects.add(typed(o)));
    // The data is judged as a gateway credential and dropped here, so it never reaches a finding or a log.
    Instant now = Instant.now();
    client.secrets().inAnyNamespace().list().getItems().forEach(s -> {
      ObjectNode body = Serialization.jsonMapper().valueToTree(s);
      body.put("apiVersion", "v1").put("kind", "Secret");
      objects.add(KubeObject.of(GatewayCredentials.redact(body, now)));
    });
    for (IstioCrds.IstioKind kind : IstioCrds.ALL) {
      objects.addAll(custom(client, kind));
    }
    objects.addAll(custom(client, IstioConfigKinds.of(SmmCrds.ISTIO_CONTROL_PLANE)));
    JsonNode settings = objects.stream().filter(o -> o.is("IstioControlPlane")).map(o -> o.spec().path("meshConfig"))
        .filter(JsonNode::isObject).findFirst().orElse(JsonNodeFactory.instance.objectNode());
    String root = settings.path("rootNamespace").asText("").isEmpty() ? MeshConfig.DEFAULT_ROOT_NAMESPACE
        : settings.path("rootNamespace").asText();
    // The injector's and the mesh's ConfigMaps live in the root namespace; other ConfigMaps are not read.
    client.configMaps().inNamespace(root).list().getItems().forEach(o -> objects.add(typed(o)));
    return new MeshConfig(cluster, MeshSettings.of(objects, root, settings), objects);
  }

  private static KubeObject typed(HasMetadata o) {
    ObjectNode body = Serialization.jsonMapper().valueToTree(o);
    body.put("apiVersion", o.getApiVersion()).put("kind", o.getKind());
    return KubeObject.of(body);
  }

  /** A custom kind's objects; none when its CRD is not installed. */
  private static List<KubeObject> custom(KubernetesClient client, IstioCrds.IstioKind kind) {
    try {
      return client.genericKubernetesResources(IstioConfigKinds.context(kind)).inAnyNamespace().list().getItems().stream()
          .map(r -> KubeObject.of((JsonNode) Serialization.jsonMapper().valueToTree(r))).toList();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
  }
}

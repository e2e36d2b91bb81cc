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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link MeshConfig} from the Kubernetes API: one LIST per kind, all namespaces. */
public final class MeshSnapshots {

  /** Istio kinds the checks read that the product does not edit (read when their CRDs are installed). */
  private static final List<IstioCrds.IstioKind> ALSO_READ = List.of(
      new IstioCrds.IstioKind("telemetry.istio.io", "v1alpha1", "Telemetry", "telemetries", List.of()),
      new IstioCrds.IstioKind("networking.istio.io", "v1beta1", "ProxyConfig", "proxyconfigs", List.of()));

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
    for (IstioCrds.IstioKind kind : ALSO_READ) {
      objects.addAll(custom(client, kind));
    }
    objects.addAll(custom(client, IstioConfigKinds.of(SmmCrds.ISTIO_CONTROL_PLANE)));
    // The injector's and the mesh's ConfigMaps live in the root namespace; other ConfigMaps are not read.
    String root = MeshSettings.of(objects).path("rootNamespace").asText("");
    client.configMaps().inNamespace(root.isEmpty() ? MeshConfig.DEFAULT_ROOT_NAMESPACE : root).list().getItems()
        .forEach(o -> objects.add(typed(o)));
    return new MeshConfig(cluster, MeshSettings.of(objects), objects);
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

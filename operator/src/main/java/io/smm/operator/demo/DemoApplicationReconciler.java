package io.smm.operator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.api.schema.SchemaValidator;
import io.smm.operator.resources.ApplyOutcome;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** `smm demoapp`: the DemoApplication resource and what it stands for, applied like any component. */
public class DemoApplicationReconciler {

  public static final String NAME = "smm-demo";

  private final KubernetesClient client;
  private final ResourceApplier applier;

  public DemoApplicationReconciler(KubernetesClient client) {
    this.client = client;
    this.applier = new ResourceApplier(client);
  }

  /** Creates or updates the DemoApplication and reconciles it; returns the number of writes. */
  public int apply(String namespace, JsonNode spec) {
    var problems = SchemaValidator.validate(spec, SmmCrds.DEMO_APPLICATION.spec(), ".spec");
    if (!problems.isEmpty()) {
      throw new InvalidResourceException("DemoApplication " + namespace + "/" + NAME, problems);
    }
    List<DesiredResource> desired = DemoResources.of(namespace, spec, revision());
    int writes = 0;
    // The namespace first (the DemoApplication lives in it), already labelled for injection.
    DesiredResource ns = desired.get(0);
    if (ns.present()) {
      writes += applier.apply(ns, "smm-demo", owner(namespace)).wrote() ? 1 : 0;
    }
    var demos = client.genericKubernetesResources(SmmCrds.DEMO_APPLICATION.apiVersion(), SmmCrds.DEMO_APPLICATION.kind())
        .inNamespace(namespace);
    @SuppressWarnings("unchecked")
    Map<String, Object> specMap = Serialization.jsonMapper().convertValue(spec, Map.class);
    GenericKubernetesResource existing = demos.withName(NAME).get();
    if (existing == null) {
      demos.resource(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.DEMO_APPLICATION.apiVersion())
          .withKind(SmmCrds.DEMO_APPLICATION.kind()).withNewMetadata().withName(NAME).withNamespace(namespace).endMetadata()
          .addToAdditionalProperties("spec", specMap).build()).create();
    } else if (!specMap.equals(existing.getAdditionalProperties().get("spec"))) {
      existing.getAdditionalProperties().put("spec", specMap);
      demos.resource(existing).update();
    }
    for (DesiredResource r : desired.subList(1, desired.size())) {
      if (r.present()) {
        writes += applier.apply(r, "smm-demo", owner(namespace)).wrote() ? 1 : 0;
      }
    }
    List<DesiredResource> absent = new ArrayList<>(desired.stream().filter(r -> !r.present()).toList());
    Collections.reverse(absent);
    for (DesiredResource r : absent) {
      writes += applier.apply(r, "smm-demo", owner(namespace)).wrote() ? 1 : 0;
    }
    return writes;
  }

  /** Removes the application, its namespace included, and the DemoApplication resource. */
  public int uninstall(String namespace) {
    var demos = client.genericKubernetesResources(SmmCrds.DEMO_APPLICATION.apiVersion(), SmmCrds.DEMO_APPLICATION.kind())
        .inNamespace(namespace);
    GenericKubernetesResource existing = demos.withName(NAME).get();
    JsonNode spec = existing == null ? Serialization.jsonMapper().createObjectNode()
        : Serialization.jsonMapper().valueToTree(existing.getAdditionalProperties().getOrDefault("spec", Map.of()));
    List<DesiredResource> all = new ArrayList<>(DemoResources.of(namespace, spec, revision()));
    Collections.reverse(all);
    int deleted = 0;
    for (DesiredResource r : all) {
      deleted += applier.apply(DesiredResource.absent(r.object()), "smm-demo", owner(namespace)) == ApplyOutcome.DELETED ? 1 : 0;
    }
    if (existing != null) {
      demos.withName(NAME).delete();
    }
    return deleted;
  }

  /** The revision pods are injected with: the ControlPlane's Istio control plane (seed default cp-v115x.istio-system). */
  String revision() {
    GenericKubernetesResource cp = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind())
        .withName("smm").get();
    if (cp != null) {
      JsonNode spec = Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties().getOrDefault("spec", Map.of()));
      return spec.at("/meshManager/istio/istioCRRef/name").asText("cp-v115x") + "."
          + spec.at("/meshManager/istio/istioCRRef/namespace").asText("istio-system");
    }
    return "cp-v115x.istio-system";
  }

  private static String owner(String namespace) {
    return "DemoApplication/" + namespace + "/" + NAME;
  }
}

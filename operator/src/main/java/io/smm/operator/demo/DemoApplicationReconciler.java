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
import io.smm.operator.resources.ResourceStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

  /** Creates or updates the DemoApplication and reconciles it (`smm demoapp install`); returns the number of writes. */
  public int apply(String namespace, JsonNode spec) {
    validate(namespace, NAME, spec);
    List<DesiredResource> desired = DemoResources.of(namespace, spec, revision());
    int writes = 0;
    // The namespace first (the DemoApplication lives in it), already labelled for injection.
    writes += applyNamespace(namespace, desired.get(0));
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
    writes += applyResources(namespace, desired);
    writeStatus(namespace, NAME, "Succeeded", null);
    return writes;
  }

  /**
   * Reconciles an existing DemoApplication (operator mode); an invalid spec changes nothing and is
   * reported in its status. Returns whether it succeeded.
   */
  public boolean reconcile(String namespace, String name, JsonNode spec) {
    try {
      validate(namespace, name, spec);
      List<DesiredResource> desired = DemoResources.of(namespace, spec, revision());
      applyNamespace(namespace, desired.get(0));
      applyResources(namespace, desired);
      writeStatus(namespace, name, "Succeeded", null);
      return true;
    } catch (RuntimeException e) {
      writeStatus(namespace, name, "Failed", e.getMessage());
      return false;
    }
  }

  /** Creates the namespace, or labels the user's own one for injection as `smm sidecar-proxy auto-inject on` would. */
  private int applyNamespace(String namespace, DesiredResource ns) {
    if (!ns.present()) {
      return 0;
    }
    int writes = applier.apply(ns, "smm-demo", owner(namespace)).wrote() ? 1 : 0;
    String revision = ns.object().getMetadata().getLabels().get("istio.io/rev");
    var existing = client.namespaces().withName(namespace).get();
    if (existing != null && !revision.equals(existing.getMetadata().getLabels() == null ? null
        : existing.getMetadata().getLabels().get("istio.io/rev"))) {
      client.namespaces().withName(namespace).edit(n -> {
        if (n.getMetadata().getLabels() == null) {
          n.getMetadata().setLabels(new HashMap<>());
        }
        n.getMetadata().getLabels().put("istio.io/rev", revision);
        n.getMetadata().getLabels().remove("istio-injection");
        return n;
      });
      writes++;
    }
    return writes;
  }

  private static void validate(String namespace, String name, JsonNode spec) {
    var problems = SchemaValidator.validate(spec, SmmCrds.DEMO_APPLICATION.spec(), ".spec");
    if (!problems.isEmpty()) {
      throw new InvalidResourceException("DemoApplication " + namespace + "/" + name, problems);
    }
  }

  /** Everything but the namespace: present ones in order, then absent ones in reverse. */
  private int applyResources(String namespace, List<DesiredResource> desired) {
    int writes = 0;
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

  private void writeStatus(String namespace, String name, String status, String message) {
    var demos = client.genericKubernetesResources(SmmCrds.DEMO_APPLICATION.apiVersion(), SmmCrds.DEMO_APPLICATION.kind())
        .inNamespace(namespace);
    GenericKubernetesResource demo = demos.withName(name).get();
    if (demo == null) {
      return;
    }
    Map<String, Object> next = new LinkedHashMap<>();
    next.put("status", status);
    if (message != null) {
      next.put("message", message);
    }
    ResourceStatus.writeIfChanged(demo, next, r -> demos.resource(r).updateStatus());
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

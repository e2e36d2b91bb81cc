package io.smm.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.controlplane.ControlPlaneInput;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.operator.components.Component;
import io.smm.operator.components.Components;
import io.smm.operator.components.ControlPlaneConfig;
import io.smm.operator.components.ControlPlaneDefaults;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** `smm install --dump-resources`: every resource an install would create, as multi-document YAML; nothing is written. */
public final class ManifestDump {

  private ManifestDump() {}

  public static String yaml(String name, JsonNode userSpec) {
    var problems = ControlPlaneInput.validateSpec(userSpec);
    if (!problems.isEmpty()) {
      throw new InvalidResourceException("ControlPlane " + name, problems);
    }
    ControlPlaneConfig config = ControlPlaneDefaults.effective(name, userSpec);
    List<HasMetadata> objects = new ArrayList<>();
    for (Component c : Components.all()) {
      for (DesiredResource r : c.desired(config)) {
        if (r.present()) {
          objects.add(ResourceApplier.stamp(r.object(), c.name(), config.owner()));
        }
      }
      if (c.name().equals("crds")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = userSpec == null || userSpec.isMissingNode() ? Map.of()
            : Serialization.jsonMapper().convertValue(userSpec, Map.class);
        objects.add(new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.CONTROL_PLANE.apiVersion())
            .withKind(SmmCrds.CONTROL_PLANE.kind()).withNewMetadata().withName(name).endMetadata()
            .addToAdditionalProperties("spec", spec).build());
      }
    }
    StringBuilder out = new StringBuilder();
    for (HasMetadata o : objects) {
      String doc = Serialization.asYaml(o);
      out.append(doc.startsWith("---") ? doc : "---\n" + doc);
    }
    return out.toString();
  }
}

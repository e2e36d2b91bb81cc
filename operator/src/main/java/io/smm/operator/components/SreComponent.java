package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.slo.BuiltInSliTemplates;
import io.smm.operator.slo.SliTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SRE controller's workload and the built-in ServiceLevelIndicatorTemplates it offers (seed 2.8.1.3), together. */
public final class SreComponent implements Component {

  private final ServiceComponent controller;

  public SreComponent(ServiceComponent controller) {
    this.controller = controller;
  }

  @Override
  public String name() {
    return controller.name();
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled(controller.settingsPath());
    List<DesiredResource> out = new ArrayList<>(controller.desired(config));
    for (SliTemplate t : BuiltInSliTemplates.ALL) {
      out.add(new DesiredResource(template(t, config.smmNamespace()), enabled));
    }
    return out;
  }

  /** A built-in template as the ServiceLevelIndicatorTemplate resource installed in {@code namespace}. */
  public static GenericKubernetesResource template(SliTemplate t, String namespace) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("description", t.description());
    spec.put("kind", t.kind());
    spec.put("goodEvents", t.goodEvents());
    spec.put("totalEvents", t.totalEvents());
    spec.put("parameters", t.parameters().stream().map(p -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("default", p.defaultValue());
      m.put("description", p.description());
      m.put("advanced", p.advanced());
      return m;
    }).toList());
    return new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.SLI_TEMPLATE.apiVersion()).withKind(SmmCrds.SLI_TEMPLATE.kind())
        .withNewMetadata().withName(t.name()).withNamespace(namespace).endMetadata().addToAdditionalProperties("spec", spec).build();
  }
}

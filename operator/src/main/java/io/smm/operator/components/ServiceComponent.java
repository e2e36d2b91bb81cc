package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.smm.operator.resources.DesiredResource;
import java.util.List;
import java.util.Map;

/**
 * A component that is one workload (ServiceAccount + Deployment + Service) switched by an
 * "enabled" flag in the ControlPlane spec; most of the product's parts are this shape.
 */
public record ServiceComponent(String name, String settingsPath, String defaultNamespace, String app, String imageName,
    List<Workloads.Port> ports, Map<String, String> podAnnotations) implements Component {

  public String namespace(ControlPlaneConfig config) {
    return config.text(settingsPath + ".namespace", defaultNamespace == null ? config.smmNamespace() : defaultNamespace);
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled(settingsPath);
    String image = Workloads.Images.of(config).image(imageName, "v1.0.0");
    int replicas = config.integer(settingsPath + ".replicas", 1);
    List<HasMetadata> objects = Workloads.service(app, namespace(config), name, image, replicas, ports, podAnnotations);
    return objects.stream().map(o -> new DesiredResource(o, enabled)).toList();
  }
}

package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A component that is one workload (ServiceAccount + Deployment + Service, plus what that workload
 * needs beside it: its RBAC, its configuration) switched by an "enabled" flag in the ControlPlane
 * spec; most of the product's parts are this shape.
 */
public record ServiceComponent(String name, String settingsPath, String defaultNamespace, String app, Workload workload,
    Map<String, String> podAnnotations, Beside beside, boolean meshMember, List<String> podSettingsPaths) implements Component {

  /** Objects a workload needs next to its Deployment (RBAC bound to its ServiceAccount, ConfigMaps). */
  @FunctionalInterface
  public interface Beside {
    List<HasMetadata> of(String app, String namespace, ControlPlaneConfig config);

    /** These objects, then {@code next}'s. */
    default Beside and(Beside next) {
      return (app, namespace, config) -> {
        List<HasMetadata> all = new ArrayList<>(of(app, namespace, config));
        all.addAll(next.of(app, namespace, config));
        return all;
      };
    }

    Beside NOTHING = (app, namespace, config) -> List.of();
  }

  public ServiceComponent(String name, String settingsPath, String defaultNamespace, String app, Workload workload,
      Map<String, String> podAnnotations, Beside beside) {
    this(name, settingsPath, defaultNamespace, app, workload, podAnnotations, beside, false, List.of(settingsPath));
  }

  public ServiceComponent(String name, String settingsPath, String defaultNamespace, String app, Workload workload,
      Map<String, String> podAnnotations) {
    this(name, settingsPath, defaultNamespace, app, workload, podAnnotations, Beside.NOTHING);
  }

  /**
   * The same component with its pods in the mesh: labelled istio.io/rev with the control plane's
   * revision, so that the istio-operator's rev.object webhook injects a sidecar (for a workload
   * whose callers must be mesh proxies, authenticated by mTLS).
   */
  public ServiceComponent inMesh() {
    return new ServiceComponent(name, settingsPath, defaultNamespace, app, workload, podAnnotations, beside, true, podSettingsPaths);
  }

  /**
   * The same component with its pods' resources, affinity, tolerations and node selector read from
   * these ControlPlane paths, first that sets one wins (the manual's names: smm.application for the
   * backend, smm.sre.controller for the SRE controller).
   */
  public ServiceComponent podSettingsFrom(String... paths) {
    return new ServiceComponent(name, settingsPath, defaultNamespace, app, workload, podAnnotations, beside, meshMember, List.of(paths));
  }

  public String namespace(ControlPlaneConfig config) {
    return config.text(settingsPath + ".namespace", defaultNamespace == null ? config.smmNamespace() : defaultNamespace);
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled(settingsPath);
    int replicas = config.integer(settingsPath + ".replicas", 1);
    String namespace = namespace(config);
    List<HasMetadata> objects = new ArrayList<>(beside.of(app, namespace, config));
    objects.forEach(o -> Workloads.label(o, app, name));
    Map<String, String> podLabels = meshMember ? Map.of("istio.io/rev", config.istioRevision()) : Map.of();
    objects.addAll(Workloads.service(app, namespace, name, workload.image().apply(config), workload.args().apply(config), replicas,
        workload, podAnnotations, podLabels, PodPlacement.of(config, podSettingsPaths)));
    return objects.stream().map(o -> new DesiredResource(o, enabled)).toList();
  }
}

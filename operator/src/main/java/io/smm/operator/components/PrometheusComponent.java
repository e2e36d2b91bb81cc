package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.List;

/**
 * The product's Prometheus: its workload (configuration from {@link PrometheusConfig}, retention
 * from smm.prometheus.retentionTime) and where its samples live: a PersistentVolumeClaim
 * {@code smm-prometheus-db} built from smm.prometheus.storage.spec (seed 2.10.2.1), else an emptyDir
 * that lives as long as the pod. With a claim the Deployment is replaced with strategy Recreate: a
 * ReadWriteOnce volume cannot be attached to the old and the new pod at once.
 */
public final class PrometheusComponent implements Component {

  static final String DATA_PATH = "/prometheus";
  private final ServiceComponent workload;

  public PrometheusComponent(ServiceComponent workload) {
    this.workload = workload;
  }

  /** The claim's name: the seed's volume is prometheus-smm-prometheus-db-...; one Deployment needs one claim. */
  static String claimName(String app) {
    return app + "-db";
  }

  @Override
  public String name() {
    return workload.name();
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled(workload.settingsPath());
    boolean persistent = config.at("smm.prometheus.storage.spec").isObject();
    String namespace = workload.namespace(config);
    List<DesiredResource> out = new ArrayList<>();
    PersistentVolumeClaim claim = claim(config, namespace);
    Workloads.label(claim, workload.app(), workload.name());
    // First, so that a claim change the cluster refuses (a smaller size) stops the component before
    // its Deployment is touched. Removed with the component or when storage is switched off: the
    // samples go with it, as with the emptyDir.
    out.add(new DesiredResource(claim, enabled && persistent));
    for (DesiredResource r : workload.desired(config)) {
      if (r.object() instanceof Deployment d) {
        addDataVolume(d, persistent);
      }
      out.add(r);
    }
    return out;
  }

  private void addDataVolume(Deployment d, boolean persistent) {
    var pod = d.getSpec().getTemplate().getSpec();
    pod.getContainers().get(0).getVolumeMounts().add(new VolumeMountBuilder().withName("data").withMountPath(DATA_PATH).build());
    var volume = new VolumeBuilder().withName("data");
    pod.getVolumes().add(persistent ? volume.withNewPersistentVolumeClaim().withClaimName(claimName(workload.app())).endPersistentVolumeClaim().build()
        : volume.withNewEmptyDir().endEmptyDir().build());
    if (persistent) {
      d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder().withType("Recreate").build());
    }
  }

  private PersistentVolumeClaim claim(ControlPlaneConfig config, String namespace) {
    var node = config.at("smm.prometheus.storage.spec");
    PersistentVolumeClaimSpec spec = node.isObject() ? Serialization.jsonMapper().convertValue(node, PersistentVolumeClaimSpec.class)
        : new PersistentVolumeClaimSpec();
    if (spec.getAccessModes() == null || spec.getAccessModes().isEmpty()) {
      spec.setAccessModes(List.of("ReadWriteOnce"));
    }
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(claimName(workload.app())).withNamespace(namespace).endMetadata()
        .withSpec(spec).build();
  }
}

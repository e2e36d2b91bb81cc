package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.smm.operator.resources.DesiredResource;
import java.util.List;
import java.util.Map;

/**
 * spec.nodeExporter: Prometheus' node exporter on every node (a DaemonSet, the seed's
 * prometheus-node-exporter pods), host network and host /proc and /sys read-only, annotated for
 * the product's Prometheus to scrape its port 9100. It tolerates every taint, so that control-plane
 * and tainted nodes report too, unless nodeExporter.tolerations says otherwise.
 */
public final class NodeExporterComponent implements Component {

  static final String APP = "prometheus-node-exporter";
  static final String IMAGE = "quay.io/prometheus/node-exporter:v1.5.0";

  @Override
  public String name() {
    return "node-exporter";
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled("nodeExporter");
    String namespace = config.text("nodeExporter.namespace", config.smmNamespace());
    Map<String, String> labels = Workloads.labels(APP, name());
    var serviceAccount = new ServiceAccountBuilder().withNewMetadata().withName(APP).withNamespace(namespace).withLabels(labels)
        .endMetadata().build();
    var container = new ContainerBuilder().withName("node-exporter").withImage(IMAGE)
        .withArgs("--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root", "--web.listen-address=:9100")
        .addNewPort().withName("metrics").withContainerPort(9100).endPort()
        .addNewVolumeMount().withName("proc").withMountPath("/host/proc").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("sys").withMountPath("/host/sys").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("root").withMountPath("/host/root").withReadOnly(true).endVolumeMount()
        .withNewReadinessProbe().withNewHttpGet().withPath("/").withPort(new IntOrString(9100)).endHttpGet().endReadinessProbe()
        .build();
    DaemonSet daemonSet = new DaemonSetBuilder()
        .withNewMetadata().withName(APP).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", APP)).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels)
        .withAnnotations(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "9100")).endMetadata()
        .withNewSpec().withServiceAccountName(APP).withHostNetwork(true).withHostPID(true).withContainers(container)
        .addNewToleration().withOperator("Exists").endToleration()
        .addNewVolume().withName("proc").withNewHostPath().withPath("/proc").endHostPath().endVolume()
        .addNewVolume().withName("sys").withNewHostPath().withPath("/sys").endHostPath().endVolume()
        .addNewVolume().withName("root").withNewHostPath().withPath("/").endHostPath().endVolume()
        .endSpec().endTemplate().endSpec().build();
    PodPlacement.of(config, List.of("nodeExporter")).applyTo(daemonSet.getSpec().getTemplate().getSpec());
    List<HasMetadata> objects = List.of(serviceAccount, daemonSet);
    return objects.stream().map(o -> new DesiredResource(o, enabled)).toList();
  }
}

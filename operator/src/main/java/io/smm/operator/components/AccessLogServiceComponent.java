package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.smm.operator.resources.DesiredResource;
import java.util.List;
import java.util.Map;

/**
 * {@code smm-als}: the address sidecars stream access logs to (seed: port 50600). The backend
 * receives them itself, because traffic tap serves them from memory, so this is a Service for the
 * smm pods' ALS port rather than a workload of its own.
 */
final class AccessLogServiceComponent implements Component {

  static final int PORT = 50600;

  @Override
  public String name() {
    return "als";
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled("smm.als") && config.enabled("smm");
    String namespace = config.text("smm.als.namespace", config.smmNamespace());
    var service = new ServiceBuilder().withNewMetadata().withName("smm-als").withNamespace(namespace)
        .withLabels(Workloads.labels("smm-als", name())).endMetadata()
        .withNewSpec().withSelector(Map.of("app.kubernetes.io/name", "smm", "app", "smm"))
        .addNewPort().withName("grpc-als").withPort(PORT).withTargetPort(new IntOrString(PORT)).endPort().endSpec().build();
    return List.of(new DesiredResource(service, enabled));
  }
}

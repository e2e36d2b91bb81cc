package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code smm-zipkin}: the address sidecars report spans to (the mesh config's
 * defaultConfig.tracing.zipkin.address; seed port 59411, which the meshexpansion gateway also
 * exposes to peer clusters). A Service for the tracing pods' Zipkin-compatible collector (Jaeger
 * all-in-one's 9411), enabled with the tracing component.
 */
final class ZipkinCollectorComponent implements Component {

  static final int PORT = 59411;
  static final int COLLECTOR_PORT = 9411;
  static final String TRACING_APP = "smm-tracing";

  /** Where sidecars send spans: the smm-zipkin Service of the product's namespace. */
  static String address(String namespace) {
    return "smm-zipkin." + namespace + ".svc.cluster.local:" + PORT;
  }

  @Override
  public String name() {
    return "zipkin-collector";
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled("smm.tracing") && config.enabled("smm");
    String namespace = config.text("smm.tracing.namespace", config.smmNamespace());
    var service = new ServiceBuilder().withNewMetadata().withName("smm-zipkin").withNamespace(namespace)
        .withLabels(Workloads.labels("smm-zipkin", name())).endMetadata()
        .withNewSpec().withSelector(Map.of("app.kubernetes.io/name", TRACING_APP, "app", TRACING_APP))
        .addNewPort().withName("http-zipkin").withPort(PORT).withTargetPort(new IntOrString(COLLECTOR_PORT)).endPort().endSpec().build();
    List<DesiredResource> desired = new ArrayList<>();
    if (config.passive()) {
      // A passive cluster's proxies report to the active cluster's collector, through its meshexpansion gateway's 59411.
      desired.addAll(new ActiveClusterForward("smm-zipkin", namespace, "http-zipkin", PORT, name()).desired(config, enabled));
    } else {
      desired.add(new DesiredResource(service, enabled));
      desired.add(new DesiredResource(ActiveClusterForward.endpoints("smm-zipkin", namespace), false)); // left by a passive role before
    }
    // VMs and peer clusters on other networks report through the meshexpansion gateway's 59411.
    desired.addAll(new MeshExpansionRoute("smm-zipkin", namespace, PORT, "smm-zipkin." + namespace + ".svc.cluster.local", PORT, name())
        .desired(config, enabled && !config.passive()));
    return desired;
  }
}

package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code smm-als}: the address sidecars stream access logs to (seed: port 50600). The backend
 * receives them itself, because traffic tap serves them from memory, so this is a Service for the
 * smm pods' ALS port rather than a workload of its own. Access logs become what every user's tap
 * shows, so only mesh proxies may send them: the smm pods run with a sidecar
 * ({@link ServiceComponent#inMesh}), a PeerAuthentication makes the ALS port STRICT mTLS (sidecars
 * connect with ISTIO_MUTUAL, as the mesh config says), and an AuthorizationPolicy denies callers
 * without a mesh identity there; the receiver checks that identity against the proxy's claim. VMs and
 * peer clusters on other networks reach it through the meshexpansion gateway ({@link MeshExpansionRoute}).
 */
final class AccessLogServiceComponent implements Component {

  static final int PORT = 50600;
  /** The smm Deployment's pods (its selector), where the receiver runs. */
  private static final Map<String, String> SMM_PODS = Map.of("app.kubernetes.io/name", "smm", "app", "smm");

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
        .withNewSpec().withSelector(SMM_PODS)
        .addNewPort().withName("grpc-als").withPort(PORT).withTargetPort(new IntOrString(PORT)).endPort().endSpec().build();
    String receiverNamespace = config.text("smm.namespace", config.smmNamespace());
    Map<String, Object> receiverPods = Map.of("matchLabels", SMM_PODS);
    var strictMtls = policy("security.istio.io/v1beta1", "PeerAuthentication", receiverNamespace, Map.of(
        "selector", receiverPods,
        "mtls", Map.of("mode", "PERMISSIVE"),
        "portLevelMtls", Map.of(Integer.toString(PORT), Map.of("mode", "STRICT"))));
    var proxiesOnly = policy("security.istio.io/v1beta1", "AuthorizationPolicy", receiverNamespace, Map.of(
        "selector", receiverPods,
        "action", "DENY",
        "rules", List.of(Map.of(
            "from", List.of(Map.of("source", Map.of("notPrincipals", List.of("*")))),
            "to", List.of(Map.of("operation", Map.of("ports", List.of(Integer.toString(PORT)))))))));
    // A passive cluster's proxies stream to the active cluster's receiver, through its meshexpansion gateway's 50600.
    boolean receiver = enabled && !config.passive();
    List<DesiredResource> desired = new ArrayList<>();
    if (config.passive()) {
      desired.addAll(new ActiveClusterForward("smm-als", namespace, "grpc-als", PORT, name()).desired(config, enabled));
    } else {
      desired.add(new DesiredResource(service, enabled));
      desired.add(new DesiredResource(ActiveClusterForward.endpoints("smm-als", namespace), false)); // left by a passive role before
    }
    desired.add(new DesiredResource(strictMtls, receiver));
    desired.add(new DesiredResource(proxiesOnly, receiver));
    // VMs and peer clusters on other networks stream to it through the meshexpansion gateway's 50600.
    desired.addAll(new MeshExpansionRoute("smm-als", namespace, PORT, "smm-als." + namespace + ".svc.cluster.local", PORT, name())
        .desired(config, receiver));
    return desired;
  }

  private GenericKubernetesResource policy(String apiVersion, String kind, String namespace, Map<String, Object> spec) {
    GenericKubernetesResource policy = new GenericKubernetesResourceBuilder().withApiVersion(apiVersion).withKind(kind)
        .withNewMetadata().withName("smm-als").withNamespace(namespace).endMetadata().build();
    Workloads.label(policy, "smm-als", name());
    policy.setAdditionalProperty("spec", spec);
    return policy;
  }
}

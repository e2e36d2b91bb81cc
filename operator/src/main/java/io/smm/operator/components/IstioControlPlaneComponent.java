package io.smm.operator.components;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.resources.DesiredResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The IstioControlPlane named by meshManager.istio.istioCRRef (default cp-v115x in istio-system),
 * built from the product's defaults with istioCROverrides merged over them. The default is the
 * official distribution, whose public images (docker.io/istio/pilot and proxyv2 1.15.3) anyone can
 * pull; the Cisco build needs distribution: cisco and its registry in containerImageConfiguration. The istiod resources
 * themselves come from the IstioControlPlane reconciler (the Istio operator part).
 *
 * <p>As the seed's IstioControlPlane (2.4 GitOps, 2.9.5 VMs): istiod registers VMs itself
 * (PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION, ..._HEALTHCHECKS: a WorkloadEntry per connected
 * VM, its Healthy condition from the WorkloadGroup's probe), and the meshexpansion gateway exposes
 * what VMs and peer networks reach: istiod (15012), its webhook (15017), the cross-network port
 * (15443), and the product's access log and span collectors (50600, 59411).
 */
public final class IstioControlPlaneComponent implements Component {

  static final String DEFAULT_SPEC = """
      version: 1.15.3
      mode: ACTIVE
      distribution: official
      containerImageConfiguration:
        hub: docker.io/istio
      meshID: mesh1
      networkName: network1
      meshConfig:
        enableEnvoyAccessLogService: true
        enableTracing: true
        outboundTrafficPolicy:
          mode: ALLOW_ANY
        defaultConfig:
          holdApplicationUntilProxyStarts: true
          envoyAccessLogService:
            address: %s
            tlsSettings:
              mode: ISTIO_MUTUAL
            tcpKeepalive:
              interval: 10s
              probes: 3
              time: 10s
          proxyMetadata:
            ISTIO_META_ALS_ENABLED: "true"
          tracing:
            sampling: 1.0
            zipkin:
              address: %s
      istiod:
        deployment:
          replicas:
            count: 1
          env:
          - name: PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION
            value: "true"
          - name: PILOT_ENABLE_WORKLOAD_ENTRY_HEALTHCHECKS
            value: "true"
      meshExpansion:
        enabled: true
        gateway:
          deployment:
            podMetadata:
              labels:
                app: istio-meshexpansion-gateway
                istio: meshexpansiongateway
          service:
            ports:
            - name: tcp-smm-als-tls
              port: 50600
              protocol: TCP
              targetPort: 50600
            - name: tcp-smm-zipkin-tls
              port: 59411
              protocol: TCP
              targetPort: 59411
      """;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Where sidecars send access logs: the smm-als Service of the control plane's namespace (seed: port 50600). */
  public static String accessLogServiceAddress(String namespace) {
    return "smm-als." + namespace + ".svc.cluster.local:50600";
  }

  /** Where sidecars report spans: the smm-zipkin Service of the control plane's namespace (seed: port 59411). */
  public static String zipkinAddress(String namespace) {
    return ZipkinCollectorComponent.address(namespace);
  }

  @Override
  public String name() {
    return "istio-control-plane";
  }

  @Override
  public List<DesiredResource> desired(ControlPlaneConfig config) {
    boolean enabled = config.enabled("meshManager") && config.enabled("meshManager.istio");
    // An IstioControlPlane the user wrote and named in istioCRRef (e.g. a canary) is used as written.
    return List.of(new DesiredResource(istioControlPlane(config), enabled, true));
  }

  private static ObjectNode defaults(ControlPlaneConfig config) {
    try {
      ObjectNode spec = (ObjectNode) YAML.readTree(DEFAULT_SPEC.formatted(accessLogServiceAddress(config.smmNamespace()),
          zipkinAddress(config.smmNamespace())));
      if (!config.clusterName().isEmpty()) {
        spec.put("clusterID", config.clusterName());
      }
      return spec;
    } catch (IOException e) {
      throw new UncheckedIOException("the built-in IstioControlPlane defaults do not parse", e);
    }
  }

  GenericKubernetesResource istioControlPlane(ControlPlaneConfig config) {
    ObjectNode spec = defaults(config);
    try {
      JsonNode overrides = config.at("meshManager.istio.istioCROverrides");
      if (overrides.isTextual() && !overrides.asText().isBlank()) {
        JsonNode parsed = YAML.readTree(overrides.asText());
        if (parsed != null && parsed.has("spec")) {
          spec = (ObjectNode) JsonMerge.merge(spec, parsed.get("spec"));
        }
      }
    } catch (IOException e) {
      // A reconcile refuses such a spec before any write; an uninstall still has to find the
      // IstioControlPlane to remove it, and its identity does not depend on the overrides.
      spec = defaults(config);
    }
    spec = (ObjectNode) JsonMerge.merge(spec, fromControlPlane(config));
    @SuppressWarnings("unchecked")
    Map<String, Object> specMap = Serialization.jsonMapper().convertValue(spec, Map.class);
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion()).withKind(SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .withNewMetadata().withName(config.istioName()).withNamespace(config.istioNamespace()).endMetadata()
        .addToAdditionalProperties("spec", specMap)
        .build();
  }

  /**
   * The ControlPlane's Istio settings (seed 2.10.1.3, 2.10.1.4): meshManager.istio.pilot onto
   * istiod.deployment, meshManager.istio.proxy.resources onto proxy.resources, registryAccess'
   * pull secrets onto containerImageConfiguration.imagePullSecrets. Merged last: "besides
   * any settings (resources and images) defined in the ControlPlane", the IstioControlPlane's own
   * edits are kept.
   */
  static ObjectNode fromControlPlane(ControlPlaneConfig config) {
    ObjectNode out = YAML.createObjectNode();
    JsonNode pilot = config.at("meshManager.istio.pilot");
    if (pilot.isObject() && pilot.size() > 0) {
      ObjectNode deployment = out.putObject("istiod").putObject("deployment");
      pilot.fields().forEachRemaining(e -> deployment.set(e.getKey(), e.getValue().deepCopy()));
    }
    List<String> pullSecrets = PodPlacement.pullSecretNames(config);
    if (!pullSecrets.isEmpty()) {
      var names = out.putObject("containerImageConfiguration").putArray("imagePullSecrets");
      pullSecrets.forEach(n -> names.addObject().put("name", n));
    }
    JsonNode proxyResources = config.at("meshManager.istio.proxy.resources");
    if (proxyResources.isObject()) {
      out.putObject("proxy").set("resources", proxyResources.deepCopy());
    }
    return out;
  }

  @Override
  public void removeOperands(DesiredResource resource, Operands operands) {
    operands.removeControlPlane(resource.object().getMetadata().getNamespace(), resource.object().getMetadata().getName());
  }
}

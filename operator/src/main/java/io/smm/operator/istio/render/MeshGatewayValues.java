package io.smm.operator.istio.render;

import static io.smm.operator.istio.render.ValueTree.isSet;
import static io.smm.operator.istio.render.ValueTree.object;
import static io.smm.operator.istio.render.ValueTree.putIf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * The istio-meshgateway chart's values for an IstioMeshGateway: our port of the istio-operator's
 * {@code istio-meshgateway/values.yaml.tpl}. The gateway pod is left to istiod's injector
 * ({@code image: auto}, template {@code gateway}); the checksums of the control plane's injector
 * and mesh config go on the pod so that it rolls when they change.
 */
public final class MeshGatewayValues {

  public static final String INJECTION_CHECKSUM = "sidecar.istio.servicemesh.cisco.com/injection-checksum";
  public static final String MESH_CONFIG_CHECKSUM = "sidecar.istio.servicemesh.cisco.com/meshconfig-checksum";
  public static final String GENERATE_EXTERNAL_SERVICE = "meshgateway.istio.servicemesh.cisco.com/generate-external-service";

  /**
   * What the operator takes from the resolved control plane, not from the gateway's spec.
   *
   * @param controlPlaneSpec the IstioControlPlane's spec (image pull settings, templates)
   */
  public record Properties(String revision, boolean enablePrometheusMerge, String injectionChecksum, String meshConfigChecksum,
      JsonNode controlPlaneSpec, boolean generateExternalService) {

    /**
     * What the istio-operator takes from the control plane it resolved for a gateway: its revision,
     * Prometheus merge setting (on unless its meshConfig turns it off), spec, and the checksums of its
     * injector and mesh config.
     */
    public static Properties of(GenericKubernetesResource icp, String injectionChecksum,
        String meshConfigChecksum) {
      JsonNode spec = IstioRendering.spec(icp);
      return new Properties(IstioRendering.revision(icp).label(), spec.at("/meshConfig/enablePrometheusMerge").asBoolean(true),
          injectionChecksum, meshConfigChecksum, spec, false);
    }

    /** "gateway", or "gateway, gatewayOverrides" when the control plane overrides the gateway template. */
    public String injectionTemplate() {
      return isSet(controlPlaneSpec.at("/sidecarInjector/templates/gateway")) ? "gateway, gatewayOverrides" : "gateway";
    }
  }

  private MeshGatewayValues() {}

  public static ObjectNode of(String name, JsonNode spec, JsonNode status, Properties properties) {
    ObjectNode values = object();
    putIf(values, "type", spec.path("type"));
    values.put("injectionTemplate", properties.injectionTemplate());
    values.put("revision", properties.revision());
    putIf(values, "runAsRoot", spec.path("runAsRoot"));
    JsonNode deployment = spec.path("deployment");
    JsonNode images = properties.controlPlaneSpec().path("containerImageConfiguration");
    ObjectNode global = object();
    putIf(global, "imagePullPolicy", isSet(deployment.path("imagePullPolicy")) ? deployment.path("imagePullPolicy") : images.path("imagePullPolicy"));
    putIf(global, "imagePullSecrets", isSet(deployment.path("imagePullSecrets")) ? deployment.path("imagePullSecrets") : images.path("imagePullSecrets"));
    if (!global.isEmpty()) {
      values.set("global", global);
    }
    ObjectNode d = values.putObject("deployment");
    d.put("name", name);
    d.put("enablePrometheusMerge", properties.enablePrometheusMerge());
    for (String key : new String[] {"deploymentStrategy", "metadata", "env", "affinity", "nodeSelector", "priorityClassName", "replicas",
        "resources", "securityContext", "tolerations", "topologySpreadConstraints", "volumeMounts", "volumes", "podDisruptionBudget"}) {
      putIf(d, key, deployment.path(key));
    }
    ObjectNode podMetadata = deployment.path("podMetadata").isObject() ? (ObjectNode) ValueTree.kubernetesJson(deployment.path("podMetadata").deepCopy()) : object();
    ObjectNode annotations = podMetadata.has("annotations") ? (ObjectNode) podMetadata.get("annotations") : podMetadata.putObject("annotations");
    putIf(annotations, INJECTION_CHECKSUM, textOrMissing(properties.injectionChecksum()));
    putIf(annotations, MESH_CONFIG_CHECKSUM, textOrMissing(properties.meshConfigChecksum()));
    if (annotations.isEmpty()) {
      podMetadata.remove("annotations");
    }
    putIf(d, "podMetadata", podMetadata);
    putIf(d, "image", deployment.path("image"));
    if (spec.path("service").isObject()) {
      values.set("service", ValueTree.service(spec.path("service")));
    }
    if (properties.generateExternalService() && isSet(status.path("GatewayAddress"))) {
      values.putObject("externalService").set("addresses", status.path("GatewayAddress").deepCopy());
    }
    return values;
  }

  private static JsonNode textOrMissing(String s) {
    return s == null ? null : object().textNode(s);
  }
}

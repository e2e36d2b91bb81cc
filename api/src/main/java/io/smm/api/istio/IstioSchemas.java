package io.smm.api.istio;

import static io.smm.api.schema.Schema.any;
import static io.smm.api.schema.Schema.array;
import static io.smm.api.schema.Schema.bool;
import static io.smm.api.schema.Schema.count;
import static io.smm.api.schema.Schema.object;
import static io.smm.api.schema.Schema.oneOf;
import static io.smm.api.schema.Schema.openObject;
import static io.smm.api.schema.Schema.port;
import static io.smm.api.schema.Schema.string;

import io.smm.api.schema.Schema.ObjectSchema;

/**
 * IstioControlPlane and IstioMeshGateway (servicemesh.cisco.com/v1alpha1). The top-level fields
 * the product acts on are typed; Istio's own configuration (meshConfig, deployment settings) is
 * passed on as written.
 */
public final class IstioSchemas {

  private IstioSchemas() {}

  public static final ObjectSchema CONTROL_PLANE_SPEC = object("IstioControlPlaneSpec defines the desired state of IstioControlPlane")
      .field("version", string("Istio version, e.g. 1.15.3."))
      .field("mode", oneOf("ACTIVE runs istiod here; PASSIVE uses a remote one.", "ACTIVE", "PASSIVE"))
      .field("distribution", string("Istio distribution (official or cisco)."))
      .field("meshID", string("Mesh identifier shared by all clusters of the mesh."))
      .field("networkName", string("Network of this cluster (multi-network meshes)."))
      .field("clusterID", string(""))
      .field("meshConfig", openObject("Istio MeshConfig (access log service, tracing, outbound traffic policy, ...)."))
      .field("istiod", openObject("istiod deployment settings."))
      .field("proxy", openObject("Sidecar proxy settings."))
      .field("proxyInit", openObject(""))
      .field("sidecarInjector", openObject(""))
      .field("telemetryV2", openObject(""))
      .field("meshExpansion", openObject("Mesh expansion (VMs) settings."))
      .field("containerImageConfiguration", openObject(""))
      .field("k8sResourceOverlays", any("JSON patches applied to generated resources."))
      .field("jwtPolicy", string(""))
      .field("caAddress", string(""))
      .field("caProvider", string(""))
      .field("httpProxyEnvs", openObject(""))
      .field("logging", openObject(""))
      .field("tracer", openObject(""))
      .field("mountMtlsCerts", bool(""))
      .field("sds", openObject("Secret discovery settings (tokenAudience)."))
      .field("proxyWasm", openObject("WebAssembly runtime for the telemetry filters (enabled)."))
      .field("watchOneNamespace", bool("istiod watches only its own namespace."));

  public static final ObjectSchema MESH_GATEWAY_SPEC = object("IstioMeshGatewaySpec defines the desired state of IstioMeshGateway")
      .field("type", oneOf("Gateway type.", "ingress", "egress"))
      .field("istioControlPlane", object("The IstioControlPlane the gateway belongs to.")
          .field("name", string("")).field("namespace", string("")).require("name", "namespace"))
      .field("deployment", openObject("Deployment settings (replicas, resources, ...).")
          .field("replicas", object("Replica count, or the range the autoscaler keeps it in.")
              .field("count", count("")).field("min", count("")).field("max", count(""))))
      .field("service", openObject("Service settings (type, ports).")
          .field("type", oneOf("", "ClusterIP", "NodePort", "LoadBalancer"))
          .field("ports", array("", openObject("").field("name", string("")).field("port", port(""))
              .field("targetPort", any("A port number or name.")).field("nodePort", port(""))
              .field("protocol", oneOf("", "TCP", "UDP", "SCTP")).require("port"))))
      .field("runAsRoot", bool("Run the gateway as root (needed for ports below 1024)."))
      .field("k8sResourceOverlays", any(""))
      .require("type", "istioControlPlane");
}

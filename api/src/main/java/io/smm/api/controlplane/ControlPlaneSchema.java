package io.smm.api.controlplane;

import static io.smm.api.schema.Schema.any;
import static io.smm.api.schema.Schema.array;
import static io.smm.api.schema.Schema.bool;
import static io.smm.api.schema.Schema.count;
import static io.smm.api.schema.Schema.integer;
import static io.smm.api.schema.Schema.object;
import static io.smm.api.schema.Schema.oneOf;
import static io.smm.api.schema.Schema.openObject;
import static io.smm.api.schema.Schema.string;

import io.smm.api.schema.Schema;
import io.smm.api.schema.Schema.ObjectSchema;

/**
 * The ControlPlane (smm.cisco.com/v1alpha1) spec and status, with the field names of the seed's
 * examples. Sub-objects the product passes on to Kubernetes unchanged (resources, affinity,
 * tolerations, log settings) are free-form; everything else is checked strictly.
 */
public final class ControlPlaneSchema {

  private ControlPlaneSchema() {}

  /** A component of the product: the settings every component understands. */
  static ObjectSchema component(String description) {
    return object(description)
        .field("enabled", bool("Whether the component is installed; disabling it removes its resources."))
        .field("namespace", string("Namespace of the component's resources."))
        .field("replicas", count("Number of replicas."))
        .field("resources", any("Kubernetes resource requirements."))
        .field("image", openObject("Image settings (repository, tag, pullPolicy)."))
        .field("log", openObject("Log settings."))
        .field("affinity", any("Kubernetes affinity."))
        .field("tolerations", any("Kubernetes tolerations."))
        .field("nodeSelector", any("Kubernetes node selector."))
        .field("api", openObject("Settings of the component's API part."))
        .field("controller", openObject("Settings of the component's controller part."))
        .field("service", openObject("Service settings."));
  }

  static ObjectSchema namespacedRef(String description) {
    return object(description).field("name", string("Name.")).field("namespace", string("Namespace."));
  }

  public static final ObjectSchema SPEC = object("ControlPlaneSpec defines the desired state of ControlPlane")
      .field("clusterName", string("Name of the cluster in the mesh; converted to a valid Kubernetes name."))
      .field("platform", oneOf("Kubernetes distribution.", "", "kubernetes", "openshift"))
      .field("role", oneOf("Role of this cluster in a multi-cluster mesh.", "active", "passive"))
      .field("affinity", any("Default affinity of the product's pods."))
      .field("tolerations", any("Default tolerations of the product's pods."))
      .field("log", openObject("Default log settings."))
      .field("oneEye", openObject("One Eye integration (not used)."))
      .field("certManager", component("cert-manager, installed unless already present."))
      .field("clusterRegistry", component("Cluster registry for multi-cluster meshes."))
      .field("nodeExporter", component("Prometheus node exporter DaemonSet.")
          .field("psp", object("").field("enabled", bool("")))
          .field("rbac", object("").field("enabled", bool(""))))
      .field("registryAccess", component("Image pull secret distribution.")
          .field("imagePullSecretsController", openObject(""))
          .field("pullSecrets", array("", namespacedRef("A pull secret."))))
      .field("repositoryOverride", object("Registry host and path prefix for every image.")
          .field("host", string("")).field("prefix", string("")))
      .field("meshManager", component("Istio lifecycle (Istio operator part).")
          .field("istio", object("Istio control plane managed for this ControlPlane.")
              .field("enabled", bool(""))
              .field("istioCRRef", namespacedRef("The IstioControlPlane (default cp-v115x in istio-system)."))
              .field("istioCROverrides", string("YAML merged into the IstioControlPlane spec."))
              .field("operators", object("").field("namespace", string("")))
              .field("proxy", openObject("Sidecar proxy settings (resources).")))
          .field("operators", object("").field("namespace", string(""))))
      .field("smm", component("The Service Mesh Manager application and its parts.")
          .field("releaseName", string(""))
          .field("role", oneOf("", "active", "passive"))
          .field("useIstioResources", bool("Expose the product's own services through Istio resources."))
          .field("highAvailability", object("").field("enabled", bool("")))
          .field("als", component("Access log service receiving Envoy access logs (traffic tap)."))
          .field("application", component("The backend (GraphQL API)."))
          .field("web", component("The dashboard."))
          .field("auth", object("Dashboard and API authentication.")
              .field("mode", oneOf("", "impersonation", "anonymous"))
              .field("oidc", object("Login through an external OIDC provider; the fields mirror kube-apiserver's --oidc-* flags.")
                  .field("enabled", bool(""))
                  .field("client", object("")
                      .field("id", string("--oidc-client-id: the client ID tokens must be issued for."))
                      .field("issuerURL", string("--oidc-issuer-url: the provider, below .well-known/openid-configuration."))
                      .field("secret", string("The client secret shared with the provider.")))
                  .field("username", object("")
                      .field("claim", string("--oidc-username-claim (default sub)."))
                      .field("prefix", string("--oidc-username-prefix; \"-\" for none.")))
                  .field("groups", object("")
                      .field("claim", string("--oidc-groups-claim."))
                      .field("prefix", string("--oidc-groups-prefix.")))
                  .field("requiredClaims", openObject("--oidc-required-claim: claim -> value the ID token must carry."))))
          .field("certManager", object("").field("enabled", bool("")))
          .field("federationGateway", component("").field("name", string("")))
          .field("federationGatewayOperator", component(""))
          .field("impersonation", object("").field("enabled", bool("")))
          .field("istio", object("").field("revision", string("The Istio revision the product's own pods use.")))
          .field("leo", component("Log-based alerting (not used)."))
          .field("health", component("Health and outlier detection."))
          .field("sre", component("SLO controller and API."))
          .field("grafana", component("Grafana."))
          .field("tracing", component("Tracing (Jaeger)."))
          .field("kubestatemetrics", component("kube-state-metrics."))
          .field("vmIntegration", component("VM integration."))
          .field("prometheus", component("The product's Prometheus.")
              .field("retentionTime", string(""))
              .field("storage", openObject(""))
              .field("alertmanager", openObject("")))
          .field("prometheusOperator", openObject("Prometheus operator settings."))
          .field("exposeDashboard", openObject("Expose the dashboard through a mesh gateway.")));

  public static final ObjectSchema STATUS = openObject("ControlPlaneStatus: overall and per-component state.");

  public static final ObjectSchema RESOURCE = object("ControlPlane is the Schema for the controlplanes API")
      .field("apiVersion", string("")).field("kind", string("")).field("metadata", openObject(""))
      .field("spec", SPEC).field("status", STATUS);

  public static Schema spec() {
    return SPEC;
  }
}

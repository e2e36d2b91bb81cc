package io.smm.api.controlplane;

import static io.smm.api.schema.Schema.any;
import static io.smm.api.schema.Schema.array;
import static io.smm.api.schema.Schema.bool;
import static io.smm.api.schema.Schema.count;
import static io.smm.api.schema.Schema.integer;
import static io.smm.api.schema.Schema.object;
import static io.smm.api.schema.Schema.oneOf;
import static io.smm.api.schema.Schema.openObject;
import static io.smm.api.schema.Schema.pattern;
import static io.smm.api.schema.Schema.port;
import static io.smm.api.schema.Schema.string;
import static io.smm.api.schema.Schema.stringMap;

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
    return podSettings(object(description))
        .field("enabled", bool("Whether the component is installed; disabling it removes its resources."))
        .field("namespace", string("Namespace of the component's resources."))
        .field("replicas", count("Number of replicas."))
        .field("image", openObject("Image settings (repository, tag, pullPolicy)."))
        .field("log", openObject("Log settings."))
        .field("api", podSettings(object("Settings of the component's API part.")))
        .field("controller", podSettings(object("Settings of the component's controller part.")))
        .field("alertExporter", podSettings(object("Settings of the component's alert exporter part.")))
        .field("service", openObject("Service settings."));
  }

  /** Prometheus' duration syntax (1h30m, 15s, 8h, 15d), which its flags and configuration accept. */
  static final String PROMETHEUS_DURATION = "^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$";

  /** Where a component's pods may run and what they may use: {@link PodSettings} checks the Kubernetes values inside. */
  static ObjectSchema podSettings(ObjectSchema o) {
    return o.field("resources", any("Kubernetes resource requirements (requests, limits) of the component's container."))
        .field("affinity", any("Kubernetes affinity of the component's pods (default: spec.affinity)."))
        .field("tolerations", any("Kubernetes tolerations of the component's pods (default: spec.tolerations)."))
        .field("nodeSelector", any("Kubernetes node selector of the component's pods."));
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
              .field("pilot", podSettings(object("istiod's Deployment settings, set on the IstioControlPlane's istiod.deployment"
                  + " (they win over istioCROverrides; seed 2.10.1.4).")
                  .field("replicas", object("istiod's replicas; with min < max a HorizontalPodAutoscaler scales between them.")
                      .field("count", count("")).field("min", count("")).field("max", count("")))))
              .field("proxy", object("Sidecar proxy settings, set on the IstioControlPlane's proxy (seed 2.10.1.3).")
                  .field("resources", any("Kubernetes resource requirements of every istio-proxy container."))))
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
              .field("forceUnsecureCookies", bool("Allow session cookies over plain HTTP (seed 2.3.6); the dashboard keeps its"
                  + " session in the Authorization header, not in a cookie, so there is nothing to relax."))
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
          .field("sdm", component("Streaming Data Manager (Kafka); not part of this release."))
          .field("prometheus", component("The product's Prometheus.")
              .field("retentionTime", pattern("How long samples are kept (--storage.tsdb.retention.time), e.g. 8h or 15d.",
                  PROMETHEUS_DURATION))
              .field("storage", object("Persistent storage for the samples (seed 2.10.2.1); without it they live as long as the pod.")
                  .field("spec", openObject("A PersistentVolumeClaim spec: storageClassName, accessModes, resources.requests.storage.")))
              .field("scraping", object("").field("frequency", object("How often targets are scraped (seed 2.10.1.6).")
                  .field("interval", pattern("Scrape interval, e.g. 15s.", PROMETHEUS_DURATION))
                  .field("timeout", pattern("Scrape timeout, at most the interval.", PROMETHEUS_DURATION))))
              .field("alertmanager", object("Where Prometheus sends alerts (seed 2.10.2.3).")
                  .field("static", array("Alertmanagers by address.", object("")
                      .field("host", string("Host name or address.")).field("port", port("Port (9093).")).require("host", "port"))))
              .field("remoteWrite", array("Prometheus remote_write targets.", object("")
                  .field("url", string("Receiver URL.")).field("name", string("")).require("url")))
              .field("thanos", openObject("Thanos (the high-availability mode); not supported yet.")))
          .field("prometheusOperator", openObject("Prometheus operator settings."))
          .field("exposeDashboard", object("Expose the dashboard on a public URL through a mesh gateway (seed 2.5.10.1).")
              .field("meshGateway", object("")
                  .field("enabled", bool("Create the smm-ingressgateway-external IstioMeshGateway and route it to the dashboard."))
                  .field("service", object("The gateway's Service.")
                      .field("type", oneOf("LoadBalancer (default) or NodePort.", "LoadBalancer", "NodePort", "ClusterIP"))
                      .field("annotations", stringMap("Annotations of the Service (external-dns, cloud load balancer settings)."))
                      .field("nodePorts", object("Node ports with type NodePort.")
                          .field("http", port("Node port of HTTP (80).")).field("https", port("Node port of HTTPS (443)."))))
                  .field("tls", object("TLS of the exposed dashboard.")
                      .field("enabled", bool("Serve HTTPS on port 443."))
                      .field("externalTermination", bool("A load balancer in front terminates TLS: port 443 serves plain HTTP."))
                      .field("credentialName", string("A TLS Secret in the gateway's namespace, instead of Let's Encrypt."))
                      .field("letsEncrypt", object("Obtain the certificate from Let's Encrypt (seed 2.8.5).")
                          .field("enabled", bool(""))
                          .field("dnsNames", array("The dashboard's host names.", string("")))
                          .field("email", string("ACME account contact."))
                          .field("server", string("ACME directory URL (default: Let's Encrypt production).")))))));

  public static final ObjectSchema STATUS = openObject("ControlPlaneStatus: overall and per-component state.");

  public static final ObjectSchema RESOURCE = object("ControlPlane is the Schema for the controlplanes API")
      .field("apiVersion", string("")).field("kind", string("")).field("metadata", openObject(""))
      .field("spec", SPEC).field("status", STATUS);

  public static Schema spec() {
    return SPEC;
  }
}

package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The product's components in installation order (seed 2.1.2: the reconcile flow). */
public final class Components {

  private Components() {}

  /**
   * The backend's resources unless the ControlPlane sets smm.application's: a topology of 5 000
   * workloads holds up to 1 GiB of heap per evaluation beside 0.7 GiB of the rest
   * (scripts/bench-topology); the image gives the heap 75 % of the limit, 3 GiB of 4 GiB, room for
   * two evaluations at that size (the backend runs as many as its heap holds).
   */
  private static ResourceRequirements backendResources() {
    return new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("250m")).addToRequests("memory", new Quantity("1Gi"))
        .addToLimits("memory", new Quantity("4Gi")).build();
  }

  static List<String> prometheusArgs(ControlPlaneConfig c) {
    List<String> args = new ArrayList<>(List.of("--config.file=/etc/prometheus/" + PrometheusConfig.FILE,
        "--storage.tsdb.path=" + PrometheusComponent.DATA_PATH, "--web.route-prefix=" + PrometheusConfig.ROUTE_PREFIX,
        "--web.external-url=http://localhost:9090" + PrometheusConfig.ROUTE_PREFIX));
    String retention = c.text("smm.prometheus.retentionTime", "");
    if (!retention.isEmpty()) {
      args.add("--storage.tsdb.retention.time=" + retention);
    }
    return args;
  }

  public static List<Component> all() {
    Map<String, String> scraped = Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "50500", "prometheus.io/path", "/metrics");
    // `smm operator` (leader-elected; every replica and role shares one Lease in the operator namespace).
    Workload operator = new Workload(Workload.smmImage(),
        c -> List.of("operator", "--lease-namespace", c.text("meshManager.namespace", c.smmNamespace())), List.of(), null, Map.of());
    List<Component> parts = List.of(
        new CrdsComponent(),
        // Only cert-manager's controller; its webhook, cainjector, CRDs and RBAC are not installed yet (install cert-manager itself).
        new ServiceComponent("cert-manager", "certManager", "cert-manager", "cert-manager",
            new Workload(Workload.upstream("quay.io/jetstack/cert-manager-controller:v1.11.0"), Workload.fixedArgs(),
                List.of(new Workload.Port("metrics", 9402)), null, Map.of()), Map.of()),
        // The Istio operator part of this product runs in `smm operator`.
        new ServiceComponent("istio-operator", "meshManager", null, "istio-operator-v115x", operator, Map.of(), ProductRbac.OPERATOR),
        new IstioControlPlaneComponent(),
        new GatewaysComponent(),
        new DashboardExposureComponent(),
        new PrometheusComponent(new ServiceComponent("prometheus", "smm.prometheus", null, "smm-prometheus",
            new Workload(Workload.upstream("prom/prometheus:v2.39.1"), Components::prometheusArgs,
                List.of(new Workload.Port("http-web", 9090, 59090)),
                new Workload.Probe(9090, PrometheusConfig.ROUTE_PREFIX + "/-/ready", PrometheusConfig.ROUTE_PREFIX + "/-/healthy"), Map.of(),
                "/etc/prometheus"), Map.of(), ProductRbac.PROMETHEUS.and(PrometheusConfig.CONFIG_MAP)
                .and(PrometheusConfig.MESH_RULES))),
        // kube-state-metrics, as the seed's smm-kubestatemetrics (ports 42422 and 15014).
        new ServiceComponent("kubestatemetrics", "smm.kubestatemetrics", null, "smm-kubestatemetrics",
            new Workload(Workload.upstream("registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.6.0"),
                Workload.fixedArgs("--port=42422", "--telemetry-port=15014"),
                List.of(new Workload.Port("http-monitoring", 42422), new Workload.Port("http-telemetry", 15014)),
                new Workload.Probe(42422, "/", "/healthz"), Map.of()),
            Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "42422"), ProductRbac.KUBE_STATE_METRICS),
        new NodeExporterComponent(),
        // Grafana with the product's dashboards provisioned (GrafanaDashboards), served under /grafana.
        new ServiceComponent("grafana", "smm.grafana", null, "smm-grafana",
            new Workload(Workload.upstream("grafana/grafana:7.5.11"), Workload.fixedArgs(), List.of(new Workload.Port("http", 3000)),
                new Workload.Probe(3000, "/grafana/api/health", "/grafana/api/health"), GrafanaDashboards.env(), GrafanaDashboards.PROVISIONING)
                .withConfigLayout(GrafanaDashboards.layout()), Map.of(), GrafanaDashboards.CONFIG),
        new ServiceComponent("tracing", "smm.tracing", null, ZipkinCollectorComponent.TRACING_APP,
            new Workload(Workload.upstream("jaegertracing/all-in-one:1.28.0"), Workload.fixedArgs(),
                List.of(new Workload.Port("http-query", 16686), new Workload.Port("http-zipkin", 9411), new Workload.Port("http-admin", 14269)),
                // The UI and query API under /jaeger: the backend proxies the UI at that path on its tools port.
                new Workload.Probe(14269, "/", "/"), Map.of("COLLECTOR_ZIPKIN_HOST_PORT", ":9411", "QUERY_BASE_PATH", "/jaeger")), Map.of()),
        new ZipkinCollectorComponent(),
        // The backend: GraphQL API and dashboard on 50500, the access log service the sidecars stream to on 50600, and
        // Grafana's and the tracing UI proxied on 50501 (an origin apart from the dashboard's).
        new ServiceComponent("smm", "smm", null, "smm",
            new Workload(Workload.smmImage(), Workload.fixedArgs("server", "--address", "0.0.0.0", "--port", "50500", "--als-port", "50600"),
                List.of(new Workload.Port("http", 50500), new Workload.Port("grpc-als", 50600), new Workload.Port("http-tools", 50501)),
                new Workload.Probe(50500, "/readyz", "/healthz"), Map.of()).withResources(backendResources()), scraped, ProductRbac.SERVER)
            // It serves the application, health and SLO APIs (the seed's smm, smm-health-api, smm-sre-api pods).
            .podSettingsFrom("smm.application", "smm.health.api", "smm.sre.api")
            // With a sidecar, as the seed's 2/2 smm-als pod: it terminates the sidecars' mTLS on the ALS
            // port and tells the receiver who called (AccessLogServiceComponent's policies).
            .inMesh(),
        new AccessLogServiceComponent(),
        new SreComponent(new ServiceComponent("sre", "smm.sre", null, "smm-sre-controller", operator, Map.of(), ProductRbac.OPERATOR)
            .podSettingsFrom("smm.sre.controller", "smm.sre")),
        // The cluster registry controller of this product (io.smm.operator.clusterregistry), where Calisti runs Cisco's image.
        new ServiceComponent("cluster-registry", "clusterRegistry", "cluster-registry", "cluster-registry-controller",
            new Workload(Workload.smmImage(), c -> List.of("cluster-registry-controller",
                "--namespace", c.text("clusterRegistry.namespace", "cluster-registry"), "--cluster-name", c.clusterName()),
                List.of(), null, Map.of()), Map.of(), ProductRbac.CLUSTER_REGISTRY));
    List<Component> ordered = new ArrayList<>();
    ordered.add(parts.get(0));
    ordered.add(new NamespacesComponent(parts));
    ordered.add(new RegistryAccessComponent(parts));
    ordered.addAll(parts.subList(1, parts.size()));
    return ordered;
  }
}

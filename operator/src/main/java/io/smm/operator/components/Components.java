package io.smm.operator.components;

import io.smm.operator.components.Workloads.Port;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The product's components in installation order (seed 2.1.2: the reconcile flow). */
public final class Components {

  private Components() {}

  public static List<Component> all() {
    Map<String, String> scraped = Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "50500", "prometheus.io/path", "/metrics");
    List<Component> parts = List.of(
        new CrdsComponent(),
        new ServiceComponent("cert-manager", "certManager", "cert-manager", "cert-manager", "cert-manager-controller",
            List.of(new Port("metrics", 9402)), Map.of()),
        new ServiceComponent("istio-operator", "meshManager", null, "istio-operator-v115x", "istio-operator",
            List.of(new Port("http", 8080)), Map.of()),
        new IstioControlPlaneComponent(),
        new GatewaysComponent(),
        new ServiceComponent("prometheus", "smm.prometheus", null, "smm-prometheus", "prometheus",
            List.of(new Port("web", 9090)), Map.of()),
        new ServiceComponent("grafana", "smm.grafana", null, "smm-grafana", "grafana", List.of(new Port("http", 3000)), Map.of()),
        new ServiceComponent("tracing", "smm.tracing", null, "smm-tracing", "jaeger",
            List.of(new Port("query", 16686), new Port("zipkin", 9411)), Map.of()),
        new ServiceComponent("smm", "smm", null, "smm", "smm", List.of(new Port("http", 50500)), scraped),
        new ServiceComponent("als", "smm.als", null, "smm-als", "smm", List.of(new Port("grpc-als", 50600)), Map.of()),
        new SreComponent(new ServiceComponent("sre", "smm.sre", null, "smm-sre-controller", "smm", List.of(new Port("http", 8080)),
            Map.of())),
        new ServiceComponent("cluster-registry", "clusterRegistry", "cluster-registry", "cluster-registry-controller",
            "cluster-registry-controller", List.of(new Port("metrics", 8080)), Map.of()));
    List<Component> ordered = new ArrayList<>();
    ordered.add(parts.get(0));
    ordered.add(new NamespacesComponent(parts));
    ordered.addAll(parts.subList(1, parts.size()));
    return ordered;
  }
}

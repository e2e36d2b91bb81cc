package io.smm.operator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.smm.api.crd.SmmCrds;
import io.smm.api.demo.DemoImage;
import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resources of a DemoApplication: its namespace (labelled for injection with the control
 * plane's revision; one the user made, e.g. by GitOps, is used and only labelled), and per enabled component a ServiceAccount, Deployment(s) and a Service;
 * disabled components are absent. A load generator (no sidecar, like traffic from outside the
 * mesh) calls frontpage at the spec's rate. With deployIstioResources, a DestinationRule and a
 * VirtualService split the movies traffic between its versions; with deploySLOResources, example
 * SLOs: frontpage's HTTP availability (99.9% over 30 days) and catalog's HTTP latency (99% under
 * 100 ms over 7 days), rendered by the SRE controller.
 */
public final class DemoResources {

  public static final String IMAGE = DemoImage.NAME;
  /** The load generator's name in the seed's tap output (bombardier-66786577f7-sgv8z). */
  public static final String LOAD_GENERATOR = "bombardier";

  private DemoResources() {}

  public static List<DesiredResource> of(String namespace, JsonNode spec, String defaultRevision) {
    boolean enabled = spec.path("enabled").asBoolean(true);
    Set<String> components = new HashSet<>();
    if (spec.path("enabledComponents").isArray() && spec.path("enabledComponents").size() > 0) {
      spec.path("enabledComponents").forEach(c -> components.add(c.asText()));
    } else {
      components.addAll(DemoComponents.NAMES);
    }
    String revision = spec.at("/istio/revision").asText(defaultRevision);
    int replicas = spec.path("replicas").asInt(1);
    List<DesiredResource> out = new ArrayList<>();
    out.add(new DesiredResource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .addToLabels("istio.io/rev", revision).endMetadata().build(), enabled, true));
    for (DemoComponents.Component component : DemoComponents.COMPONENTS) {
      boolean present = enabled && components.contains(component.name());
      out.add(new DesiredResource(new ServiceAccountBuilder().withNewMetadata().withName(component.name()).withNamespace(namespace)
          .withLabels(labels(component.name(), null)).endMetadata().build(), present));
      for (DemoComponents.Workload w : DemoComponents.WORKLOADS) {
        if (w.component().equals(component.name())) {
          out.add(new DesiredResource(deployment(namespace, component, w, replicas), present));
        }
      }
      out.add(new DesiredResource(new ServiceBuilder().withNewMetadata().withName(component.name()).withNamespace(namespace)
          .withLabels(labels(component.name(), null)).endMetadata()
          .withNewSpec().withSelector(Map.of("app", component.name()))
          .withPorts(component.ports().stream().map(p -> new ServicePortBuilder().withName(p.name()).withPort(p.number())
              .withTargetPort(new IntOrString(p.number())).build()).toList())
          .endSpec().build(), present));
    }
    boolean moviesRouting = enabled && components.contains("movies") && spec.path("deployIstioResources").asBoolean(false);
    out.addAll(MoviesRouting.of(namespace).stream().map(r -> new DesiredResource(r, moviesRouting)).toList());
    boolean slos = enabled && spec.path("deploySLOResources").asBoolean(false);
    out.add(new DesiredResource(slo(namespace, "frontpage-availability", "frontpage", "http-requests-success-rate", "99.9", "720h0m0s",
        "HTTP request success rate should be above 99.9% for a rolling period of 30 days"), slos && components.contains("frontpage")));
    out.add(new DesiredResource(slo(namespace, "catalog-latency", "catalog", "http-requests-duration", "99", "168h0m0s",
        "99% of HTTP requests to catalog should be answered within 100 ms over 7 days"), slos && components.contains("catalog")));
    JsonNode load = spec.path("load");
    boolean loadOn = enabled && components.contains("frontpage") && load.path("enabled").asBoolean(true);
    out.add(new DesiredResource(loadGenerator(namespace, load, loadOn ? 1 : 0), enabled));
    return out;
  }

  static GenericKubernetesResource slo(String namespace, String name, String service, String template,
      String goal, String period, String description) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(SmmCrds.SERVICE_LEVEL_OBJECTIVE.apiVersion()).withKind(SmmCrds.SERVICE_LEVEL_OBJECTIVE.kind())
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .addToAdditionalProperties("spec", Map.of("description", description, "selector", Map.of("name", service, "namespace", namespace),
            "sli", Map.of("templateRef", Map.of("name", template, "namespace", "smm-system")),
            "slo", Map.of("goal", goal, "rolling", Map.of("length", period))))
        .build();
  }

  /**
   * The demo traces every request (Istio samples 1 % by default): its proxies' sampling raised to
   * 100 % through Istio's per-pod proxy config, as the seed's demo shows complete traces.
   */
  static final Map<String, String> TRACE_EVERY_REQUEST = Map.of("proxy.istio.io/config", "tracing:\n  sampling: 100\n");

  static Map<String, String> labels(String app, String version) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("app", app);
    if (version != null) {
      l.put("version", version);
    }
    l.put("app.kubernetes.io/part-of", "smm-demo");
    return l;
  }

  static HasMetadata deployment(String namespace, DemoComponents.Component component, DemoComponents.Workload w, int replicas) {
    Map<String, String> labels = labels(w.component(), w.version());
    return new DeploymentBuilder().withNewMetadata().withName(w.name()).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(Map.of("app", w.component(), "version", w.version()))
        .endSelector().withNewTemplate().withNewMetadata().withLabels(labels).withAnnotations(TRACE_EVERY_REQUEST).endMetadata()
        .withNewSpec().withServiceAccountName(w.component()).addNewContainer().withName(w.component()).withImage(IMAGE)
        .withPorts(component.ports().stream().map(p -> new ContainerPortBuilder().withName(p.name()).withContainerPort(p.number())
            .build()).toList())
        .withEnv(new EnvVar("REQUESTS", w.requests(), null))
        .endContainer().endSpec().endTemplate().endSpec().build();
  }

  static HasMetadata loadGenerator(String namespace, JsonNode load, int replicas) {
    double min = load.path("minRPS").asDouble(10);
    double max = load.path("maxRPS").asDouble(Math.max(min, 30));
    double swingSeconds = load.path("swingPeriod").asDouble(1380000000000d) / 1e9;
    Map<String, String> labels = labels(LOAD_GENERATOR, null);
    return new DeploymentBuilder().withNewMetadata().withName(LOAD_GENERATOR).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(Map.of("app", LOAD_GENERATOR)).endSelector()
        // In the mesh, as in the real demo: frontpage's callers show as bombardier, not as unknown.
        .withNewTemplate().withNewMetadata().withLabels(labels).withAnnotations(TRACE_EVERY_REQUEST).endMetadata()
        .withNewSpec().addNewContainer().withName("load").withImage(IMAGE)
        .withEnv(new EnvVar("ROLE", "loadgen", null), new EnvVar("TARGET", "http://frontpage:8080/", null),
            new EnvVar("MIN_RPS", Double.toString(min), null), new EnvVar("MAX_RPS", Double.toString(max), null),
            new EnvVar("SWING_PERIOD_SECONDS", Double.toString(swingSeconds), null))
        .endContainer().endSpec().endTemplate().endSpec().build();
  }
}

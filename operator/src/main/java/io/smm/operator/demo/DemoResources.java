package io.smm.operator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.smm.operator.resources.DesiredResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resources of a DemoApplication: its namespace (labelled for injection with the control
 * plane's revision), and per enabled component a ServiceAccount, Deployment(s) and a Service;
 * disabled components are absent. A load generator (no sidecar, like traffic from outside the
 * mesh) calls frontpage at the spec's rate.
 */
public final class DemoResources {

  public static final String IMAGE = "ghcr.io/smm/smm-demo:1.0.0";
  static final int PORT = 8080;

  private DemoResources() {}

  public static List<DesiredResource> of(String namespace, JsonNode spec, String defaultRevision) {
    boolean enabled = spec.path("enabled").asBoolean(true);
    Set<String> components = new java.util.HashSet<>();
    if (spec.path("enabledComponents").isArray() && spec.path("enabledComponents").size() > 0) {
      spec.path("enabledComponents").forEach(c -> components.add(c.asText()));
    } else {
      components.addAll(DemoComponents.NAMES);
    }
    String revision = spec.at("/istio/revision").asText(defaultRevision);
    int replicas = spec.path("replicas").asInt(1);
    List<DesiredResource> out = new ArrayList<>();
    out.add(new DesiredResource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .addToLabels("istio.io/rev", revision).endMetadata().build(), enabled, false));
    for (String component : DemoComponents.NAMES) {
      boolean present = enabled && components.contains(component);
      out.add(new DesiredResource(new ServiceAccountBuilder().withNewMetadata().withName(component).withNamespace(namespace)
          .withLabels(labels(component, null)).endMetadata().build(), present));
      for (DemoComponents.Workload w : DemoComponents.WORKLOADS) {
        if (w.component().equals(component)) {
          out.add(new DesiredResource(deployment(namespace, w, replicas), present));
        }
      }
      out.add(new DesiredResource(new ServiceBuilder().withNewMetadata().withName(component).withNamespace(namespace)
          .withLabels(labels(component, null)).endMetadata()
          .withNewSpec().withSelector(Map.of("app", component))
          .addNewPort().withName("http").withPort(PORT).withTargetPort(new IntOrString(PORT)).endPort().endSpec().build(), present));
    }
    JsonNode load = spec.path("load");
    boolean loadOn = enabled && components.contains("frontpage") && load.path("enabled").asBoolean(true);
    out.add(new DesiredResource(loadGenerator(namespace, load, loadOn ? 1 : 0), enabled));
    return out;
  }

  static Map<String, String> labels(String app, String version) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("app", app);
    if (version != null) {
      l.put("version", version);
    }
    l.put("app.kubernetes.io/part-of", "smm-demo");
    return l;
  }

  static HasMetadata deployment(String namespace, DemoComponents.Workload w, int replicas) {
    Map<String, String> labels = labels(w.component(), w.version());
    return new DeploymentBuilder().withNewMetadata().withName(w.name()).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(Map.of("app", w.component(), "version", w.version()))
        .endSelector().withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().withServiceAccountName(w.component()).addNewContainer().withName(w.component()).withImage(IMAGE)
        .addNewPort().withName("http").withContainerPort(PORT).endPort()
        .withEnv(new EnvVar("CALLS", String.join(",", w.calls()), null))
        .endContainer().endSpec().endTemplate().endSpec().build();
  }

  static HasMetadata loadGenerator(String namespace, JsonNode load, int replicas) {
    double min = load.path("minRPS").asDouble(10);
    double max = load.path("maxRPS").asDouble(Math.max(min, 30));
    double swingSeconds = load.path("swingPeriod").asDouble(1380000000000d) / 1e9;
    Map<String, String> labels = labels("smm-demo-load", null);
    return new DeploymentBuilder().withNewMetadata().withName("smm-demo-load").withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(Map.of("app", "smm-demo-load")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).addToAnnotations("sidecar.istio.io/inject", "false").endMetadata()
        .withNewSpec().addNewContainer().withName("load").withImage(IMAGE)
        .withEnv(new EnvVar("ROLE", "loadgen", null), new EnvVar("TARGET", "frontpage", null),
            new EnvVar("MIN_RPS", Double.toString(min), null), new EnvVar("MAX_RPS", Double.toString(max), null),
            new EnvVar("SWING_PERIOD_SECONDS", Double.toString(swingSeconds), null))
        .endContainer().endSpec().endTemplate().endSpec().build();
  }
}

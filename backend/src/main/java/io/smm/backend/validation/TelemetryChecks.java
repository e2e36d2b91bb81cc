package io.smm.backend.validation;

import io.smm.api.selector.LabelSelectors;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Telemetry API checks (Istio's telemetry analyzers): selectors, overlaps, providers. */
final class TelemetryChecks {

  private TelemetryChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("telemetry/selector/no-pods", IstioMessage.REFERENCED_RESOURCE_NOT_FOUND,
            "The selector matches no pod in the namespace.", TelemetryChecks::selectorWithoutPods),
        new Check("telemetry/selector/conflict", IstioMessage.CONFLICTING_TELEMETRY_WORKLOAD_SELECTORS,
            "Several Telemetries select the same pod; which one applies is undefined.", TelemetryChecks::selectorConflict),
        new Check("telemetry/namespace/multiple-defaults", IstioMessage.MULTIPLE_TELEMETRIES_WITHOUT_WORKLOAD_SELECTORS,
            "Several Telemetries without selector in one namespace; which one applies is undefined.", TelemetryChecks::multipleDefaults),
        new Check("telemetry/access-logging/no-provider", IstioMessage.INVALID_TELEMETRY_PROVIDER,
            "Access logging without providers, and the mesh has no default access log provider: the setting is ignored.",
            TelemetryChecks::noProvider),
        new Check("telemetry/tracing/lightstep", IstioMessage.DEPRECATED,
            "Tracing uses a Lightstep extension provider, which Istio deprecated for OpenTelemetry.", TelemetryChecks::lightstep));
  }

  private static Map<String, String> selector(KubeObject telemetry) {
    return KubeObject.strings(telemetry.spec().path("selector").path("matchLabels"));
  }

  private static void selectorWithoutPods(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject t : mesh.all("Telemetry")) {
      if (!selector(t).isEmpty() && mesh.podsMatching(t.namespace(), selector(t)).isEmpty()) {
        String selector = LabelSelectors.text(selector(t));
        report.problem(t, "spec.selector.matchLabels", "Referenced selector not found: \"" + selector + "\"", Map.of("selector", selector));
      }
    }
  }

  private static void selectorConflict(MeshConfig mesh, Check.Reporter report) {
    mesh.policiesByPod(mesh.all("Telemetry"), TelemetryChecks::selector).forEach((pod, telemetries) -> {
      if (telemetries.size() > 1) {
        List<String> names = telemetries.stream().map(KubeObject::name).sorted().toList();
        for (KubeObject t : telemetries) {
          report.problem(t, "spec.selector", "The Telemetries " + names + " in namespace \"" + pod.namespace() + "\" select the same"
              + " workload pod \"" + pod.name() + "\", which can lead to undefined behavior.", Map.of("pod", pod.name()));
        }
      }
    });
  }

  private static void multipleDefaults(MeshConfig mesh, Check.Reporter report) {
    Map<String, List<KubeObject>> byNamespace = new LinkedHashMap<>();
    mesh.all("Telemetry").stream().filter(t -> !t.spec().has("selector"))
        .forEach(t -> byNamespace.computeIfAbsent(t.namespace(), k -> new ArrayList<>()).add(t));
    byNamespace.forEach((ns, telemetries) -> {
      if (telemetries.size() > 1) {
        List<String> names = telemetries.stream().map(KubeObject::name).sorted().toList();
        for (KubeObject t : telemetries) {
          report.problem(t, "spec", "The Telemetries " + names + " in namespace \"" + ns + "\" have no workload selector, which can lead to"
              + " undefined behavior.", Map.of("namespace", ns));
        }
      }
    });
  }

  private static void noProvider(MeshConfig mesh, Check.Reporter report) {
    if (!mesh.settings().path("defaultProviders").path("accessLogging").isEmpty()) {
      return;
    }
    for (KubeObject t : mesh.all("Telemetry")) {
      JsonNode logging = t.spec().path("accessLogging");
      for (int i = 0; i < logging.size(); i++) {
        if (!logging.get(i).path("disabled").asBoolean(false) && logging.get(i).path("providers").isEmpty()) {
          report.problem(t, "spec.accessLogging[" + i + "]", "The Telemetry " + t.name() + " in namespace \"" + t.namespace() + "\" with"
              + " empty providers will be ignored.");
          break; // istioctl shows the same message once per resource
        }
      }
    }
  }

  private static void lightstep(MeshConfig mesh, Check.Reporter report) {
    Set<String> lightstep = new HashSet<>();
    for (JsonNode p : mesh.settings().path("extensionProviders")) {
      if (p.has("lightstep")) {
        lightstep.add(p.path("name").asText());
      }
    }
    if (lightstep.isEmpty()) {
      return;
    }
    for (KubeObject t : mesh.all("Telemetry")) {
      JsonNode tracing = t.spec().path("tracing");
      for (int i = 0; i < tracing.size(); i++) {
        for (JsonNode p : tracing.get(i).path("providers")) {
          if (lightstep.contains(p.path("name").asText())) {
            report.problem(t, "spec.tracing[" + i + "].providers", "Deprecated: The Lightstep provider " + p.path("name").asText()
                + " is deprecated, please migrate to OpenTelemetry provider.", Map.of("provider", p.path("name").asText()));
          }
        }
      }
    }
  }
}

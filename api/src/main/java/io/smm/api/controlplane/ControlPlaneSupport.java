package io.smm.api.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.smm.api.schema.SchemaValidator.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What this release does with the ControlPlane settings it has no part for. The manual's own
 * examples set some of them (the federation gateway, leo, the prometheus-operator): those are
 * accepted with a note that says what happens instead, shown by the CLI and kept in the
 * ControlPlane's status.warnings, so that nothing is silently ignored. Settings that would change
 * what a user gets and that no example needs (high availability, Thanos, Streaming Data Manager)
 * are refused with "not supported yet" before anything is written.
 */
public final class ControlPlaneSupport {

  /** A setting at {@code path} (a JSON pointer under spec) that {@code applies} to the value found there. */
  record Rule(String path, Predicate<JsonNode> applies, String message) {
    boolean matches(JsonNode spec) {
      JsonNode value = spec.at(path);
      return !value.isMissingNode() && !value.isNull() && applies.test(value);
    }

    String fieldPath() {
      return ".spec" + path.replace('/', '.');
    }
  }

  private static final Predicate<JsonNode> TRUE = JsonNode::asBoolean;
  private static final Predicate<JsonNode> NOT_EMPTY = v -> !v.isObject() || v.size() > 0;

  private static final List<Rule> REFUSED = List.of(
      new Rule("/smm/highAvailability/enabled", TRUE, "not supported yet: this release runs one Prometheus (no Thanos query"
          + " in front of replicas); give it persistent storage (smm.prometheus.storage) instead"),
      new Rule("/smm/prometheus/thanos", NOT_EMPTY, "not supported yet: Thanos is only part of the high-availability mode,"
          + " which this release does not have"),
      new Rule("/smm/prometheus/replicas", v -> v.asInt(1) > 1, "not supported yet: more than one Prometheus needs the"
          + " high-availability mode (Thanos) to deduplicate their samples"),
      new Rule("/smm/sdm/enabled", TRUE, "not supported yet: Streaming Data Manager is not part of this release"),
      new Rule("/smm/vmIntegration/enabled", TRUE, "not supported yet: virtual machines cannot join the mesh in this release"));

  private static final List<Rule> NOTED = List.of(
      new Rule("/smm/federationGateway/enabled", TRUE, "the smm backend serves the whole API itself; no separate"
          + " federation gateway is installed"),
      new Rule("/smm/federationGatewayOperator/enabled", TRUE, "the smm backend serves the whole API itself; no federation"
          + " gateway operator is installed"),
      new Rule("/smm/leo/enabled", TRUE, "not supported yet: log-based alerting (leo) is not installed; SLO burn-rate alerts"
          + " (smm.sre) work without it"),
      new Rule("/smm/prometheusOperator", NOT_EMPTY, "no prometheus-operator is installed: the product writes its"
          + " Prometheus' configuration itself"),
      new Rule("/smm/auth/forceUnsecureCookies", TRUE, "the dashboard keeps its session in the Authorization header, not in"
          + " a cookie; there is nothing to relax"),
      new Rule("/nodeExporter/psp/enabled", TRUE, "PodSecurityPolicy was removed in Kubernetes 1.25; no policy is created"),
      new Rule("/oneEye", NOT_EMPTY, "One Eye (logging) is not part of this release"));

  private ControlPlaneSupport() {}

  /** The settings this release refuses, with their field paths. */
  public static List<Violation> refused(JsonNode spec) {
    List<Violation> out = new ArrayList<>();
    REFUSED.stream().filter(r -> r.matches(spec)).forEach(r -> out.add(new Violation(r.fieldPath(), r.message())));
    return out;
  }

  /** The accepted settings that have nothing to act on, each as "field: what happens instead". */
  public static List<String> notes(JsonNode spec) {
    if (spec == null) {
      return List.of();
    }
    return NOTED.stream().filter(r -> r.matches(spec)).map(r -> r.fieldPath() + ": " + r.message()).toList();
  }
}

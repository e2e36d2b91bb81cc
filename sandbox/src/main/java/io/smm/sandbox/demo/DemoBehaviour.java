package io.smm.sandbox.demo;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a demo container does, from its environment (the knobs the demo image reads on a cluster):
 * CALLS (services it calls per request, comma-separated), ERROR_RATE (0..1, share of requests
 * answered 500), LATENCY_MS (added per request); a load generator has ROLE=loadgen, TARGET,
 * MIN_RPS, MAX_RPS and SWING_PERIOD_SECONDS.
 */
public record DemoBehaviour(String role, List<String> calls, double errorRate, int latencyMs, String target, double minRps,
    double maxRps, double swingPeriodSeconds) {

  public static final String IMAGE = "smm-demo";

  public static boolean isDemo(Pod pod) {
    return app(pod) != null;
  }

  static Container app(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getImage() != null && c.getImage().contains(IMAGE))
        .findFirst().orElse(null);
  }

  public static DemoBehaviour of(Pod pod) {
    Map<String, String> env = new HashMap<>();
    Container c = app(pod);
    if (c != null && c.getEnv() != null) {
      for (EnvVar e : c.getEnv()) {
        if (e.getValue() != null) {
          env.put(e.getName(), e.getValue());
        }
      }
    }
    String calls = env.getOrDefault("CALLS", "");
    return new DemoBehaviour(env.getOrDefault("ROLE", "service"),
        calls.isBlank() ? List.of() : Arrays.stream(calls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        number(env, "ERROR_RATE", 0), (int) number(env, "LATENCY_MS", 2), env.getOrDefault("TARGET", "frontpage"),
        number(env, "MIN_RPS", 10), number(env, "MAX_RPS", 10), number(env, "SWING_PERIOD_SECONDS", 0));
  }

  private static double number(Map<String, String> env, String name, double fallback) {
    try {
      return env.containsKey(name) ? Double.parseDouble(env.get(name)) : fallback;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** Requests per second at time t: sinusoidal between min and max over the swing period. */
  public double rpsAt(double seconds) {
    if (swingPeriodSeconds <= 0 || maxRps <= minRps) {
      return maxRps;
    }
    double phase = Math.sin(2 * Math.PI * seconds / swingPeriodSeconds);
    return minRps + (maxRps - minRps) * (phase + 1) / 2;
  }
}

package io.smm.sandbox.demo;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.smm.sandbox.envoy.Call;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a demo container does, from its environment (the knobs the demo image reads on a cluster,
 * after allspark's): REQUESTS (space-separated {@code URL#count} called per inbound request,
 * http://, grpc:// or tcp://), HEADERS (name=value pairs sent with every call, e.g. end-user=jason), ERROR_RATE (0..1, share of requests answered with an error: HTTP 500,
 * gRPC INTERNAL), LATENCY_MS (added per request); a load generator has ROLE=loadgen, TARGET (a URL),
 * METHOD (of HTTP targets, GET by default), MIN_RPS, MAX_RPS, SWING_PERIOD_SECONDS and DURATION_SECONDS
 * (0 = forever; then it stops sending, as the dashboard's "generate load" pods do). A value that cannot be used is an error naming the
 * variable and what it accepts: the container does not start, as a real one would crash.
 */
public record DemoBehaviour(String role, List<Call> requests, List<String> ignored, Map<String, String> headers, double errorRate,
    int latencyMs, Call target, double minRps, double maxRps, double swingPeriodSeconds, String method, double durationSeconds) {

  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  public static final String IMAGE = "smm-demo";

  public static boolean isDemo(Pod pod) {
    return app(pod) != null;
  }

  static Container app(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(DemoBehaviour::isDemoContainer).findFirst().orElse(null);
  }

  static boolean isDemoContainer(Container c) {
    return c.getImage() != null && c.getImage().contains(IMAGE);
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
    return of(env);
  }

  /** @throws IllegalArgumentException naming the first variable whose value cannot be used */
  public static DemoBehaviour of(Map<String, String> env) {
    String role = env.getOrDefault("ROLE", "service");
    if (!role.equals("service") && !role.equals("loadgen")) {
      throw new IllegalArgumentException("invalid ROLE \"" + role + "\"; valid: service, loadgen");
    }
    List<Call> requests = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String token : env.getOrDefault("REQUESTS", "").trim().split("\\s+")) {
      if (token.isEmpty()) {
        continue;
      }
      if (token.startsWith("kafka-")) {
        ignored.add(token); // Kafka clients are Streaming Data Manager's; the sandbox does not simulate them
        continue;
      }
      try {
        requests.add(Call.parse(token));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid REQUESTS entry " + e.getMessage());
      }
    }
    Map<String, String> headers = new HashMap<>();
    for (String pair : env.getOrDefault("HEADERS", "").split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("invalid HEADERS entry \"" + pair.trim() + "\"; valid: name=value, comma-separated");
      }
      headers.put(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), pair.substring(eq + 1).trim());
    }
    double errorRate = number(env, "ERROR_RATE", 0, 0, 1, "a number between 0 and 1 (share of requests answered with an error)");
    double latency = number(env, "LATENCY_MS", 2, 0, 600_000, "whole milliseconds between 0 and 600000 added to each request");
    if (latency != Math.rint(latency)) {
      throw new IllegalArgumentException("invalid LATENCY_MS \"" + env.get("LATENCY_MS") + "\"; valid: whole milliseconds");
    }
    String targetText = env.getOrDefault("TARGET", "http://frontpage:8080/");
    Call target;
    try {
      target = Call.parse(targetText.contains("://") ? targetText : "http://" + targetText + ":8080/");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid TARGET " + e.getMessage());
    }
    double min = number(env, "MIN_RPS", 10, 0.01, 100_000, "requests per second, more than 0");
    double max = number(env, "MAX_RPS", Math.max(min, 10), 0.01, 100_000, "requests per second, more than 0");
    if (max < min) {
      throw new IllegalArgumentException("invalid MAX_RPS \"" + max + "\"; valid: at least MIN_RPS (" + min + ")");
    }
    double swing = number(env, "SWING_PERIOD_SECONDS", 0, 0, Double.MAX_VALUE, "seconds, 0 for a constant rate");
    String method = env.getOrDefault("METHOD", "GET").trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("invalid METHOD \"" + env.get("METHOD") + "\"; valid: " + new TreeSet<>(METHODS));
    }
    double duration = number(env, "DURATION_SECONDS", 0, 0, Double.MAX_VALUE, "seconds, 0 to run until stopped");
    return new DemoBehaviour(role, List.copyOf(requests), List.copyOf(ignored), Map.copyOf(headers), errorRate, (int) latency, target, min, max, swing,
        method, duration);
  }

  private static double number(Map<String, String> env, String name, double fallback, double min, double max, String valid) {
    if (!env.containsKey(name) || env.get(name).isBlank()) {
      return fallback;
    }
    double value;
    try {
      value = Double.parseDouble(env.get(name).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + name + " \"" + env.get(name) + "\"; valid: " + valid);
    }
    if (Double.isNaN(value) || value < min || value > max) {
      throw new IllegalArgumentException("invalid " + name + " \"" + env.get(name) + "\"; valid: " + valid);
    }
    return value;
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

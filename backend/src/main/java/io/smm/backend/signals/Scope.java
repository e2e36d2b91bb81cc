package io.smm.backend.signals;

import static io.smm.backend.telemetry.TelemetryQueries.eq;

import io.smm.backend.telemetry.TelemetryQueries;
import java.util.List;
import java.util.Optional;

/**
 * What golden signals are asked for: the mesh, a namespace, a service, a workload or a pod. Each
 * scope knows which Istio series are its inbound and outbound traffic, read from the reporter
 * that saw it: a service's inbound from its clients' sidecars (and its server's for callers
 * outside the mesh), a workload's, namespace's or pod's inbound from its own sidecars (the `pod`
 * and `namespace` labels are the scrape target's, as Istio's Prometheus configuration sets them)
 * and their outbound from their own sidecars as clients.
 */
public record Scope(Kind kind, String namespace, String name) {

  public enum Kind { MESH, NAMESPACE, SERVICE, WORKLOAD, POD }

  public Scope {
    if (kind != Kind.MESH && (namespace == null || namespace.isBlank())) {
      throw new IllegalArgumentException("golden signals of a " + kind.name().toLowerCase() + " need its namespace");
    }
    if ((kind == Kind.SERVICE || kind == Kind.WORKLOAD || kind == Kind.POD) && (name == null || name.isBlank())) {
      throw new IllegalArgumentException("golden signals of a " + kind.name().toLowerCase() + " need its name");
    }
  }

  List<String> inbound() {
    return switch (kind) {
      case MESH -> List.of("reporter=\"source\"", "reporter=\"destination\",source_workload=\"unknown\"");
      case NAMESPACE -> List.of("reporter=\"destination\"," + eq("destination_workload_namespace", namespace));
      case SERVICE -> {
        String service = eq("destination_service_namespace", namespace) + "," + eq("destination_service_name", name);
        yield List.of("reporter=\"source\"," + service, "reporter=\"destination\",source_workload=\"unknown\"," + service);
      }
      case WORKLOAD -> List.of("reporter=\"destination\"," + eq("destination_workload_namespace", namespace) + ","
          + eq("destination_workload", name));
      case POD -> List.of("reporter=\"destination\"," + eq("namespace", namespace) + "," + eq("pod", name));
    };
  }

  /** Empty for the mesh and a service: their traffic out is someone else's inbound. */
  List<String> outbound() {
    return switch (kind) {
      case MESH, SERVICE -> List.of();
      case NAMESPACE -> List.of("reporter=\"source\"," + eq("source_workload_namespace", namespace));
      case WORKLOAD -> List.of("reporter=\"source\"," + eq("source_workload_namespace", namespace) + "," + eq("source_workload", name));
      case POD -> List.of("reporter=\"source\"," + eq("namespace", namespace) + "," + eq("pod", name));
    };
  }

  /**
   * Which containers' CPU and memory are this scope's saturation (a cAdvisor selector, "" = all);
   * empty for a service, which has no containers of its own (see its workloads).
   */
  Optional<String> containers() {
    return switch (kind) {
      case MESH -> Optional.of("");
      case NAMESPACE -> Optional.of(eq("namespace", namespace));
      case SERVICE -> Optional.empty();
      case WORKLOAD -> Optional.of(TelemetryQueries.workloadPods(namespace, name));
      case POD -> Optional.of(eq("namespace", namespace) + "," + eq("pod", name));
    };
  }
}

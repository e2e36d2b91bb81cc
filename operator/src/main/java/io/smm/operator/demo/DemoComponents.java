package io.smm.operator.demo;

import java.util.List;

/**
 * The smm-demo application (seed 2.3.6): its components, their versions and who calls whom. In
 * this version every call is HTTP; the databases answer HTTP too.
 */
public final class DemoComponents {

  /** One Deployment of the demo: component (app label and Service), version, and the services it calls per request. */
  public record Workload(String component, String version, List<String> calls) {
    public String name() {
      return component.equals("movies") ? component + "-" + version : component;
    }
  }

  public static final List<String> NAMES = List.of("frontpage", "catalog", "bookings", "postgresql", "payments", "notifications",
      "movies", "analytics", "database", "mysql");

  static final List<Workload> WORKLOADS = List.of(
      new Workload("frontpage", "v1", List.of("catalog", "bookings")),
      new Workload("catalog", "v1", List.of("movies")),
      new Workload("bookings", "v1", List.of("analytics", "payments", "postgresql")),
      new Workload("postgresql", "v1", List.of()),
      new Workload("payments", "v1", List.of("notifications")),
      new Workload("notifications", "v1", List.of()),
      new Workload("movies", "v1", List.of("database")),
      new Workload("movies", "v2", List.of("database")),
      new Workload("movies", "v3", List.of("mysql")),
      new Workload("analytics", "v1", List.of()),
      new Workload("database", "v1", List.of()),
      new Workload("mysql", "v1", List.of()));

  private DemoComponents() {}
}

package io.smm.operator.demo;

import java.util.List;

/**
 * The smm-demo application (seed 2.3.6): its components, their versions, the ports they serve and
 * who calls whom, in the REQUESTS format of the demo image (allspark's {@code URL#count}). Services
 * talk HTTP and gRPC to each other and TCP to the databases.
 */
public final class DemoComponents {

  /** A port a component serves; its name tells Istio the protocol (http, grpc, tcp). */
  public record Port(String name, int number) {}

  public static final Port HTTP = new Port("http", 8080);
  public static final Port GRPC = new Port("grpc", 8082);

  /** A component: the app label and Service name, and the ports its Service and containers expose. */
  public record Component(String name, List<Port> ports) {}

  /** One Deployment of the demo: component, version and what it calls per inbound request. */
  public record Workload(String component, String version, String requests) {
    /** Deployments are named component-version, as in the seed (frontpage-v1, movies-v3). */
    public String name() {
      return component + "-" + version;
    }
  }

  public static final List<Component> COMPONENTS = List.of(
      new Component("frontpage", List.of(HTTP, GRPC)),
      new Component("catalog", List.of(HTTP, GRPC)),
      new Component("bookings", List.of(HTTP, GRPC)),
      new Component("postgresql", List.of(new Port("tcp-postgresql", 5432))),
      new Component("payments", List.of(HTTP, GRPC)),
      new Component("notifications", List.of(HTTP, GRPC)),
      new Component("movies", List.of(HTTP, GRPC)),
      new Component("analytics", List.of(HTTP, GRPC)),
      new Component("database", List.of(new Port("tcp-database", 5432))),
      new Component("mysql", List.of(new Port("tcp-mysql", 3306))));

  public static final List<String> NAMES = COMPONENTS.stream().map(Component::name).toList();

  static final List<Workload> WORKLOADS = List.of(
      new Workload("frontpage", "v1", "http://catalog:8080/#1 http://bookings:8080/#1"),
      new Workload("catalog", "v1", "grpc://movies:8082#1"),
      new Workload("bookings", "v1", "http://analytics:8080/#1 grpc://payments:8082#1 tcp://postgresql:5432#1"),
      new Workload("postgresql", "v1", ""),
      new Workload("payments", "v1", "http://notifications:8080/#1"),
      new Workload("notifications", "v1", ""),
      new Workload("movies", "v1", "tcp://database:5432#1"),
      new Workload("movies", "v2", "tcp://database:5432#1"),
      new Workload("movies", "v3", "tcp://mysql:3306#1"),
      new Workload("analytics", "v1", ""),
      new Workload("database", "v1", ""),
      new Workload("mysql", "v1", ""));

  private DemoComponents() {}
}

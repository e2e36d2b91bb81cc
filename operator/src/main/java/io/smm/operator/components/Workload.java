package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one of the product's Deployments runs, as a real cluster needs it: the image (an upstream
 * one, or the smm distribution's image from the ControlPlane's repositoryOverride), the command's
 * arguments, the ports (a Service port may differ from the container's), probes on endpoints the
 * process really serves, its environment, where its configuration (ConfigMap) is mounted, and the
 * resources it needs unless the ControlPlane sets the component's own (null: none).
 */
public record Workload(Function<ControlPlaneConfig, String> image, Function<ControlPlaneConfig, List<String>> args,
    List<Port> ports, Probe probe, Map<String, String> env, String configPath, ResourceRequirements resources,
    Map<String, String> configLayout) {

  public Workload(Function<ControlPlaneConfig, String> image, Function<ControlPlaneConfig, List<String>> args, List<Port> ports,
      Probe probe, Map<String, String> env, String configPath, ResourceRequirements resources) {
    this(image, args, ports, probe, env, configPath, resources, Map.of());
  }

  public Workload(Function<ControlPlaneConfig, String> image, Function<ControlPlaneConfig, List<String>> args, List<Port> ports,
      Probe probe, Map<String, String> env, String configPath) {
    this(image, args, ports, probe, env, configPath, null);
  }

  /**
   * The same with its ConfigMap's keys at these paths under {@code configPath} (a key left out is
   * not mounted), for a program that reads its configuration from several directories.
   */
  public Workload withConfigLayout(Map<String, String> keyToPath) {
    return new Workload(image, args, ports, probe, env, configPath, resources, Map.copyOf(keyToPath));
  }

  /** A workload without a configuration file: {@code configPath} is where ConfigMap {@code <app>-config} is mounted, if any. */
  public Workload(Function<ControlPlaneConfig, String> image, Function<ControlPlaneConfig, List<String>> args, List<Port> ports,
      Probe probe, Map<String, String> env) {
    this(image, args, ports, probe, env, null);
  }

  /** The same with these resources unless the ControlPlane sets the component's own (what it needs by default). */
  public Workload withResources(ResourceRequirements defaults) {
    return new Workload(image, args, ports, probe, env, configPath, defaults, configLayout);
  }

  /** A container port, published by the Service as {@code servicePort}. */
  public record Port(String name, int port, int servicePort) {
    public Port(String name, int port) {
      this(name, port, port);
    }
  }

  /** HTTP readiness and liveness probes on the container's port. */
  public record Probe(int port, String readinessPath, String livenessPath) {}

  /** An upstream image, the same whatever the ControlPlane says. */
  public static Function<ControlPlaneConfig, String> upstream(String image) {
    return config -> image;
  }

  /**
   * The smm distribution's one image (every role: server, operator), from the ControlPlane's
   * repositoryOverride host/prefix ({@code mvn -Pimage} builds it; push it where that points).
   */
  public static Function<ControlPlaneConfig, String> smmImage() {
    return config -> Workloads.Images.of(config).image("smm", Workloads.Images.productVersion());
  }

  public static Function<ControlPlaneConfig, List<String>> fixedArgs(String... args) {
    List<String> list = List.of(args);
    return config -> list;
  }
}

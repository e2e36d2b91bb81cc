package io.smm.operator.components;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.smm.operator.resources.OwnershipLabels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shape most components share: a ServiceAccount, a Deployment and a Service, labelled the way
 * Kubernetes recommends. Pod templates carry the managed-by label too, so pods are recognisably ours.
 */
public final class Workloads {


  /** Image registry settings from spec.repositoryOverride. */
  public record Images(String host, String prefix) {
    public static Images of(ControlPlaneConfig c) {
      return new Images(c.text("repositoryOverride.host", "ghcr.io"), c.text("repositoryOverride.prefix", "smm"));
    }

    public String image(String name, String tag) {
      return host + "/" + prefix + "/" + name + ":" + tag;
    }

    /** The tag of the smm image: the distribution's own version (the jar's), "latest" when run from classes. */
    public static String productVersion() {
      String v = Workloads.class.getPackage().getImplementationVersion();
      return v == null || v.isBlank() ? "latest" : v;
    }
  }

  private Workloads() {}

  public static Namespace namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  static Map<String, String> labels(String app, String component) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("app.kubernetes.io/name", app);
    l.put("app.kubernetes.io/part-of", "smm");
    l.put("app", app);
    l.put(OwnershipLabels.MANAGED_BY, OwnershipLabels.MANAGED_BY_VALUE);
    l.put(OwnershipLabels.COMPONENT, component);
    return l;
  }

  /** Gives an object the labels of the component it belongs to (for what is built beside a workload). */
  static void label(HasMetadata o, String app, String component) {
    Map<String, String> labels = new LinkedHashMap<>(labels(app, component));
    if (o.getMetadata().getLabels() != null) {
      labels.putAll(o.getMetadata().getLabels());
    }
    o.getMetadata().setLabels(labels);
  }

  /** ServiceAccount, Deployment and (when there are ports) Service named {@code app}; {@code podLabels} go on its pods only. */
  public static List<HasMetadata> service(String app, String namespace, String component, String image, List<String> args,
      int replicas, Workload workload, Map<String, String> podAnnotations, Map<String, String> podLabels, PodPlacement placement) {
    Map<String, String> labels = labels(app, component);
    Map<String, String> podTemplateLabels = new LinkedHashMap<>(labels);
    podTemplateLabels.putAll(podLabels);
    Map<String, String> selector = Map.of("app.kubernetes.io/name", app, "app", app);
    List<HasMetadata> out = new ArrayList<>();
    out.add(new ServiceAccountBuilder().withNewMetadata().withName(app).withNamespace(namespace).withLabels(labels).endMetadata().build());
    var container = new ContainerBuilder().withName(app).withImage(image).withArgs(args);
    workload.ports().forEach(p -> container.addNewPort().withName(p.name()).withContainerPort(p.port()).endPort());
    // In name order: a Map.of's order changes from one JVM to the next, and a reordered env is a change to apply.
    new TreeMap<>(workload.env()).forEach((k, v) -> container.addNewEnv().withName(k).withValue(v).endEnv());
    if (workload.resources() != null) {
      container.withResources(workload.resources()); // the ControlPlane's own, if set, replace them below
    }
    if (workload.probe() != null) {
      Workload.Probe probe = workload.probe();
      container.withNewReadinessProbe().withNewHttpGet().withPath(probe.readinessPath()).withPort(new IntOrString(probe.port())).endHttpGet()
          .withPeriodSeconds(10).endReadinessProbe()
          .withNewLivenessProbe().withNewHttpGet().withPath(probe.livenessPath()).withPort(new IntOrString(probe.port())).endHttpGet()
          .withInitialDelaySeconds(30).withPeriodSeconds(20).withFailureThreshold(6).endLivenessProbe();
    }
    List<Volume> volumes = new ArrayList<>();
    if (workload.configPath() != null) {
      container.addNewVolumeMount().withName("config").withMountPath(workload.configPath()).withReadOnly(true).endVolumeMount();
      volumes.add(new VolumeBuilder().withName("config").withNewConfigMap().withName(app + "-config")
          .withItems(workload.configLayout().entrySet().stream().sorted(Map.Entry.comparingByKey())
              .map(e -> new KeyToPath(e.getKey(), null, e.getValue())).toList())
          .endConfigMap().build());
    }
    var deployment = new DeploymentBuilder()
        .withNewMetadata().withName(app).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(selector).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(podTemplateLabels).withAnnotations(podAnnotations).endMetadata()
        .withNewSpec().withServiceAccountName(app).withContainers(container.build()).withVolumes(volumes).endSpec()
        .endTemplate().endSpec().build();
    placement.applyTo(deployment.getSpec().getTemplate().getSpec());
    out.add(deployment);
    if (!workload.ports().isEmpty()) {
      out.add(new ServiceBuilder().withNewMetadata().withName(app).withNamespace(namespace).withLabels(labels).endMetadata()
          .withNewSpec().withSelector(selector)
          .withPorts(workload.ports().stream().map(p -> new ServicePortBuilder().withName(p.name()).withPort(p.servicePort())
              .withTargetPort(new IntOrString(p.port())).build()).toList())
          .endSpec().build());
    }
    return out;
  }
}

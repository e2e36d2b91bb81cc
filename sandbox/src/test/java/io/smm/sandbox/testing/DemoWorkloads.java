package io.smm.sandbox.testing;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Demo-image workloads for sandbox tests and benchmarks: a Deployment whose container serves
 * http 8080, grpc 8082 and tcp 5432 with the given environment (REQUESTS, ERROR_RATE, ...), and a
 * Service exposing the same ports.
 */
public final class DemoWorkloads {

  public static final String IMAGE = "ghcr.io/smm/smm-demo:1.0.0";

  private DemoWorkloads() {}

  public static void namespace(KubernetesClient client, String name, boolean meshed) {
    var ns = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
    if (meshed) {
      ns.getMetadata().setLabels(Map.of("istio.io/rev", "cp-v115x.istio-system"));
    }
    client.namespaces().resource(ns).create();
  }

  public static void deployment(KubernetesClient client, String ns, String app, String version, Map<String, String> env) {
    client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName(app + "-" + version)
        .endMetadata().withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", app).addToMatchLabels("version", version)
        .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", app).addToLabels("version", version).endMetadata()
        .withNewSpec().withServiceAccountName(app).addNewContainer().withName(app).withImage(IMAGE)
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .addNewPort().withName("grpc").withContainerPort(8082).endPort()
        .addNewPort().withName("tcp-db").withContainerPort(5432).endPort()
        .withEnv(env.entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList())
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
  }

  public static void service(KubernetesClient client, String ns, String app) {
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(app).endMetadata()
        .withNewSpec().withSelector(Map.of("app", app)).withPorts(List.of(
            new ServicePortBuilder().withName("http").withPort(8080).withTargetPort(new IntOrString(8080)).build(),
            new ServicePortBuilder().withName("grpc").withPort(8082).withTargetPort(new IntOrString(8082)).build(),
            new ServicePortBuilder().withName("tcp-db").withPort(5432).withTargetPort(new IntOrString(5432)).build()))
        .endSpec().build()).create();
  }

  /** A Deployment (version v1) and its Service. */
  public static void workload(KubernetesClient client, String ns, String app, Map<String, String> env) {
    deployment(client, ns, app, "v1", env);
    service(client, ns, app);
  }

  /**
   * The smallest Deployment a real API server accepts (selector matching the pod labels, one
   * container): for tests that need a workload to exist, not to run.
   */
  public static Deployment minimalDeployment(String name, Map<String, String> podLabels) {
    return new DeploymentBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(podLabels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(podLabels).endMetadata()
        .withNewSpec().addNewContainer().withName(podLabels.getOrDefault("app", name)).withImage(name).endContainer().endSpec()
        .endTemplate().endSpec().build();
  }
}

package io.smm.operator.clusterregistry;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.api.clusterregistry.ClusterRegistry;
import io.smm.api.crd.SmmCrds;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kube.storage.ClusterStore;
import io.smm.sandbox.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sandbox clusters, each with its own API server and cluster registry controller, joined as the
 * manual's GitOps guide does (seed 2.3.3 step 14): every cluster's Cluster object and its secret
 * applied to every other cluster.
 */
final class ClusterGroup implements AutoCloseable {

  static final String NAMESPACE = "cluster-registry";
  static final Duration REFRESH = Duration.ofMillis(500);

  /** One cluster: its API server (restartable on the same port and store) and controller. */
  static final class Member {
    final String name;
    private final Path storeDir;
    EmbeddedApiServer api;
    KubernetesClient client;
    ClusterRegistryController controller;
    private int port;

    Member(String name, Path storeDir) {
      this.name = name;
      this.storeDir = storeDir;
      startApi();
      ClusterSeed.apply(client);
      for (SmmCrds.Kind kind : List.of(SmmCrds.CLUSTER, SmmCrds.CLUSTER_FEATURE, SmmCrds.RESOURCE_SYNC_RULE)) {
        client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(kind)).create();
      }
      startController();
    }

    private void startController() {
      controller = new ClusterRegistryController(client,
          new ClusterRegistryController.Settings(NAMESPACE, name, "network-" + name, api.url(), REFRESH, true));
      controller.start();
    }

    private void startApi() {
      api = EmbeddedApiServer.start(port, ClusterStore.durable(storeDir));
      port = api.port();
      client = api.newClient();
    }

    /** The cluster goes away: its API server and its controller. */
    void stop() {
      controller.close();
      client.close();
      api.close();
    }

    /** ... and comes back on the same address with the same objects. */
    void restart() {
      startApi();
      startController();
    }

    String id() {
      return controller.localClusterId();
    }

    GenericKubernetesResource cluster(String clusterName) {
      return client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").withName(clusterName).get();
    }

    Secret secret(String name) {
      return client.secrets().inNamespace(NAMESPACE).withName(name).get();
    }
  }

  final List<Member> members = new ArrayList<>();

  ClusterGroup(Path dir, String... names) throws InterruptedException {
    for (String name : names) {
      members.add(new Member(name, dir.resolve(name)));
    }
    for (Member from : members) {
      Eventually.until(() -> from.secret(from.name) != null, Duration.ofSeconds(30), from.name + " provisions its Cluster secret");
      for (Member to : members) {
        if (to != from) {
          copy(from, to);
        }
      }
    }
  }

  Member get(String name) {
    return members.stream().filter(m -> m.name.equals(name)).findFirst().orElseThrow();
  }

  /**
   * `kubectl get cluster X -o yaml | kubectl apply -f -` and the same for its secret; with three
   * clusters the third may have them already, synced from a peer that got them first.
   */
  private static void copy(Member from, Member to) {
    GenericKubernetesResource cluster = from.cluster(from.name);
    cluster.getMetadata().setUid(null);
    cluster.getMetadata().setResourceVersion(null);
    cluster.getMetadata().setCreationTimestamp(null);
    cluster.getAdditionalProperties().remove("status");
    createUnlessThere(() -> to.client.genericKubernetesResources(ClusterRegistry.API_VERSION, "Cluster").resource(cluster).create());
    Secret secret = from.secret(from.name);
    secret.getMetadata().setUid(null);
    secret.getMetadata().setResourceVersion(null);
    secret.getMetadata().setCreationTimestamp(null);
    createUnlessThere(() -> to.client.secrets().inNamespace(NAMESPACE).resource(secret).create());
  }

  private static void createUnlessThere(Runnable create) {
    try {
      create.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** Every cluster sees every cluster Ready. */
  void awaitReady() throws InterruptedException {
    for (Member m : members) {
      for (Member other : members) {
        Eventually.until(() -> {
          GenericKubernetesResource c = m.cluster(other.name);
          return c != null && "Ready".equals(status(c, "state"));
        }, Duration.ofSeconds(60), () -> m.name + " sees " + other.name + " Ready: " + (m.cluster(other.name) == null ? "no Cluster"
            : m.cluster(other.name).getAdditionalProperties().get("status")));
      }
    }
  }

  static String status(GenericKubernetesResource cluster, String field) {
    Object status = cluster.getAdditionalProperties().get("status");
    return status instanceof java.util.Map<?, ?> m && m.get(field) != null ? m.get(field).toString() : "";
  }

  @Override
  public void close() {
    for (Member m : members) {
      m.controller.close();
      m.client.close();
      m.api.close();
    }
  }
}

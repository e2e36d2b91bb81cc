package io.smm.sandbox.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.sandbox.controllers.Owners;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kubelet.PodRuntime;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import io.smm.sandbox.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxNodeTest {

  EmbeddedApiServer api;
  KubernetesClient client;
  SandboxNode kubelet;
  final List<String> runtimeEvents = new CopyOnWriteArrayList<>();

  /** A runtime that claims pods of the image "demo" and records what the kubelet asks of it. */
  final PodRuntime recording = new PodRuntime() {
    @Override
    public boolean runs(Pod pod) {
      return pod.getSpec().getContainers().stream().anyMatch(c -> c.getImage().equals("demo"));
    }

    @Override
    public void start(Pod pod) {
      runtimeEvents.add("start " + pod.getMetadata().getName());
    }

    @Override
    public void stop(Pod pod) {
      runtimeEvents.add("stop " + pod.getMetadata().getName());
    }
  };

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    ClusterSeed.apply(client);
    kubelet = new SandboxNode(client, "node-1", List.of(recording));
    kubelet.start();
  }

  @AfterEach
  void stop() {
    kubelet.close();
    client.close();
    api.close();
  }

  static Deployment deployment(String name, int replicas, String image) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).addToLabels("version", "v1").endMetadata()
        .withNewSpec().addNewContainer().withName("main").withImage(image).endContainer().endSpec().endTemplate()
        .endSpec().build();
  }

  List<Pod> runningPods(String app) {
    return client.pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).toList();
  }

  @Test
  void deploymentGetsAReplicaSetAndRunningReadyPodsWithRealisticMetadata() throws Exception {
    Deployment d = client.apps().deployments().inNamespace("default").resource(deployment("web", 3, "nginx")).create();
    Eventually.until(() -> runningPods("web").size() == 3, Duration.ofSeconds(20), "3 pods run");

    var rss = client.apps().replicaSets().inNamespace("default").list().getItems();
    assertThat(rss).hasSize(1);
    var rs = rss.get(0);
    String hash = rs.getMetadata().getLabels().get(Owners.POD_TEMPLATE_HASH);
    assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
    assertThat(rs.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(d.getMetadata().getUid());

    Set<String> ips = new HashSet<>();
    for (Pod p : runningPods("web")) {
      assertThat(p.getMetadata().getName()).matches("web-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}");
      assertThat(p.getMetadata().getLabels()).containsEntry("pod-template-hash", hash).containsEntry("version", "v1");
      assertThat(p.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("ReplicaSet");
      assertThat(p.getSpec().getNodeName()).isEqualTo("node-1");
      assertThat(p.getStatus().getPodIP()).startsWith("10.244.");
      assertThat(Owners.isReady(p)).isTrue();
      assertThat(p.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
      ips.add(p.getStatus().getPodIP());
    }
    assertThat(ips).as("pod IPs are unique").hasSize(3);
    Eventually.until(() -> {
      var st = client.apps().deployments().inNamespace("default").withName("web").get().getStatus();
      return st != null && Integer.valueOf(3).equals(st.getReadyReplicas());
    }, Duration.ofSeconds(20), "deployment status shows 3 ready replicas");
  }

  @Test
  void scalesUpAndDownAndDeletesPodsWithTheirOwner() throws Exception {
    client.apps().deployments().inNamespace("default").resource(deployment("api", 3, "nginx")).create();
    Eventually.until(() -> runningPods("api").size() == 3, Duration.ofSeconds(20), "3 pods run");
    client.apps().deployments().inNamespace("default").withName("api").scale(1);
    Eventually.until(() -> client.pods().inNamespace("default").withLabel("app", "api").list().getItems().size() == 1, Duration.ofSeconds(20), "1 pod left");
    client.apps().deployments().inNamespace("default").withName("api").scale(4);
    Eventually.until(() -> runningPods("api").size() == 4, Duration.ofSeconds(20), "4 pods run");

    client.apps().deployments().inNamespace("default").withName("api").delete();
    Eventually.until(() -> client.pods().inNamespace("default").withLabel("app", "api").list().getItems().isEmpty()
        && client.apps().replicaSets().inNamespace("default").list().getItems().isEmpty(), Duration.ofSeconds(20), "pods and replica sets are collected");
  }

  @Test
  void aPodPastItsActiveDeadlineIsStoppedAndFailsWithDeadlineExceeded() throws Exception {
    client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("short")
        .endMetadata().withNewSpec().withRestartPolicy("Never").withActiveDeadlineSeconds(1L).addNewContainer().withName("c")
        .withImage("demo").endContainer().endSpec().build()).create();
    Eventually.until(() -> runtimeEvents.contains("start short"), Duration.ofSeconds(20), "the pod starts");
    Eventually.until(() -> {
      Pod p = client.pods().inNamespace("default").withName("short").get();
      return p.getStatus() != null && "Failed".equals(p.getStatus().getPhase());
    }, Duration.ofSeconds(30), "the pod fails at its deadline");
    Pod failed = client.pods().inNamespace("default").withName("short").get();
    assertThat(failed.getStatus().getReason()).isEqualTo("DeadlineExceeded");
    Eventually.until(() -> runtimeEvents.contains("stop short"), Duration.ofSeconds(20), "its containers are stopped");
    assertThat(reasons("short")).contains("DeadlineExceeded");
    // and it stays Failed: the kubelet never starts a finished pod again
    kubelet.close();
    assertThat(runtimeEvents.stream().filter(e -> e.equals("start short")).count()).isEqualTo(1);
    assertThat(client.pods().inNamespace("default").withName("short").get().getStatus().getPhase()).isEqualTo("Failed");
  }

  @Test
  void controllersSchedulerAndKubeletRecordEventsAsKubectlDescribeShowsThem() throws Exception {
    client.apps().deployments().inNamespace("default").resource(deployment("evt", 2, "nginx")).create();
    Eventually.until(() -> runningPods("evt").size() == 2, Duration.ofSeconds(20), "2 pods run");
    Pod pod = runningPods("evt").get(0);
    String rs = pod.getMetadata().getOwnerReferences().get(0).getName();
    Eventually.until(() -> reasons(pod.getMetadata().getName()).containsAll(List.of("Scheduled", "Pulled", "Created", "Started")),
        Duration.ofSeconds(10), "the pod's events");
    var scheduled = events(pod.getMetadata().getName()).stream().filter(e -> e.getReason().equals("Scheduled")).findFirst().orElseThrow();
    assertThat(scheduled.getMessage()).isEqualTo("Successfully assigned default/" + pod.getMetadata().getName() + " to node-1");
    assertThat(scheduled.getSource().getComponent()).isEqualTo("default-scheduler");
    assertThat(scheduled.getInvolvedObject().getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(events(rs)).extracting(e -> e.getReason() + ": " + e.getMessage()).hasSize(2)
        .allMatch(m -> m.startsWith("SuccessfulCreate: Created pod: " + rs + "-"));
    assertThat(events("evt")).extracting(e -> e.getMessage()).containsExactly("Scaled up replica set " + rs + " to 2");

    client.apps().deployments().inNamespace("default").withName("evt").scale(1);
    Eventually.until(() -> events("evt").stream().anyMatch(e -> e.getMessage().equals("Scaled down replica set " + rs + " from 2 to 1")),
        Duration.ofSeconds(20), "the scale-down is recorded on the deployment");
    Eventually.until(() -> events(rs).stream().anyMatch(e -> e.getReason().equals("SuccessfulDelete")), Duration.ofSeconds(20),
        "and the pod's deletion on the replica set");
  }

  private List<Event> events(String involvedName) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(involvedName)).toList();
  }

  private List<String> reasons(String involvedName) {
    return events(involvedName).stream().map(e -> e.getReason()).toList();
  }

  @Test
  void aNewPodTemplateRollsOutANewReplicaSetAndScalesTheOldOneToZero() throws Exception {
    client.apps().deployments().inNamespace("default").resource(deployment("roll", 2, "nginx")).create();
    Eventually.until(() -> runningPods("roll").size() == 2, Duration.ofSeconds(20), "2 pods run");
    // The kubelet writes the Deployment's status concurrently; like client-go's RetryOnConflict.
    for (int attempt = 0; ; attempt++) {
      try {
        client.apps().deployments().inNamespace("default").withName("roll").edit(d -> {
          d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:2");
          return d;
        });
        break;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
    Eventually.until(() -> runningPods("roll").size() == 2
        && runningPods("roll").stream().allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("nginx:2")), Duration.ofSeconds(20), "new pods run");
    var rss = client.apps().replicaSets().inNamespace("default").list().getItems();
    assertThat(rss).hasSize(2);
    assertThat(rss).extracting(rs -> rs.getSpec().getReplicas()).containsExactlyInAnyOrder(0, 2);
  }

  @Test
  void statefulSetPodsAreNamedByOrdinal() throws Exception {
    client.apps().statefulSets().inNamespace("default").resource(new StatefulSetBuilder()
        .withNewMetadata().withName("db").endMetadata()
        .withNewSpec().withReplicas(2).withServiceName("db").withNewSelector().addToMatchLabels("app", "db").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata()
        .withNewSpec().addNewContainer().withName("db").withImage("postgres").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    Eventually.until(() -> runningPods("db").size() == 2, Duration.ofSeconds(20), "2 pods run");
    assertThat(runningPods("db")).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("db-0", "db-1");
    client.apps().statefulSets().inNamespace("default").withName("db").scale(1);
    Eventually.until(() -> client.pods().inNamespace("default").withLabel("app", "db").list().getItems().size() == 1, Duration.ofSeconds(20), "db-1 removed");
    assertThat(client.pods().inNamespace("default").withName("db-0").get()).isNotNull();
  }

  @Test
  void daemonSetRunsOnePodOnTheNode() throws Exception {
    client.apps().daemonSets().inNamespace("default").resource(new DaemonSetBuilder()
        .withNewMetadata().withName("agent").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
        .withNewSpec().addNewContainer().withName("a").withImage("agent").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    Eventually.until(() -> runningPods("agent").size() == 1, Duration.ofSeconds(20), "1 pod runs");
    kubelet.reconcileOnce();
    assertThat(client.pods().inNamespace("default").withLabel("app", "agent").list().getItems()).hasSize(1);
  }

  @Test
  void barePodsAreBoundAndRunAndRuntimesStartAndStopTheirPods() throws Exception {
    client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("solo").addToLabels("app", "solo")
        .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("demo").endContainer().endSpec().build()).create();
    Eventually.until(() -> runningPods("solo").size() == 1, Duration.ofSeconds(20), "the bare pod runs");
    assertThat(runningPods("solo").get(0).getSpec().getNodeName()).isEqualTo("node-1");
    Eventually.until(() -> runtimeEvents.contains("start solo"), Duration.ofSeconds(20), "the runtime started it");
    client.apps().deployments().inNamespace("default").resource(deployment("plain", 1, "nginx")).create();
    Eventually.until(() -> runningPods("plain").size() == 1, Duration.ofSeconds(20), "the plain pod runs");
    client.pods().inNamespace("default").withName("solo").delete();
    Eventually.until(() -> runtimeEvents.contains("stop solo"), Duration.ofSeconds(20), "the runtime stopped it");
    assertThat(runtimeEvents).as("pods of other images are not the runtime's").containsExactly("start solo", "stop solo");
  }
}

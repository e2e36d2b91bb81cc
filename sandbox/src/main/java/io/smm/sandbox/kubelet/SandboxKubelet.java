package io.smm.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.sandbox.kube.OnAnyChange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for the controller-manager's workload controllers, the scheduler and the kubelet of a
 * one-node cluster: Deployments get ReplicaSets (named by pod-template-hash), ReplicaSets,
 * StatefulSets and DaemonSets get Pods, pods are bound to the node and reported Running and Ready,
 * and objects whose controller is gone are garbage-collected.
 *
 * <p>Level-triggered: every watch event only schedules one full pass over fresh LISTs, so a lost
 * event or a stale cache can never leave a duplicate or missing pod behind.
 */
public class SandboxKubelet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxKubelet.class);
  static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private final KubernetesClient client;
  private final PodFactory pods;
  private final EventRecorder events;
  private final List<PodRuntime> runtimes;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sandbox-kubelet");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean passScheduled = new AtomicBoolean();
  private volatile boolean closed;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  /** uid -> pod, for pods handed to a runtime. */
  private final Map<String, Started> started = new ConcurrentHashMap<>();

  private record Started(Pod pod, PodRuntime runtime) {}

  /** uid -> why the runtime could not start the pod: what its container's log would show. */
  private final Map<String, String> crashes = new ConcurrentHashMap<>();

  public SandboxKubelet(KubernetesClient client, String nodeName, List<PodRuntime> runtimes) {
    this.client = client;
    this.pods = new PodFactory(nodeName);
    this.events = new EventRecorder(client, nodeName);
    this.runtimes = List.copyOf(runtimes);
  }

  public void start() {
    informers.add(watch(client.apps().deployments().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.apps().replicaSets().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.apps().statefulSets().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.apps().daemonSets().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.pods().inAnyNamespace().runnableInformer(0)));
    // A periodic pass as well, as kubelets and controllers resync.
    loop.scheduleWithFixedDelay(this::pass, 0, 5, TimeUnit.SECONDS);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> watch(SharedIndexInformer<T> informer) {
    informer.addEventHandler(new OnAnyChange<>(this::schedulePass));
    informer.start();
    return informer;
  }

  private void schedulePass() {
    if (passScheduled.compareAndSet(false, true)) {
      // Coalesces bursts of events (a controller's own writes echo back) into one pass.
      loop.schedule(this::pass, 50, TimeUnit.MILLISECONDS);
    }
  }

  private void pass() {
    passScheduled.set(false);
    try {
      reconcileOnce();
    } catch (KubernetesClientException e) {
      // A conflict or a vanished object: the next pass sees the new state.
      LOG.debug("kubelet pass interrupted: {}", e.getMessage());
      schedulePass();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("kubelet pass failed", e);
      }
    }
  }

  /** One full pass; public for tests that want the cluster settled without waiting. */
  public synchronized void reconcileOnce() {
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      reconcileDeployment(d);
    }
    List<Pod> allPods = client.pods().inAnyNamespace().list().getItems();
    IpAllocator ips = new IpAllocator(allPods);
    for (ReplicaSet rs : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
      reconcileReplicaSet(rs, allPods);
    }
    for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      reconcileStatefulSet(sts, allPods);
    }
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      reconcileDaemonSet(ds, allPods);
    }
    collectGarbage();
    runPods(ips);
    updateWorkloadStatuses();
  }

  // --- Deployment controller -------------------------------------------------------------

  private void reconcileDeployment(Deployment d) {
    if (d.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String hash = templateHash(d.getSpec().getTemplate());
    String rsName = d.getMetadata().getName() + "-" + hash;
    int replicas = replicas(d.getSpec().getReplicas());
    List<ReplicaSet> owned = ownedBy(d, client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).list().getItems());
    ReplicaSet current = owned.stream().filter(rs -> rs.getMetadata().getName().equals(rsName)).findFirst().orElse(null);
    if (current == null) {
      PodTemplateSpec template = Serialization.clone(d.getSpec().getTemplate());
      template.getMetadata().getLabels().put(POD_TEMPLATE_HASH, hash);
      var selector = Serialization.clone(d.getSpec().getSelector());
      if (selector.getMatchLabels() == null) {
        selector.setMatchLabels(new HashMap<>());
      }
      selector.getMatchLabels().put(POD_TEMPLATE_HASH, hash);
      Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
      client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(new ReplicaSetBuilder()
          .withNewMetadata().withName(rsName).withNamespace(d.getMetadata().getNamespace()).withLabels(labels)
          .withCreationTimestamp(Instant.now().toString())
          .addToAnnotations("deployment.kubernetes.io/revision", Integer.toString(owned.size() + 1))
          .withOwnerReferences(controllerRef(d)).endMetadata()
          .withNewSpec().withReplicas(replicas).withSelector(selector).withTemplate(template).endSpec()
          .build()).create();
      events.normal(d, "deployment-controller", "ScalingReplicaSet", "Scaled up replica set " + rsName + " to " + replicas);
    } else if (replicas(current.getSpec().getReplicas()) != replicas) {
      scale(d, current, replicas);
    }
    // Old revisions are kept at zero replicas, as the RollingUpdate strategy leaves them.
    for (ReplicaSet old : owned) {
      if (!old.getMetadata().getName().equals(rsName) && replicas(old.getSpec().getReplicas()) != 0) {
        scale(d, old, 0);
      }
    }
  }

  private void scale(Deployment d, ReplicaSet rs, int replicas) {
    int from = replicas(rs.getSpec().getReplicas());
    client.apps().replicaSets().resource(rs).edit(r -> {
      r.getSpec().setReplicas(replicas);
      return r;
    });
    events.normal(d, "deployment-controller", "ScalingReplicaSet", "Scaled " + (replicas > from ? "up" : "down") + " replica set "
        + rs.getMetadata().getName() + " from " + from + " to " + replicas);
  }

  // --- ReplicaSet, StatefulSet, DaemonSet controllers --------------------------------------

  private void reconcileReplicaSet(ReplicaSet rs, List<Pod> allPods) {
    List<Pod> owned = ownedBy(rs, allPods);
    int want = rs.getMetadata().getDeletionTimestamp() != null ? 0 : replicas(rs.getSpec().getReplicas());
    Map<String, String> extra = new HashMap<>();
    String hash = rs.getMetadata().getLabels() == null ? null : rs.getMetadata().getLabels().get(POD_TEMPLATE_HASH);
    if (hash != null) {
      extra.put(POD_TEMPLATE_HASH, hash);
    }
    for (int i = owned.size(); i < want; i++) {
      createPod(rs, pods.fromTemplate(rs, rs.getSpec().getTemplate(), rs.getMetadata().getName() + "-" + pods.randomSuffix(), extra));
    }
    // Scale down newest first, as the ReplicaSet controller prefers younger pods.
    owned.stream()
        .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp()).reversed())
        .limit(Math.max(0, owned.size() - want))
        .forEach(p -> {
          deletePod(p);
          events.normal(rs, "replicaset-controller", "SuccessfulDelete", "Deleted pod: " + p.getMetadata().getName());
        });
  }

  private void reconcileStatefulSet(StatefulSet sts, List<Pod> allPods) {
    List<Pod> owned = ownedBy(sts, allPods);
    int want = replicas(sts.getSpec().getReplicas());
    String name = sts.getMetadata().getName();
    String revision = name + "-" + templateHash(sts.getSpec().getTemplate());
    Set<String> existing = new HashSet<>();
    owned.forEach(p -> existing.add(p.getMetadata().getName()));
    for (int ordinal = 0; ordinal < want; ordinal++) {
      String podName = name + "-" + ordinal;
      if (!existing.contains(podName)) {
        createPod(sts, pods.fromTemplate(sts, sts.getSpec().getTemplate(), podName, Map.of(
            "statefulset.kubernetes.io/pod-name", podName,
            "controller-revision-hash", revision,
            "apps.kubernetes.io/pod-index", Integer.toString(ordinal))));
      }
    }
    for (Pod p : owned) {
      String suffix = p.getMetadata().getName().substring(name.length() + 1);
      if (!suffix.matches("\\d+") || Integer.parseInt(suffix) >= want) {
        deletePod(p);
      }
    }
  }

  private void reconcileDaemonSet(DaemonSet ds, List<Pod> allPods) {
    // One node: exactly one pod per DaemonSet.
    if (ownedBy(ds, allPods).isEmpty()) {
      createPod(ds, pods.fromTemplate(ds, ds.getSpec().getTemplate(), ds.getMetadata().getName() + "-" + pods.randomSuffix(),
          Map.of("controller-revision-hash", templateHash(ds.getSpec().getTemplate()), "pod-template-generation", "1")));
    }
  }

  private void createPod(HasMetadata owner, Pod pod) {
    // The scheduler's part (the API server runs the injection webhook): one node, so binding is immediate.
    pod.getSpec().setNodeName(pods.nodeName());
    Pod created = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
    String name = created.getMetadata().getName();
    switch (owner.getKind()) {
      case "StatefulSet" -> events.normal(owner, "statefulset-controller", "SuccessfulCreate",
          "create Pod " + name + " in StatefulSet " + owner.getMetadata().getName() + " successful");
      case "DaemonSet" -> events.normal(owner, "daemonset-controller", "SuccessfulCreate", "Created pod: " + name);
      default -> events.normal(owner, "replicaset-controller", "SuccessfulCreate", "Created pod: " + name);
    }
    events.normal(created, "default-scheduler", "Scheduled",
        "Successfully assigned " + created.getMetadata().getNamespace() + "/" + name + " to " + pods.nodeName());
  }

  private void deletePod(Pod pod) {
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
    pod.getSpec().getContainers().forEach(c -> events.normal(pod, "kubelet", "Killing", "Stopping container " + c.getName()));
  }

  // --- garbage collector ---------------------------------------------------------------------

  /** Deletes ReplicaSets and Pods whose controller no longer exists (the cluster's GC, foreground-free). */
  private void collectGarbage() {
    Set<String> liveOwners = new HashSet<>();
    client.apps().deployments().inAnyNamespace().list().getItems().forEach(o -> liveOwners.add(o.getMetadata().getUid()));
    client.apps().statefulSets().inAnyNamespace().list().getItems().forEach(o -> liveOwners.add(o.getMetadata().getUid()));
    client.apps().daemonSets().inAnyNamespace().list().getItems().forEach(o -> liveOwners.add(o.getMetadata().getUid()));
    for (ReplicaSet rs : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
      if (orphaned(rs, liveOwners)) {
        client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).delete();
      } else {
        liveOwners.add(rs.getMetadata().getUid());
      }
    }
    for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
      if (orphaned(p, liveOwners)) {
        deletePod(p);
      }
    }
  }

  private static boolean orphaned(HasMetadata obj, Set<String> liveOwners) {
    OwnerReference controller = controllerOf(obj);
    return controller != null && isWorkloadKind(controller.getKind()) && !liveOwners.contains(controller.getUid());
  }

  private static boolean isWorkloadKind(String kind) {
    return Set.of("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet").contains(kind);
  }

  // --- kubelet ---------------------------------------------------------------------------------

  private void runPods(IpAllocator ips) {
    Set<String> live = new HashSet<>();
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
        continue; // finished: its containers are stopped below and it is never started again
      }
      if (pastDeadline(pod)) {
        events.normal(pod, "kubelet", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
        pod.setStatus(pods.deadlineExceeded(pod));
        client.pods().resource(pod).updateStatus();
        continue;
      }
      live.add(pod.getMetadata().getUid());
      boolean running = "Running".equals(phase);
      if (!running && pod.getMetadata().getDeletionTimestamp() == null) {
        if (pod.getSpec().getNodeName() == null) {
          pod = client.pods().resource(pod).edit(p -> {
            p.getSpec().setNodeName(pods.nodeName());
            return p;
          });
        }
        pod.setStatus(pods.running(pod, ips.next()));
        pod = client.pods().resource(pod).updateStatus();
        for (var c : pod.getSpec().getContainers()) {
          events.normal(pod, "kubelet", "Pulled", "Container image \"" + c.getImage() + "\" already present on machine");
          events.normal(pod, "kubelet", "Created", "Created container " + c.getName());
          events.normal(pod, "kubelet", "Started", "Started container " + c.getName());
        }
      }
      if (!started.containsKey(pod.getMetadata().getUid())) {
        Pod runningPod = pod;
        runtimes.stream().filter(r -> r.runs(runningPod)).findFirst().ifPresent(r -> {
          started.put(runningPod.getMetadata().getUid(), new Started(runningPod, r));
          try {
            r.start(runningPod);
          } catch (RuntimeException e) {
            // What a crashing container looks like: the pod stays, not Ready, with the reason.
            LOG.warn("pod {}/{} failed to start: {}", runningPod.getMetadata().getNamespace(), runningPod.getMetadata().getName(),
                e.getMessage());
            crashes.put(runningPod.getMetadata().getUid(), e.getMessage());
            events.warning(runningPod, "kubelet", "BackOff", "Back-off restarting failed container " + runningPod.getSpec().getContainers()
                .get(0).getName() + " in pod " + runningPod.getMetadata().getName() + ": " + e.getMessage());
            runningPod.setStatus(pods.crashing(runningPod, e.getMessage()));
            client.pods().resource(runningPod).updateStatus();
          }
        });
      }
    }
    started.keySet().removeIf(uid -> {
      if (live.contains(uid)) {
        return false;
      }
      Started s = started.get(uid);
      crashes.remove(uid);
      s.runtime().stop(s.pod());
      return true;
    });
  }

  /** A Running pod with spec.activeDeadlineSeconds that has been running longer. */
  private static boolean pastDeadline(Pod pod) {
    Long deadline = pod.getSpec().getActiveDeadlineSeconds();
    if (deadline == null || pod.getStatus() == null || pod.getStatus().getStartTime() == null
        || !"Running".equals(pod.getStatus().getPhase())) {
      return false;
    }
    return java.time.Instant.parse(pod.getStatus().getStartTime()).plusSeconds(deadline).isBefore(java.time.Instant.now());
  }

  private void updateWorkloadStatuses() {
    List<Pod> allPods = client.pods().inAnyNamespace().list().getItems();
    for (ReplicaSet rs : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
      List<Pod> owned = ownedBy(rs, allPods);
      int ready = (int) owned.stream().filter(SandboxKubelet::isReady).count();
      var status = new ReplicaSetStatusBuilder().withReplicas(owned.size()).withReadyReplicas(ready)
          .withAvailableReplicas(ready).withFullyLabeledReplicas(owned.size())
          .withObservedGeneration(rs.getMetadata().getGeneration()).build();
      if (!Objects.equals(status, rs.getStatus())) {
        rs.setStatus(status);
        client.apps().replicaSets().resource(rs).updateStatus();
      }
    }
    List<ReplicaSet> allRs = client.apps().replicaSets().inAnyNamespace().list().getItems();
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      String hash = templateHash(d.getSpec().getTemplate());
      List<Pod> owned = new ArrayList<>();
      int updated = 0;
      for (ReplicaSet rs : ownedBy(d, allRs)) {
        List<Pod> rsPods = ownedBy(rs, allPods);
        owned.addAll(rsPods);
        if (rs.getMetadata().getName().endsWith("-" + hash)) {
          updated += rsPods.size();
        }
      }
      int ready = (int) owned.stream().filter(SandboxKubelet::isReady).count();
      int want = replicas(d.getSpec().getReplicas());
      boolean available = ready >= want;
      var previous = d.getStatus();
      var status = new DeploymentStatusBuilder().withReplicas(owned.size()).withReadyReplicas(ready)
          .withAvailableReplicas(ready).withUpdatedReplicas(updated).withUnavailableReplicas(Math.max(0, want - ready))
          .withObservedGeneration(d.getMetadata().getGeneration())
          .withConditions(new DeploymentConditionBuilder().withType("Available").withStatus(available ? "True" : "False")
              .withReason(available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
              .withMessage(available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.")
              .build())
          .build();
      if (previous == null || !sameCounts(previous, status)) {
        d.setStatus(status);
        client.apps().deployments().resource(d).updateStatus();
      }
    }
    for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      List<Pod> owned = ownedBy(sts, allPods);
      int ready = (int) owned.stream().filter(SandboxKubelet::isReady).count();
      var status = new StatefulSetStatusBuilder().withReplicas(owned.size()).withReadyReplicas(ready)
          .withAvailableReplicas(ready).withCurrentReplicas(owned.size()).withUpdatedReplicas(owned.size())
          .withObservedGeneration(sts.getMetadata().getGeneration()).build();
      if (!Objects.equals(status, sts.getStatus())) {
        sts.setStatus(status);
        client.apps().statefulSets().resource(sts).updateStatus();
      }
    }
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      List<Pod> owned = ownedBy(ds, allPods);
      int ready = (int) owned.stream().filter(SandboxKubelet::isReady).count();
      var status = new DaemonSetStatusBuilder().withDesiredNumberScheduled(1).withCurrentNumberScheduled(owned.size())
          .withNumberReady(ready).withNumberAvailable(ready).withUpdatedNumberScheduled(owned.size())
          .withNumberMisscheduled(0).withObservedGeneration(ds.getMetadata().getGeneration()).build();
      if (!Objects.equals(status, ds.getStatus())) {
        ds.setStatus(status);
        client.apps().daemonSets().resource(ds).updateStatus();
      }
    }
  }

  private static boolean sameCounts(io.fabric8.kubernetes.api.model.apps.DeploymentStatus a,
      io.fabric8.kubernetes.api.model.apps.DeploymentStatus b) {
    return Objects.equals(a.getReplicas(), b.getReplicas()) && Objects.equals(a.getReadyReplicas(), b.getReadyReplicas())
        && Objects.equals(a.getUpdatedReplicas(), b.getUpdatedReplicas())
        && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration());
  }

  // --- helpers -----------------------------------------------------------------------------------

  static boolean isReady(Pod p) {
    return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }

  private static OwnerReference controllerOf(HasMetadata obj) {
    if (obj.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    return obj.getMetadata().getOwnerReferences().stream()
        .filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
  }

  static <T extends HasMetadata> List<T> ownedBy(HasMetadata owner, List<T> candidates) {
    String uid = owner.getMetadata().getUid();
    List<T> result = new ArrayList<>();
    for (T c : candidates) {
      OwnerReference ref = controllerOf(c);
      if (ref != null && uid != null && uid.equals(ref.getUid()) && c.getMetadata().getDeletionTimestamp() == null) {
        result.add(c);
      }
    }
    return result;
  }

  private static OwnerReference controllerRef(HasMetadata owner) {
    OwnerReference ref = new OwnerReference();
    ref.setApiVersion(owner.getApiVersion());
    ref.setKind(owner.getKind());
    ref.setName(owner.getMetadata().getName());
    ref.setUid(owner.getMetadata().getUid());
    ref.setController(true);
    ref.setBlockOwnerDeletion(true);
    return ref;
  }

  /** Like Kubernetes' ComputeHash: FNV-32a of the template, encoded in the safe alphabet. */
  static String templateHash(PodTemplateSpec template) {
    byte[] bytes = Serialization.asJson(template).getBytes(StandardCharsets.UTF_8);
    int hash = 0x811c9dc5;
    for (byte b : bytes) {
      hash ^= (b & 0xff);
      hash *= 0x01000193;
    }
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    long value = Integer.toUnsignedLong(hash);
    StringBuilder sb = new StringBuilder();
    do {
      sb.append(alphabet.charAt((int) (value % alphabet.length())));
      value /= alphabet.length();
    } while (value > 0);
    return sb.toString();
  }

  /** The log of a container of a running pod, from its runtime (for the API server's pods/log). */
  public java.util.Optional<String> logs(String namespace, String name, String container, Integer tailLines) {
    return startedPod(namespace, name).flatMap(s -> {
      String crash = crashes.get(s.pod().getMetadata().getUid());
      return crash != null ? java.util.Optional.of("Error: " + crash + "\n") : s.runtime().logs(s.pod(), container, tailLines);
    });
  }

  /** The pod namespace/name as this kubelet started it, with its runtime; empty when it runs nothing for it. */
  private java.util.Optional<Started> startedPod(String namespace, String name) {
    return started.values().stream()
        .filter(s -> s.pod().getMetadata().getNamespace().equals(namespace) && s.pod().getMetadata().getName().equals(name)).findFirst();
  }

  /** GET a path on a port of a running pod, for the API server's pods/proxy; empty when nothing answers there. */
  public java.util.Optional<io.smm.sandbox.kube.PodProxy.Answer> proxy(String namespace, String name, int port, String pathAndQuery) {
    return startedPod(namespace, name).flatMap(s -> s.runtime().address(s.pod(), port))
        .flatMap(address -> get("http://" + address + pathAndQuery));
  }

  private final java.net.http.HttpClient proxyClient = java.net.http.HttpClient.newBuilder()
      .connectTimeout(java.time.Duration.ofSeconds(5)).build();

  private java.util.Optional<io.smm.sandbox.kube.PodProxy.Answer> get(String url) {
    try {
      var response = proxyClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(java.time.Duration.ofSeconds(20))
          .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      return java.util.Optional.of(new io.smm.sandbox.kube.PodProxy.Answer(response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("text/plain"), response.body()));
    } catch (java.io.IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }

  /** What the containers of the running pods have used, for {@link CadvisorEndpoint}. */
  public List<CadvisorEndpoint.Sample> usage() {
    List<CadvisorEndpoint.Sample> out = new java.util.ArrayList<>();
    for (Started s : started.values()) {
      if (crashes.containsKey(s.pod().getMetadata().getUid())) {
        continue;
      }
      try {
        s.runtime().usage(s.pod()).forEach(u -> out.add(new CadvisorEndpoint.Sample(s.pod().getMetadata().getNamespace(),
            s.pod().getMetadata().getName(), u)));
      } catch (RuntimeException e) {
        LOG.debug("no usage for pod {}: {}", s.pod().getMetadata().getName(), e.getMessage());
      }
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    informers.forEach(SharedIndexInformer::close);
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    started.values().forEach(s -> s.runtime().stop(s.pod()));
    started.clear();
  }

  /** Hands out pod IPs from the node's pod CIDR; the address is only written into the object. */
  static final class IpAllocator {
    private final Set<String> used = new HashSet<>();
    private int next = 2;

    IpAllocator(List<Pod> pods) {
      pods.stream().filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
          .forEach(p -> used.add(p.getStatus().getPodIP()));
    }

    String next() {
      while (true) {
        String ip = "10.244." + (next / 254) + "." + (next % 254 + 1);
        next++;
        if (used.add(ip)) {
          return ip;
        }
      }
    }
  }
}

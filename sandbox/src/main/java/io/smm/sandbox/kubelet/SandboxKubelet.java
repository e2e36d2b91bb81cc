package io.smm.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kube.PodProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
/**
 * The kubelet of the sandbox's one node: starts the pods bound to it in the {@link PodRuntime}
 * that runs them (demo workloads, istiod's stand-in), reports their status (Running and Ready,
 * crash-looping with the runtime's error, Failed past spec.activeDeadlineSeconds), stops them when
 * they go, and serves their logs, ports (pods/proxy) and resource usage (cAdvisor).
 */
public class SandboxKubelet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxKubelet.class);

  private final KubernetesClient client;
  private final PodStatuses statuses;
  private final EventRecorder events;
  private final List<PodRuntime> runtimes;
  private final String nodeName;
  /** uid -> pod, for pods handed to a runtime. */
  private final Map<String, Started> started = new ConcurrentHashMap<>();

  private record Started(Pod pod, PodRuntime runtime) {}

  /** uid -> why the runtime could not start the pod: what its container's log would show. */
  private final Map<String, String> crashes = new ConcurrentHashMap<>();

  public SandboxKubelet(KubernetesClient client, EventRecorder events, String nodeName, List<PodRuntime> runtimes) {
    this.client = client;
    this.events = events;
    this.nodeName = nodeName;
    this.statuses = new PodStatuses();
    this.runtimes = List.copyOf(runtimes);
  }

  // --- kubelet ---------------------------------------------------------------------------------

  /** Starts what is new, reports what changed, stops what is gone. */
  public void syncPods() {
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    IpAllocator ips = new IpAllocator(pods);
    Set<String> live = new HashSet<>();
    for (Pod pod : pods) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
        continue; // finished: its containers are stopped below and it is never started again
      }
      if (pastDeadline(pod)) {
        events.normal(pod, "kubelet", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
        pod.setStatus(statuses.deadlineExceeded(pod));
        client.pods().resource(pod).updateStatus();
        continue;
      }
      live.add(pod.getMetadata().getUid());
      boolean running = "Running".equals(phase);
      if (!running && pod.getMetadata().getDeletionTimestamp() == null) {
        if (pod.getSpec().getNodeName() == null) {
          pod = client.pods().resource(pod).edit(p -> {
            p.getSpec().setNodeName(nodeName);
            return p;
          });
        }
        pod.setStatus(statuses.running(pod, ips.next()));
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
            publishRoutes(runningPod, r);
          } catch (RuntimeException e) {
            // What a crashing container looks like: the pod stays, not Ready, with the reason.
            LOG.warn("pod {}/{} failed to start: {}", runningPod.getMetadata().getNamespace(), runningPod.getMetadata().getName(),
                e.getMessage());
            crashes.put(runningPod.getMetadata().getUid(), e.getMessage());
            events.warning(runningPod, "kubelet", "BackOff", "Back-off restarting failed container " + runningPod.getSpec().getContainers()
                .get(0).getName() + " in pod " + runningPod.getMetadata().getName() + ": " + e.getMessage());
            runningPod.setStatus(statuses.crashing(runningPod, e.getMessage()));
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

  /** Writes where the pod's container ports listen on this machine into the pod ({@link PodNetwork}), when it changed. */
  private void publishRoutes(Pod pod, PodRuntime runtime) {
    Map<Integer, String> routes = new java.util.TreeMap<>();
    for (var c : pod.getSpec().getContainers()) {
      if (c.getPorts() != null) {
        c.getPorts().forEach(p -> runtime.address(pod, p.getContainerPort()).ifPresent(a -> routes.put(p.getContainerPort(), a)));
      }
    }
    if (routes.isEmpty() || routes.equals(new java.util.TreeMap<>(PodNetwork.routes(pod)))) {
      return;
    }
    String value = PodNetwork.format(routes);
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .edit(p -> {
            if (p.getMetadata().getAnnotations() == null) {
              p.getMetadata().setAnnotations(new java.util.HashMap<>());
            }
            p.getMetadata().getAnnotations().put(PodNetwork.ANNOTATION, value);
            return p;
          });
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      LOG.debug("pod {}/{}: routes not published: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.getMessage());
    }
  }

  /** A Running pod with spec.activeDeadlineSeconds that has been running longer. */
  private static boolean pastDeadline(Pod pod) {
    Long deadline = pod.getSpec().getActiveDeadlineSeconds();
    if (deadline == null || pod.getStatus() == null || pod.getStatus().getStartTime() == null
        || !"Running".equals(pod.getStatus().getPhase())) {
      return false;
    }
    return Instant.parse(pod.getStatus().getStartTime()).plusSeconds(deadline).isBefore(Instant.now());
  }

  /** The log of a container of a running pod, from its runtime (for the API server's pods/log). */
  public Optional<String> logs(String namespace, String name, String container, Integer tailLines) {
    return startedPod(namespace, name).flatMap(s -> {
      String crash = crashes.get(s.pod().getMetadata().getUid());
      return crash != null ? Optional.of("Error: " + crash + "\n") : s.runtime().logs(s.pod(), container, tailLines);
    });
  }

  /** The pod namespace/name as this kubelet started it, with its runtime; empty when it runs nothing for it. */
  private Optional<Started> startedPod(String namespace, String name) {
    return started.values().stream()
        .filter(s -> s.pod().getMetadata().getNamespace().equals(namespace) && s.pod().getMetadata().getName().equals(name)).findFirst();
  }

  /** GET a path on a port of a running pod, for the API server's pods/proxy; empty when nothing answers there. */
  /** Where a port of a started pod is reached from this machine, as its runtime says. */
  public Optional<String> address(String namespace, String name, int port) {
    return startedPod(namespace, name).flatMap(s -> s.runtime().address(s.pod(), port));
  }

  public Optional<PodProxy.Answer> proxy(String namespace, String name, int port, String pathAndQuery) {
    return startedPod(namespace, name).flatMap(s -> s.runtime().address(s.pod(), port))
        .flatMap(address -> get("http://" + address + pathAndQuery));
  }

  private final HttpClient proxyClient = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Optional<PodProxy.Answer> get(String url) {
    try {
      var response = proxyClient.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      return Optional.of(new PodProxy.Answer(response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("text/plain"), response.body()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** What the containers of the running pods have used, for {@link CadvisorEndpoint}. */
  public List<CadvisorEndpoint.Sample> usage() {
    List<CadvisorEndpoint.Sample> out = new ArrayList<>();
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

  /** Stops every pod it started. */
  @Override
  public void close() {
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

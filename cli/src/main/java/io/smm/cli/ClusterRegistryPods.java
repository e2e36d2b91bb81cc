package io.smm.cli;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.smm.operator.clusterregistry.ClusterRegistryController;
import io.smm.sandbox.Sandbox;
import io.smm.sandbox.kubelet.PodRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For `smm sandbox up`: the pods of the clusterRegistry component (the product's image running
 * `smm cluster-registry-controller`) run here, in this process, against the sandbox's API server —
 * the sandbox kubelet does not run the product's images. Their arguments are read as the command
 * would read them.
 */
final class ClusterRegistryPods implements PodRuntime, AutoCloseable {

  private final List<Pod> waiting = new ArrayList<>();
  private Sandbox sandbox;
  private final Map<String, ClusterRegistryController> running = new ConcurrentHashMap<>();

  /** The sandbox is up: pods the kubelet started while it came up (a resumed cluster's) start now. */
  synchronized void sandboxUp(Sandbox up) {
    sandbox = up;
    waiting.forEach(this::run);
    waiting.clear();
  }

  @Override
  public boolean runs(Pod pod) {
    return container(pod) != null;
  }

  private static Container container(Pod pod) {
    for (Container c : pod.getSpec().getContainers()) {
      List<String> args = c.getArgs();
      if (c.getImage() != null && c.getImage().contains("/smm:") && args != null && !args.isEmpty()
          && "cluster-registry-controller".equals(args.get(0))) {
        return c;
      }
    }
    return null;
  }

  @Override
  public synchronized void start(Pod pod) {
    if (sandbox == null) {
      waiting.add(pod);
    } else {
      run(pod);
    }
  }

  private void run(Pod pod) {
    List<String> args = container(pod).getArgs();
    // The address peers reach this sandbox's API server at: its own (on 127.0.0.1, as every sandbox).
    ClusterRegistryController controller = new ClusterRegistryController(sandbox.client(),
        ClusterRegistryCommand.settings(args.subList(1, args.size()), sandbox.state().kubeApi()));
    controller.start();
    ClusterRegistryController before = running.put(key(pod), controller);
    if (before != null) {
      before.close();
    }
  }

  @Override
  public synchronized void stop(Pod pod) {
    waiting.removeIf(p -> key(p).equals(key(pod)));
    ClusterRegistryController controller = running.remove(key(pod));
    if (controller != null) {
      controller.close();
    }
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  @Override
  public synchronized void close() {
    running.values().forEach(ClusterRegistryController::close);
    running.clear();
  }
}

package io.smm.sandbox.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smm.sandbox.DaemonThreads;
import io.smm.sandbox.controllers.ControllerManager;
import io.smm.sandbox.kube.OnAnyChange;
import io.smm.sandbox.kube.PodProxy;
import io.smm.sandbox.kubelet.CadvisorEndpoint;
import io.smm.sandbox.kubelet.EventRecorder;
import io.smm.sandbox.kubelet.PodRuntime;
import io.smm.sandbox.kubelet.SandboxKubelet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox cluster's one node and what manages its workloads: the {@link ControllerManager}
 * (Deployment, ReplicaSet, StatefulSet, DaemonSet controllers, garbage collector, scheduling onto
 * this node) and the {@link SandboxKubelet}, driven by watches on workloads and pods (bursts
 * coalesced into one pass) and a periodic resync, as real controllers and kubelets resync.
 */
public class SandboxNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxNode.class);

  private final KubernetesClient client;
  private final ControllerManager controllers;
  private final SandboxKubelet kubelet;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sandbox-node"));
  private final AtomicBoolean passScheduled = new AtomicBoolean();
  private volatile boolean closed;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public SandboxNode(KubernetesClient client, String nodeName, List<PodRuntime> runtimes) {
    this(client, nodeName, runtimes, null);
  }

  /** @param loadBalancerAddress where the cluster's LoadBalancer Services listen (null: nowhere, their status says 127.0.0.1) */
  public SandboxNode(KubernetesClient client, String nodeName, List<PodRuntime> runtimes, java.net.InetAddress loadBalancerAddress) {
    this.client = client;
    EventRecorder events = new EventRecorder(client, nodeName);
    this.controllers = new ControllerManager(client, events, nodeName, loadBalancerAddress);
    this.kubelet = new SandboxKubelet(client, events, nodeName, runtimes);
  }

  public void start() {
    informers.add(watch(client.apps().deployments().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.apps().replicaSets().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.apps().statefulSets().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.apps().daemonSets().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.pods().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0)));
    informers.add(watch(client.services().inAnyNamespace().runnableInformer(0)));
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
      LOG.debug("node pass interrupted: {}", e.getMessage());
      schedulePass();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("node pass failed", e);
      }
    }
  }

  /** One full pass: controllers, kubelet, then workload statuses; public for tests that want the cluster settled without waiting. */
  public synchronized void reconcileOnce() {
    controllers.syncWorkloads();
    kubelet.syncPods();
    controllers.updateStatuses();
  }

  /** The log of a container of a running pod (for the API server's pods/log). */
  public Optional<String> logs(String namespace, String name, String container, Integer tailLines) {
    return kubelet.logs(namespace, name, container, tailLines);
  }

  /** Where a port of a running pod is reached from this machine (host:port), when its runtime listens there. */
  public Optional<String> address(String namespace, String name, int port) {
    return kubelet.address(namespace, name, port);
  }

  /** GET a path on a port of a running pod (for the API server's pods/proxy). */
  public Optional<PodProxy.Answer> proxy(String namespace, String name, int port, String pathAndQuery) {
    return kubelet.proxy(namespace, name, port, pathAndQuery);
  }

  /** What the containers of the running pods have used, for {@link CadvisorEndpoint}. */
  public List<CadvisorEndpoint.Sample> usage() {
    return kubelet.usage();
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
    kubelet.close();
    controllers.close();
  }
}

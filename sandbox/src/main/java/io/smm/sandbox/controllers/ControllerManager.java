package io.smm.sandbox.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.sandbox.kubelet.EventRecorder;
import java.util.List;

/**
 * What kube-controller-manager (and, on one node, the scheduler) does for workloads: the
 * Deployment, ReplicaSet, StatefulSet and DaemonSet controllers and the garbage collector create,
 * bind and delete pods, the volume controller binds claims and the cloud controller gives
 * LoadBalancer Services an address; their statuses are counted from the pods the kubelet reports.
 */
public final class ControllerManager {

  private final KubernetesClient client;
  private final DeploymentController deployments;
  private final ReplicaSetController replicaSets;
  private final StatefulSetController statefulSets;
  private final DaemonSetController daemonSets;
  private final GarbageCollector garbage;
  private final VolumeBinder volumes;
  private final LoadBalancerController loadBalancers;

  public ControllerManager(KubernetesClient client, EventRecorder events, String nodeName) {
    this(client, events, nodeName, null);
  }

  /** @param loadBalancerAddress where LoadBalancer Services listen (null: 127.0.0.1 in their status, nothing listening) */
  public ControllerManager(KubernetesClient client, EventRecorder events, String nodeName, java.net.InetAddress loadBalancerAddress) {
    this.client = client;
    PodTemplates pods = new PodTemplates(client, events, nodeName);
    this.deployments = new DeploymentController(client, events);
    this.replicaSets = new ReplicaSetController(client, pods, events);
    this.statefulSets = new StatefulSetController(client, pods);
    this.daemonSets = new DaemonSetController(client, pods);
    this.garbage = new GarbageCollector(client, pods);
    this.volumes = new VolumeBinder(client);
    this.loadBalancers = new LoadBalancerController(client, loadBalancerAddress);
  }

  /** Claims bound, Deployments to ReplicaSets, then every controller's pods, then the orphans collected. */
  public void syncWorkloads() {
    volumes.sync();
    loadBalancers.sync();
    deployments.sync();
    List<Pod> allPods = client.pods().inAnyNamespace().list().getItems();
    replicaSets.sync(allPods);
    statefulSets.sync(allPods);
    daemonSets.sync(allPods);
    garbage.collect();
  }

  /** Every workload's status from its pods as they are now. */
  public void updateStatuses() {
    List<Pod> allPods = client.pods().inAnyNamespace().list().getItems();
    replicaSets.updateStatuses(allPods);
    deployments.updateStatuses(allPods);
    statefulSets.updateStatuses(allPods);
    daemonSets.updateStatuses(allPods);
  }

  /** Stops what listens (the load balancer's ports). */
  public void close() {
    loadBalancers.close();
  }
}

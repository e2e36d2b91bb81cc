package io.smm.backend.graphql;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.auth.Caller;
import io.smm.backend.cluster.ClusterQueries;
import io.smm.backend.egress.EgressRecommender;
import io.smm.backend.gateway.GatewayEntryPoints;
import io.smm.backend.istio.IstioConfigService;
import io.smm.backend.load.LoadGenerator;
import io.smm.backend.mesh.ControlPlaneDetailService;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.slo.SloService;
import java.util.concurrent.Executor;

/**
 * The services that read and write Kubernetes, made for one caller from their impersonating
 * client: what they return and may change is what the API server's RBAC allows that user. They
 * hold no state of their own, so making them per request is cheap.
 *
 * @param own cluster queries with the backend's identity (the cluster's name, the mesh snapshot
 *     validation runs on)
 */
public record CallerServices(ClusterQueries own, KubernetesClient ownClient, PrometheusClient prometheus, Executor blocking) {

  ClusterQueries clusters(Caller caller) {
    return own.as(caller.client());
  }

  IstioConfigService istio(Caller caller) {
    return new IstioConfigService(caller, own::clusterName, ownClient);
  }

  SloService slos(Caller caller) {
    return new SloService(caller.client(), prometheus, blocking);
  }

  EgressRecommender egress(Caller caller) {
    return new EgressRecommender(caller.client(), prometheus);
  }

  LoadGenerator load(Caller caller) {
    return new LoadGenerator(caller.client());
  }

  /** With the backend's own identity: callers are checked for access to every namespace first (as for controlPlanes). */
  ControlPlaneDetailService controlPlaneDetails() {
    return new ControlPlaneDetailService(ownClient, prometheus, blocking);
  }

  GatewayEntryPoints entryPoints(Caller caller) {
    return new GatewayEntryPoints(caller.client(), istio(caller));
  }
}

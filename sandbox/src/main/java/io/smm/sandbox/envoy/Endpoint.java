package io.smm.sandbox.envoy;

import io.fabric8.kubernetes.api.model.Pod;

/** One endpoint of a service: the pod, who it is in the mesh, and its sidecar when it has one (mTLS and PeerAuthentication depend on it). */
public interface Endpoint {

  Pod pod();

  /** Its workload, namespace, app, version, principal and IP, as metrics and access logs name it. */
  MeshIdentity identity();

  /** Null when the pod runs without a sidecar. */
  SidecarProxy sidecar();
}

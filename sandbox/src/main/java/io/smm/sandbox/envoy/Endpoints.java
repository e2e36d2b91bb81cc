package io.smm.sandbox.envoy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a sidecar asks of the cluster it runs in — what Envoy learns from istiod (CDS/EDS/RDS) and
 * the node gives it: the mesh configuration, the service registry, the endpoints behind a service
 * and where they listen, the transport to reach them and the workers it sends with.
 */
public interface Endpoints {

  MeshResources.Snapshot mesh();

  ServiceRegistry registry();

  /**
   * Running endpoints behind a Service (and a subset's labels), in a stable order, as a sidecar on
   * {@code network} gets them: those of other networks behind their network's gateway.
   */
  List<? extends Endpoint> endpoints(String network, String namespace, String serviceName, Map<String, String> subsetLabels);

  /** Where a Service port of {@code d} reaches on {@code target} on this machine. */
  Optional<String> addressOf(Endpoint target, Destination d, int servicePort);

  /** The same endpoint as Envoy names it in access logs: the target pod's IP and container port. */
  Optional<String> meshAddressOf(Endpoint target, Destination d, int servicePort);

  Upstreams upstreams();

  /** Runs work apart from the request (traffic mirroring). */
  void submit(Runnable task);

  /** Round-robin position for an upstream cluster. */
  int nextIndex(String cluster);

  /** The wall-clock time of a {@link System#nanoTime()} reading. */
  Instant startedAt(long nanoTime);
}

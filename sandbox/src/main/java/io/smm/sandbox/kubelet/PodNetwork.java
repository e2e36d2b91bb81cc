package io.smm.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sandbox's pod network across sandboxes on one machine. On a cluster a pod IP and container
 * port are routable from every cluster of the same network; here every pod listens on 127.0.0.1
 * ports its runtime chose, so the kubelet writes that route into the pod, in annotation
 * {@value #ANNOTATION} ({@code containerPort=127.0.0.1:localPort,...}), where another sandbox's
 * istiod stand-in, reading the pod through its remote secret, finds it. Nothing of the product reads it.
 */
public final class PodNetwork {

  public static final String ANNOTATION = "sandbox.smm.io/pod-network";

  private PodNetwork() {}

  public static String format(Map<Integer, String> routes) {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(routes).forEach((port, address) -> out.append(out.isEmpty() ? "" : ",").append(port).append('=').append(address));
    return out.toString();
  }

  /** The pod's routes: container port to a host:port on this machine; empty when it has none (not started, or not in a sandbox). */
  public static Map<Integer, String> routes(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    Map<Integer, String> routes = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return routes;
    }
    for (String entry : value.split(",")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        try {
          routes.put(Integer.parseInt(entry.substring(0, eq).strip()), entry.substring(eq + 1).strip());
        } catch (NumberFormatException e) {
          // not a route: skipped
        }
      }
    }
    return routes;
  }
}

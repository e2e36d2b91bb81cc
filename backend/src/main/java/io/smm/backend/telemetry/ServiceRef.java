package io.smm.backend.telemetry;

import java.util.Map;

/**
 * The service an Istio series names (destination_* labels), as both the topology and health name
 * it, so a node and its health always share one id. PassthroughCluster and BlackHoleCluster are
 * external and belong to no namespace; a series without destination_service_name (older Istio)
 * falls back to destination_service, then "unknown".
 */
public record ServiceRef(String cluster, String namespace, String name, boolean external) {

  /**
   * @param defaultCluster the cluster of a series that names none: without destination_cluster (a
   *     call that reached no endpoint, e.g. aborted by the caller's fault injection) the caller's
   *     source_cluster when the series has it — the caller resolved the service in its cluster — else this
   */
  public static ServiceRef of(Map<String, String> labels, String defaultCluster) {
    String cluster = labels.getOrDefault("destination_cluster", "");
    String source = labels.getOrDefault("source_cluster", "");
    cluster = !unknown(cluster) ? cluster : !unknown(source) ? source : defaultCluster;
    String name = labels.getOrDefault("destination_service_name", "");
    if (name.equals("PassthroughCluster") || name.equals("BlackHoleCluster")) {
      return new ServiceRef(cluster, "", name, true);
    }
    if (unknown(name)) {
      String service = labels.getOrDefault("destination_service", "");
      name = unknown(service) ? "unknown" : service;
    }
    String namespace = labels.getOrDefault("destination_service_namespace", "");
    return new ServiceRef(cluster, unknown(namespace) ? "" : namespace, name, false);
  }

  public String id() {
    return EntityIds.service(cluster, namespace, name);
  }

  private static boolean unknown(String v) {
    return v.isEmpty() || v.equals("unknown");
  }
}

package io.smm.backend.auth;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes clients that send the backend's requests with Impersonate-User/Impersonate-Group
 * (seed: "delegate Authorization entirely to Kubernetes"). They share the backend client's HTTP
 * connections; one is kept per identity while few are in use.
 */
public final class Impersonation {

  private static final int KEEP = 256;

  private final KubernetesClient own;
  private final Map<Identity, KubernetesClient> clients = new ConcurrentHashMap<>();

  public Impersonation(KubernetesClient own) {
    this.own = own;
  }

  public KubernetesClient as(Identity identity) {
    if (clients.size() > KEEP) {
      clients.clear(); // they hold no connections of their own; rebuilding one is cheap
    }
    return clients.computeIfAbsent(identity, id -> {
      var config = new RequestConfigBuilder(own.getConfiguration().getRequestConfig())
          .withImpersonateUsername(id.username())
          .withImpersonateGroups(id.groups().toArray(String[]::new))
          .withImpersonateExtras(Map.of())
          .build();
      return own.newClient(config).adapt(KubernetesClient.class);
    });
  }
}

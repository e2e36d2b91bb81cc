package io.smm.backend.auth;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Logged-out sessions, kept where every backend replica and the next start see them: ConfigMap
 * smm-revoked-sessions in smm-system, token id -> when the token would have expired anyway (then
 * the entry is dropped). A replica re-reads it at most every {@code recheck}, so a logout on one
 * replica reaches the others within that time; checks that must not block use what was read last.
 */
public final class RevokedSessions {

  public static final String CONFIG_MAP = "smm-revoked-sessions";

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration recheck;
  private volatile Set<String> ids = Set.of();
  private Instant readAt = Instant.MIN;

  public RevokedSessions(KubernetesClient client, Clock clock, Duration recheck) {
    this.client = client;
    this.clock = clock;
    this.recheck = recheck;
  }

  /** Whether the token id was logged out, re-reading the list when it is older than {@code recheck}. Blocking. */
  public boolean contains(String id) {
    refreshIfStale();
    return ids.contains(id);
  }

  /** The same from what was read last: never blocks. */
  public boolean containsCached(String id) {
    return ids.contains(id);
  }

  /** Records a logout until {@code expires}; also drops entries whose tokens expired. */
  public void add(String id, Instant expires) {
    for (int attempt = 1; ; attempt++) {
      try {
        write(id, expires);
        break;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) { // 409: another replica wrote meanwhile, read theirs and add ours
          throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "cannot record the logout (configmap " + SessionKeys.NAMESPACE
              + "/" + CONFIG_MAP + "): " + e.getMessage(), e);
        }
      }
    }
    refresh();
  }

  private void write(String id, Instant expires) {
    var maps = client.configMaps().inNamespace(SessionKeys.NAMESPACE);
    ConfigMap existing = maps.withName(CONFIG_MAP).get();
    Map<String, String> data = new HashMap<>(existing == null || existing.getData() == null ? Map.of() : existing.getData());
    Instant now = clock.instant();
    data.values().removeIf(until -> !Instant.parse(until).isAfter(now));
    data.put(id, expires.toString());
    if (existing == null) {
      maps.resource(new ConfigMapBuilder().withNewMetadata().withName(CONFIG_MAP).withNamespace(SessionKeys.NAMESPACE)
          .addToLabels("app.kubernetes.io/part-of", "smm").endMetadata().withData(data).build()).create();
    } else {
      existing.setData(data);
      maps.resource(existing).update(); // with its resourceVersion: a concurrent logout is a 409, not lost
    }
  }

  private synchronized void refreshIfStale() {
    if (clock.instant().isBefore(readAt.plus(recheck))) {
      return;
    }
    refresh();
  }

  private synchronized void refresh() {
    try {
      ConfigMap map = client.configMaps().inNamespace(SessionKeys.NAMESPACE).withName(CONFIG_MAP).get();
      Instant now = clock.instant();
      ids = map == null || map.getData() == null ? Set.of() : Set.copyOf(map.getData().entrySet().stream()
          .filter(e -> Instant.parse(e.getValue()).isAfter(now)).map(Map.Entry::getKey).toList());
      readAt = now;
    } catch (KubernetesClientException e) {
      throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "cannot read the logged-out sessions (configmap "
          + SessionKeys.NAMESPACE + "/" + CONFIG_MAP + "): " + e.getMessage(), e);
    }
  }
}

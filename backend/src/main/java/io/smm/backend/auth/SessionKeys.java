package io.smm.backend.auth;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * The key session tokens are signed with, kept in the secret smm-authentication in smm-system
 * (seed: "JWT backend key"). Deleting the secret rotates the key: the next read finds none and
 * makes a new one, so every session signed with the old key stops working. The key is re-read at
 * most every {@code recheck}, so a rotation reaches a running backend within that time.
 */
public final class SessionKeys {

  public static final String NAMESPACE = "smm-system";
  public static final String SECRET = "smm-authentication";
  static final String KEY_FIELD = "jwt-signing-key";
  private static final int KEY_BYTES = 32; // HS256 wants at least 256 bits

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration recheck;
  private final SecureRandom random = new SecureRandom();
  private byte[] key;
  private Instant readAt = Instant.MIN;

  public SessionKeys(KubernetesClient client, Clock clock, Duration recheck) {
    this.client = client;
    this.clock = clock;
    this.recheck = recheck;
  }

  /** The current key, from the secret (made when missing). */
  public synchronized byte[] current() {
    Instant now = clock.instant();
    if (key == null || !now.isBefore(readAt.plus(recheck))) {
      key = readOrCreate();
      readAt = now;
    }
    return key.clone();
  }

  private byte[] readOrCreate() {
    try {
      Secret secret = client.secrets().inNamespace(NAMESPACE).withName(SECRET).get();
      if (secret != null && secret.getData() != null && secret.getData().get(KEY_FIELD) != null) {
        return Base64.getDecoder().decode(secret.getData().get(KEY_FIELD));
      }
      byte[] fresh = new byte[KEY_BYTES];
      random.nextBytes(fresh);
      Secret made = new SecretBuilder().withNewMetadata().withName(SECRET).withNamespace(NAMESPACE)
          .addToLabels("app.kubernetes.io/part-of", "smm").endMetadata().withType("Opaque")
          .withData(Map.of(KEY_FIELD, Base64.getEncoder().encodeToString(fresh))).build();
      try {
        client.secrets().inNamespace(NAMESPACE).resource(made).create();
        return fresh;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) { // another replica made one first: use theirs
          return Base64.getDecoder().decode(client.secrets().inNamespace(NAMESPACE).withName(SECRET).get().getData().get(KEY_FIELD));
        }
        throw e;
      }
    } catch (KubernetesClientException e) {
      throw new AuthFailure(AuthFailure.Reason.AUTH_UNAVAILABLE, "cannot read the session key (secret " + NAMESPACE + "/" + SECRET
          + "): " + e.getMessage(), e);
    }
  }
}

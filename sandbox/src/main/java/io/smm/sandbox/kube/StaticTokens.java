package io.smm.sandbox.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens the sandbox API server accepts, like kube-apiserver's --token-auth-file: each
 * names a user and groups ("system:authenticated" is added, as the real authenticator does).
 */
public final class StaticTokens {

  private final Map<String, Identity> byToken = new ConcurrentHashMap<>();

  public void add(String token, String user, String... groups) {
    List<String> all = new ArrayList<>(List.of(groups));
    if (!all.contains("system:authenticated")) {
      all.add("system:authenticated");
    }
    byToken.put(token, new Identity(user, List.copyOf(all)));
  }

  public void add(String token, Identity identity) {
    byToken.put(token, identity);
  }

  public Optional<Identity> identity(String token) {
    return Optional.ofNullable(byToken.get(token));
  }
}

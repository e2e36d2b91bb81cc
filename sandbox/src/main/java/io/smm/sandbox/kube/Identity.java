package io.smm.sandbox.kube;

import java.util.List;

/** Who a request is from, as kube-apiserver's authenticators name users: a user name and groups. */
public record Identity(String user, List<String> groups) {

  public static final Identity ANONYMOUS = new Identity("system:anonymous", List.of("system:unauthenticated"));

  public boolean authenticated() {
    return !groups.contains("system:unauthenticated");
  }

  /** A service account's identity as the token authenticator gives it. */
  public static Identity serviceAccount(String namespace, String name) {
    return new Identity("system:serviceaccount:" + namespace + ":" + name,
        List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"));
  }
}

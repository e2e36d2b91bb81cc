package io.smm.backend.graphql;

import graphql.schema.DataFetchingEnvironment;
import io.smm.backend.auth.AuthFailure;
import io.smm.backend.auth.Caller;
import io.smm.backend.auth.NamespaceAccess;
import java.util.List;

/** The caller of a GraphQL operation and the namespaces it may be answered about. */
final class Callers {

  private Callers() {}

  /** @throws AuthFailure when the operation came without a session (the HTTP layer should have refused it already) */
  static Caller of(DataFetchingEnvironment env) {
    Caller caller = env.getGraphQlContext().get(Caller.class);
    if (caller == null) {
      throw new AuthFailure(AuthFailure.Reason.TOKEN_MISSING, "log in first: this API needs a session");
    }
    return caller;
  }

  /**
   * The namespaces to answer about: the requested ones, each of which the caller must be allowed
   * to see; when none were requested, null (all) for a caller who sees everything, else the ones
   * they see (possibly none). Blocking on a cache miss.
   */
  static List<String> within(Caller caller, List<String> requested) {
    if (requested != null && !requested.isEmpty()) {
      requested.forEach(caller::require);
      return requested;
    }
    NamespaceAccess.Visible visible = caller.visible();
    return visible.all() ? null : visible.names().stream().sorted().toList();
  }
}

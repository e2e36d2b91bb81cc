package io.smm.backend.graphql;

import graphql.schema.DataFetchingEnvironment;
import io.smm.backend.auth.AuthFailure;
import io.smm.backend.auth.Caller;
import io.smm.backend.auth.NamespaceAccess;
import io.smm.backend.prometheus.QueryScope;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/** The caller of a GraphQL operation, the namespaces it may be answered about, and running calls as it. */
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

  /**
   * Runs a call as the operation's caller on the blocking pool (calls may ask the API server),
   * within the request's {@link QueryScope}, as are the stages that follow it on that thread.
   */
  static <T> CompletableFuture<T> async(DataFetchingEnvironment env, Function<Caller, T> call, Executor executor) {
    Caller caller = of(env);
    QueryScope scope = scope(env);
    Executor scoped = task -> executor.execute(() -> scope.run(() -> {
      task.run();
      return null;
    }));
    return CompletableFuture.supplyAsync(() -> call.apply(caller), scoped);
  }

  /** The request's query scope; operations that came without one (WebSocket) get one for the caller. */
  static QueryScope scope(DataFetchingEnvironment env) {
    QueryScope scope = env.getGraphQlContext().get(QueryScope.class);
    if (scope == null) {
      scope = new QueryScope(of(env).identity().username());
      env.getGraphQlContext().put(QueryScope.class, scope);
    }
    return scope;
  }

  /** The caller once {@code check} passed; it runs on the blocking pool, since it may ask the API server. */
  static CompletableFuture<Caller> allowed(DataFetchingEnvironment env, Consumer<Caller> check, Executor executor) {
    return async(env, c -> {
      check.accept(c);
      return c;
    }, executor);
  }
}

package io.smm.backend.graphql;

import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.auth.Caller;
import io.smm.backend.auth.NamespaceAccess;
import io.smm.backend.cluster.NamespaceFeed;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The cluster as Kubernetes knows it: clusters, namespaces (a query and a subscription), services,
 * workloads, pods, events and pod logs, each read with the caller's own permissions.
 */
record ClusterResolvers(CallerServices callers, NamespaceFeed namespaceFeed, Executor blocking) {

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t
        .dataFetcher("clusters", env -> async(env, c -> callers.clusters(c).clusters()))
        .dataFetcher("namespaces", env -> async(env, c -> {
          NamespaceAccess.Visible visible = c.visible();
          return visible.all() ? callers.clusters(c).namespaces() : callers.clusters(c).namespaces(visible::contains);
        }))
        .dataFetcher("services", env -> async(env, c -> {
          List<String> ns = Callers.within(c, env.getArgument("namespaces"));
          return ns != null && ns.isEmpty() ? List.of() : callers.clusters(c).services(ns);
        }))
        .dataFetcher("workloads", env -> async(env, c -> {
          List<String> ns = Callers.within(c, env.getArgument("namespaces"));
          return ns != null && ns.isEmpty() ? List.of() : callers.clusters(c).workloads(ns);
        }))
        .dataFetcher("pods", env -> async(env, c -> callers.clusters(c).pods(env.getArgument("namespace"),
            Arguments.labels(env.getArgument("selector")))))
        .dataFetcher("workloadEntries", env -> async(env, c -> callers.clusters(c).workloadEntries(env.getArgument("namespace"),
            env.getArgument("workload"))))
        .dataFetcher("podLogs", env -> {
          int tail = Arguments.between(env, "tailLines", 1, 5000);
          return async(env, c -> callers.clusters(c).podLogs(env.getArgument("namespace"), env.getArgument("pod"),
              env.getArgument("container"), tail));
        })
        .dataFetcher("events", env -> {
          int limit = Arguments.between(env, "limit", 1, 1000);
          return async(env, c -> callers.clusters(c).events(env.getArgument("namespace"), env.getArgument("workload"),
              env.getArgument("pod"), limit));
        }));
    wiring.type("Subscription", t -> t
        .dataFetcher("namespaces", env -> {
          Caller c = Callers.of(env);
          // Each list is cut to what the caller may see when it is sent (access is cached briefly).
          return new MappedPublisher<>(namespaceFeed.publisher(), list -> {
            NamespaceAccess.Visible visible = c.visible();
            return list.stream().filter(n -> visible.contains(n.name())).toList();
          });
        }));
  }

  private <T> CompletableFuture<T> async(DataFetchingEnvironment env, Function<Caller, T> call) {
    return Callers.async(env, call, blocking);
  }
}

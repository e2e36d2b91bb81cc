package io.smm.backend.graphql;

import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.auth.Caller;
import io.smm.backend.cluster.Label;
import io.smm.backend.tap.TapEntry;
import io.smm.backend.tap.TapFilter;
import java.util.Map;

/** Traffic tap: the {@code tap} subscription (a namespace the caller may read) and the access-log receiver's counters. */
record TapResolvers(SmmGraphQL.Tap tap) {

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t.dataFetcher("tapReceiver", env -> tap.stats().get()));
    wiring.type("TapRequest", t -> t.dataFetcher("headers", FiniteProperties.<TapEntry.Request>derived(r -> Label.sorted(r.headers()))));
    wiring.type("Subscription", t -> t.dataFetcher("tap", env -> {
      Caller c = Callers.of(env);
      TapFilter filter = filter(env.getArgument("filter"));
      c.require(filter.namespace());
      return tap.streams().open(filter);
    }));
  }

  private static TapFilter filter(Map<String, Object> f) {
    return TapFilter.of((String) f.get("kind"), (String) f.get("namespace"), (String) f.get("name"),
        (String) f.get("direction"), (String) f.get("destination"), (String) f.get("method"), (String) f.get("pathPrefix"),
        (Integer) f.get("minResponseCode"), (Integer) f.get("maxResponseCode"), (String) f.get("header"), (String) f.get("protocol"),
        (String) f.get("grpcStatus"));
  }
}

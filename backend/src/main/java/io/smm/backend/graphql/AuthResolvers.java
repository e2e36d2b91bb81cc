package io.smm.backend.graphql;

import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.BuildInfo;
import io.smm.backend.auth.Caller;
import java.util.List;

/** Who is asking, and what answers: {@code version}, {@code me}. */
record AuthResolvers(BuildInfo build) {

  record Version(String version) {}

  record User(String username, List<String> groups, boolean anonymous) {}

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t
        .dataFetcher("version", env -> new Version(build.version()))
        .dataFetcher("me", env -> {
          Caller c = Callers.of(env);
          return new User(c.identity().username(), c.identity().groups(), c.anonymous());
        }));
  }
}

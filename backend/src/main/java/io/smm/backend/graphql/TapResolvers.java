package io.smm.backend.graphql;

import graphql.schema.idl.RuntimeWiring;
import io.smm.backend.auth.Caller;
import io.smm.backend.cluster.Label;
import io.smm.backend.tap.TapEntry;
import io.smm.backend.tap.TapFilter;
import io.smm.backend.tap.TapStreams;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;

/** Traffic tap: the {@code tap} subscription (a namespace the caller may read) and the access-log receiver's counters. */
record TapResolvers(SmmGraphQL.Tap tap) {

  /**
   * Entries per WebSocket batch: its JSON is built on the socket's event loop, so each is a few
   * milliseconds of work (20 000 entries a second at 20 batches a second).
   */
  static final int SOCKET_BATCH = 1000;

  void wire(RuntimeWiring.Builder wiring) {
    wiring.type("Query", t -> t.dataFetcher("tapReceiver", env -> tap.stats().get()));
    wiring.type("TapRequest", t -> t.dataFetcher("headers", FiniteProperties.<TapEntry.Request>derived(r -> Label.sorted(r.headers()))));
    wiring.type("Subscription", t -> t.dataFetcher("tap", env -> {
      Caller c = Callers.of(env);
      TapFilter filter = filter(env.getArgument("filter"));
      c.require(filter.namespace());
      // Over a WebSocket, the socket says when the client stops reading.
      ServerWebSocket socket = env.getGraphQlContext().get(ServerWebSocket.class);
      // Batches are written on the socket's own event loop, one at a time, so its writability
      // counts every byte waiting for the client (writes from other threads would queue as tasks).
      Context context = Vertx.currentContext();
      return socket == null || context == null ? tap.streams().open(filter) : tap.streams().open(filter, new TapStreams.Outlet() {
        @Override
        public boolean congested() {
          return socket.writeQueueFull();
        }

        @Override
        public void deliver(Runnable send) {
          context.runOnContext(v -> send.run());
        }

        @Override
        public int maxBatch() {
          return SOCKET_BATCH;
        }

        @Override
        public void abandon(String why) {
          socket.close((short) 1008, why); // policy violation: it subscribed and does not read
        }
      });
    }));
  }

  private static TapFilter filter(Map<String, Object> f) {
    return TapFilter.of((String) f.get("kind"), (String) f.get("namespace"), (String) f.get("name"),
        (String) f.get("direction"), (String) f.get("destination"), (String) f.get("method"), (String) f.get("pathPrefix"),
        (Integer) f.get("minResponseCode"), (Integer) f.get("maxResponseCode"), (String) f.get("header"), (String) f.get("protocol"),
        (String) f.get("grpcStatus"));
  }
}

package io.smm.backend.http;

import io.smm.backend.auth.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most {@code running} GraphQL requests of one user run at a time; more wait their turn (up to
 * {@code waiting}, then 429 with Retry-After), so that one user's script or many open tabs cannot
 * take every worker and Prometheus slot from the others. A waiting request whose client has gone
 * is dropped without running. Runs after the session check: the user is the caller's name.
 */
final class UserConcurrency {

  private final int running;
  private final int waiting;
  private final Map<String, Lane> lanes = new HashMap<>();

  private static final class Lane {
    int running;
    final Deque<RoutingContext> waiting = new ArrayDeque<>();
  }

  UserConcurrency(int running, int waiting) {
    this.running = running;
    this.waiting = waiting;
  }

  void handle(RoutingContext rc) {
    Caller caller = rc.get(AuthRoutes.CALLER);
    String user = caller.identity().username();
    synchronized (lanes) {
      Lane lane = lanes.computeIfAbsent(user, u -> new Lane());
      if (lane.running >= running) {
        if (lane.waiting.size() >= waiting) {
          rc.response().setStatusCode(429).putHeader("Retry-After", "1").putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("errors", new JsonArray().add(new JsonObject()
                  .put("message", "too many requests of " + user + " at once: " + running + " running and " + waiting
                      + " waiting; retry when some have answered")
                  .put("extensions", new JsonObject().put("code", "TOO_MANY_REQUESTS")))).encode());
          return;
        }
        lane.waiting.add(rc);
        return;
      }
      lane.running++;
    }
    start(rc, user);
  }

  private void start(RoutingContext rc, String user) {
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        finished(user);
      }
    };
    // Vert.x-Web calls end handlers when the response ends and when the connection closes before.
    rc.addEndHandler(v -> release.run());
    if (rc.response().closed()) {
      release.run();
      return;
    }
    rc.next();
  }

  private void finished(String user) {
    RoutingContext next = null;
    synchronized (lanes) {
      Lane lane = lanes.get(user);
      while (!lane.waiting.isEmpty() && next == null) {
        RoutingContext candidate = lane.waiting.poll();
        if (!candidate.response().closed()) {
          next = candidate;
        }
      }
      if (next == null) {
        lane.running--;
        if (lane.running == 0 && lane.waiting.isEmpty()) {
          lanes.remove(user);
        }
      }
    }
    if (next != null) {
      RoutingContext chosen = next;
      // On the waiting request's own context: its handlers expect their event loop.
      chosen.vertx().runOnContext(v -> start(chosen, user));
    }
  }
}

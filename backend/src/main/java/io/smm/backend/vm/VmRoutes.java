package io.smm.backend.vm;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP face of {@link VmBootstrapService}: {@code GET /api/vm/v1/workloadgroups/{namespace}/{name}}
 * with the group's service account token as {@code Authorization: Bearer}. The answer is the
 * {@link VmBootstrap} as JSON; a refusal is {@code {"error": "..."}} with its status. No dashboard
 * session: a VM has none, its token is its credential.
 */
public final class VmRoutes {

  public static final String PATH = "/api/vm/v1/workloadgroups";

  private final VmBootstrapService service;
  private final Vertx vertx;

  public VmRoutes(VmBootstrapService service, Vertx vertx) {
    this.service = service;
    this.vertx = vertx;
  }

  public void mount(Router router) {
    router.get(PATH + "/:namespace/:name").handler(this::bootstrap);
  }

  private void bootstrap(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (token == null || token.isEmpty()) {
      error(rc, 401, "no bearer token: send the WorkloadGroup's service account token as 'Authorization: Bearer <token>'");
      return;
    }
    String namespace = rc.pathParam("namespace");
    String name = rc.pathParam("name");
    vertx.executeBlocking(() -> service.bootstrap(namespace, name, token), false)
        .onSuccess(b -> rc.json(JsonObject.mapFrom(b)))
        .onFailure(e -> {
          if (e instanceof VmBootstrapException v) {
            error(rc, v.status(), v.getMessage());
          } else {
            error(rc, 500, "VM configuration failed: " + e.getMessage());
          }
        });
  }

  private static void error(RoutingContext rc, int status, String message) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }
}

package dev.chorus.http;

import dev.chorus.cluster.MemberDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The plain HTTP endpoints: GET /health, GET /ready, GET /api/cluster; everything else is 404 (Vert.x Web's
 * default).
 */
public final class HttpRoutes {

  private HttpRoutes() {
  }

  /** A router serving the health endpoints for this node's readiness and the cluster view. */
  public static Router create(Vertx vertx, Readiness readiness, MemberDirectory members) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, 200, "{\"status\":\"UP\"}"));
    router.get("/ready").handler(ctx -> {
      if (readiness.isReady()) {
        json(ctx, 200, "{\"status\":\"READY\"}");
      } else {
        json(ctx, 503, "{\"status\":\"NOT_READY\"}");
      }
    });
    router.get("/api/cluster").handler(ctx -> members.view()
      .onSuccess(view -> json(ctx, 200, view.encode()))
      .onFailure(failure -> json(ctx, 503, new JsonObject()
        .put("error", "cluster view unavailable: " + failure.getMessage()).encode())));
    return router;
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }
}

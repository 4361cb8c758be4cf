package dev.chorus.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON answers of the HTTP API: a body with its status, errors as {@code {"error":"..."}}. */
final class JsonResponse {

  private JsonResponse() {
  }

  /** Answers with {@code body} once {@code result} succeeds; 503 when the cluster could not answer. */
  static void when(RoutingContext ctx, Future<JsonObject> result, int status) {
    result.onComplete(done -> {
      if (done.succeeded()) {
        send(ctx, status, done.result());
      } else {
        unavailable(ctx, done.cause());
      }
    });
  }

  /** 503: the cluster (or the history store) could not answer. */
  static void unavailable(RoutingContext ctx, Throwable cause) {
    error(ctx, 503, "cluster unavailable: " + cause.getMessage());
  }

  static void error(RoutingContext ctx, int status, String message) {
    send(ctx, status, new JsonObject().put("error", message));
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
  }
}

package dev.chorus.http;

import dev.chorus.protocol.RoomName;
import io.vertx.ext.web.RoutingContext;

/** The {@code :room} of an admin API path. */
final class RoomPath {

  private RoomPath() {
  }

  /** The path's room, or null after answering 400. */
  static String of(RoutingContext ctx) {
    String room = ctx.pathParam("room");
    if (!RoomName.isValid(room)) {
      JsonResponse.error(ctx, 400, "room names are 1-64 letters, digits, '-', '_' or '.'");
      return null;
    }
    return room;
  }
}

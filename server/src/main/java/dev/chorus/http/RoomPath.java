package dev.chorus.http;

import dev.chorus.config.Settings;
import dev.chorus.protocol.RoomName;
import io.vertx.ext.web.RoutingContext;

/** The {@code :room} of an admin API path. */
final class RoomPath {

  private RoomPath() {
  }

  /** The path's room, or null after answering 400 for a bad name or a namespace the settings do not name. */
  static String of(RoutingContext ctx, Settings.Rooms rooms) {
    String room = ctx.pathParam("room");
    if (!RoomName.isValid(room)) {
      JsonResponse.error(ctx, 400, "room names are [namespace:]name: a namespace of 1-32 letters, digits, '-' or '_', "
        + "then ':', then 1-64 letters, digits, '-', '_' or '.'");
      return null;
    }
    if (rooms.options(RoomName.namespaceOf(room)) == null) {
      JsonResponse.error(ctx, 400, "no namespace '" + RoomName.namespaceOf(room) + "' in rooms.namespaces");
      return null;
    }
    return room;
  }
}

package dev.chorus.http;

import dev.chorus.config.Settings;
import dev.chorus.presence.Presence;
import dev.chorus.protocol.RoomName;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * GET /api/rooms: the rooms with members and their member counts; GET /api/rooms/{room}/members: a room's
 * members, sorted. Cluster-wide, from presence.
 */
final class RoomsResource {

  private final Presence presence;
  private final Settings.Rooms rooms;

  RoomsResource(Presence presence, Settings.Rooms rooms) {
    this.presence = presence;
    this.rooms = rooms;
  }

  void rooms(RoutingContext ctx) {
    JsonResponse.when(ctx, presence.rooms().map(rooms -> {
      JsonArray list = new JsonArray();
      for (Map.Entry<String, Integer> room : rooms.entrySet()) {
        list.add(new JsonObject().put("room", room.getKey()).put("members", room.getValue()));
      }
      return new JsonObject().put("rooms", list);
    }), 200);
  }

  void members(RoutingContext ctx) {
    String room = RoomPath.of(ctx, rooms);
    if (room != null && !rooms.options(RoomName.namespaceOf(room)).presence()) {
      JsonResponse.error(ctx, 404, "room '" + room + "' has presence off");
    } else if (room != null) {
      JsonResponse.when(ctx, presence.members(room).map(members ->
        new JsonObject().put("room", room).put("members", new JsonArray(members))), 200);
    }
  }
}

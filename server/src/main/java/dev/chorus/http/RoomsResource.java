package dev.chorus.http;

import dev.chorus.config.Settings;
import dev.chorus.presence.Presence;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.Sender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * GET /api/rooms: the rooms with members and their member counts; GET /api/rooms/{room}/members: a room's
 * members, sorted, and their details (connections, the meta of the latest join). Cluster-wide, from presence.
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
      JsonResponse.when(ctx, presence.details(room).map(members -> {
        JsonArray names = new JsonArray();
        JsonArray details = new JsonArray();
        for (Presence.MemberDetails member : members) {
          Sender who = Sender.fromStored(member.name());
          names.add(who.name());
          JsonObject detail = new JsonObject().put("name", who.name());
          if (who.user() != null) {
            detail.put("user", who.user());
          }
          details.add(detail.put("connections", member.connections())
            .put("meta", member.meta() == null ? new JsonObject() : new JsonObject(member.meta())));
        }
        return new JsonObject().put("room", room).put("members", names).put("details", details);
      }), 200);
    }
  }
}

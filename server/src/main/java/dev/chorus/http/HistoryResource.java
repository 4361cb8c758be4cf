package dev.chorus.http;

import dev.chorus.config.Settings;
import dev.chorus.history.HistoryEntry;
import dev.chorus.history.RoomHistory;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.Sender;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /api/rooms/{room}/history?since=&amp;limit=: the retained messages with seq &gt; since (without since:
 * the newest {@code limit}), oldest first, and the room's epoch they count in; limit 1-{@value #MAX_LIMIT},
 * default {@value #DEFAULT_LIMIT}.
 */
final class HistoryResource {

  /** Largest and default number of messages a history call returns. */
  static final int MAX_LIMIT = 1000;
  static final int DEFAULT_LIMIT = 100;

  private final RoomHistory history;
  private final Settings.Rooms rooms;

  HistoryResource(RoomHistory history, Settings.Rooms rooms) {
    this.history = history;
    this.rooms = rooms;
  }

  void read(RoutingContext ctx) {
    String room = RoomPath.of(ctx, rooms);
    if (room == null) {
      return;
    }
    if (!rooms.options(RoomName.namespaceOf(room)).history()) {
      JsonResponse.error(ctx, 404, "room '" + room + "' keeps no history (its namespace has history false)");
      return;
    }
    QueryParam since = QueryParam.integer(ctx, "since", 0, Long.MAX_VALUE);
    QueryParam limitParam = QueryParam.integer(ctx, "limit", 1, MAX_LIMIT);
    if (since.isMalformed() || limitParam.isMalformed()) {
      JsonResponse.error(ctx, 400, "since must be an integer >= 0 and limit 1-" + MAX_LIMIT);
      return;
    }
    int limit = (int) limitParam.orElse(DEFAULT_LIMIT);
    Future<Long> from = since.isMissing()
      ? history.position(room).map(position -> Math.max(0, position.lastSeq() - limit))
      : Future.succeededFuture(since.orElse(0));
    JsonResponse.when(ctx, from.compose(after -> history.read(room, after, Long.MAX_VALUE, limit)).map(page -> {
      JsonArray messages = new JsonArray();
      for (HistoryEntry entry : page.entries()) {
        Sender sender = Sender.fromStored(entry.sender());
        JsonObject message = new JsonObject().put("seq", entry.seq()).put("ts", entry.ts())
          .put("sender", sender.name());
        if (sender.user() != null) {
          message.put("user", sender.user());
        }
        message.put("message", entry.message());
        if (entry.id() != null) {
          message.put("id", entry.id());
        }
        messages.add(message);
      }
      return new JsonObject().put("room", room).put("epoch", page.epoch()).put("messages", messages);
    }), 200);
  }
}

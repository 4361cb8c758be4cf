package dev.chorus.http;

import dev.chorus.chat.ChatRules;
import dev.chorus.chat.RoomPublisher;
import dev.chorus.config.Settings;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * POST /api/rooms/{room}/messages {@code {"sender":"ops","message":"..."}}: publishes a chat message,
 * sequenced and retained like any other (not in a room without history: no seq); 201 with its room, seq and
 * ts. The sender and the message follow the clients' {@link ChatRules}; a room's publish option does not
 * apply (publish "server" means this API).
 */
final class MessagesResource {

  private final ChatRules rules;
  private final Settings.Rooms rooms;
  private final RoomPublisher publisher;

  MessagesResource(ChatRules rules, Settings.Rooms rooms, RoomPublisher publisher) {
    this.rules = rules;
    this.rooms = rooms;
    this.publisher = publisher;
  }

  void publish(RoutingContext ctx) {
    String room = RoomPath.of(ctx, rooms);
    if (room == null) {
      return;
    }
    SenderMessage body = SenderMessage.of(ctx, rules);
    if (body == null) {
      return;
    }
    JsonResponse.when(ctx, publisher.publishChat(room, body.sender(), body.message()).map(chat -> {
      JsonObject created = new JsonObject().put("room", room);
      if (chat.sequenced()) {
        created.put("seq", chat.seq());
      }
      return created.put("ts", chat.ts());
    }), 201);
  }
}

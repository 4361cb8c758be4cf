package dev.chorus.http;

import dev.chorus.chat.ChatRules;
import dev.chorus.chat.RoomPublisher;
import dev.chorus.config.Settings;
import dev.chorus.protocol.ClientMessage;
import dev.chorus.protocol.Sender;
import dev.chorus.protocol.ServerMessage;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * POST /api/rooms/{room}/messages {@code {"sender":"ops","message":"...","id":"c-17"}}: publishes a chat
 * message, sequenced and retained like any other (not in a room without history: no seq nor epoch); 201 with
 * its room, seq, ts and epoch. With an {@code id} (optional, as a chat's) it is stored once: an id the room
 * stored already answers 200 with the original's seq and ts, and {@code "duplicate":true}. The sender and
 * the message follow the clients' {@link ChatRules}; a room's publish option does not apply (publish
 * "server" means this API).
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
    Object id = ctx.body().asJsonObject().getValue("id");
    if (id != null && !(id instanceof String text && ClientMessage.Chat.isValidId(text))) {
      JsonResponse.error(ctx, 400, "id must be 1-" + ClientMessage.Chat.MAX_ID_LENGTH
        + " printable ASCII characters without spaces");
      return;
    }
    publisher.publishChat(room, (String) id, Sender.named(body.sender()), body.message()).onComplete(done -> {
      if (done.failed()) {
        JsonResponse.unavailable(ctx, done.cause());
        return;
      }
      RoomPublisher.Published published = done.result();
      ServerMessage.Chat chat = published.chat();
      JsonObject created = new JsonObject().put("room", room);
      if (chat.sequenced()) {
        created.put("seq", chat.seq());
      }
      created.put("ts", chat.ts());
      if (published.epoch() != null) {
        created.put("epoch", published.epoch());
      }
      if (published.duplicate()) {
        created.put("duplicate", true);
      }
      JsonResponse.send(ctx, published.duplicate() ? 200 : 201, created);
    });
  }
}

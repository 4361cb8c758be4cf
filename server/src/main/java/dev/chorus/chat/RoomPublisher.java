package dev.chorus.chat;

import dev.chorus.broker.Broker;
import dev.chorus.config.Settings;
import dev.chorus.history.RoomHistory;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.webhooks.WebhookEvents;
import io.vertx.core.Future;

/**
 * Cluster-wide publishing into rooms. A chat message is first sequenced and stored by the room's history,
 * then published with its seq, so every delivered chat message is in history; in a room without history
 * (its namespace's option) it is published at once, without a seq. Status messages are published as they
 * are (no seq, not retained).
 */
public final class RoomPublisher {

  private final RoomHistory history;
  private final Broker broker;
  private final Settings.Rooms rooms;
  private final WebhookEvents webhooks;

  public RoomPublisher(RoomHistory history, Broker broker, Settings.Rooms rooms, WebhookEvents webhooks) {
    this.history = history;
    this.broker = broker;
    this.rooms = rooms;
    this.webhooks = webhooks;
  }

  /** The node's webhook events, for the presence changes its callers make. */
  public WebhookEvents webhooks() {
    return webhooks;
  }

  /**
   * Sequences, stores and publishes a chat message; completes with it once published. A failure means it
   * reached nobody. Callers that need one sender's messages in order wait for each before the next.
   */
  public Future<ServerMessage.Chat> publishChat(String room, String sender, String message) {
    Settings.RoomOptions options = rooms.options(RoomName.namespaceOf(room));
    if (options != null && !options.history()) {
      ServerMessage.Chat chat = new ServerMessage.Chat(room, ServerMessage.Chat.UNSEQUENCED,
        System.currentTimeMillis(), sender, message);
      broker.publish(room, chat);
      webhooks.messagePublished(room, sender, message, chat.seq(), chat.ts());
      return Future.succeededFuture(chat);
    }
    return history.append(room, sender, message, System.currentTimeMillis()).map(entry -> {
      ServerMessage.Chat chat = new ServerMessage.Chat(room, entry.seq(), entry.ts(), sender, message);
      broker.publish(room, chat);
      webhooks.messagePublished(room, sender, message, chat.seq(), chat.ts());
      return chat;
    });
  }

  /** Tells the room's other members, on every node, that {@code name} of connection {@code from} is typing. */
  public void publishTyping(String room, String name, String from) {
    broker.publishEphemeral(room, from, new ServerMessage.Typing(room, name));
  }

  /** Publishes a status message to the room on every node. */
  public void publishStatus(ServerMessage.Status status) {
    broker.publish(status.room(), status);
  }
}

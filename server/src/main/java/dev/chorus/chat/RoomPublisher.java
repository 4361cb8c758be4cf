package dev.chorus.chat;

import dev.chorus.broker.Broker;
import dev.chorus.history.RoomHistory;
import dev.chorus.protocol.ServerMessage;
import io.vertx.core.Future;

/**
 * Cluster-wide publishing into rooms. A chat message is first sequenced and stored by the room's history,
 * then published with its seq, so every delivered chat message is in history; status messages are
 * published as they are (no seq, not retained).
 */
public final class RoomPublisher {

  private final RoomHistory history;
  private final Broker broker;

  public RoomPublisher(RoomHistory history, Broker broker) {
    this.history = history;
    this.broker = broker;
  }

  /**
   * Sequences, stores and publishes a chat message; completes with it once published. A failure means it
   * reached nobody. Callers that need one sender's messages in order wait for each before the next.
   */
  public Future<ServerMessage.Chat> publishChat(String room, String sender, String message) {
    return history.append(room, sender, message, System.currentTimeMillis()).map(entry -> {
      ServerMessage.Chat chat = new ServerMessage.Chat(room, entry.seq(), entry.ts(), sender, message);
      broker.publish(room, chat);
      return chat;
    });
  }

  /** Publishes a status message to the room on every node. */
  public void publishStatus(ServerMessage.Status status) {
    broker.publish(status.room(), status);
  }
}

package dev.chorus.broker;

import dev.chorus.protocol.ServerMessage;
import io.vertx.core.Future;

/**
 * Cross-node publish and subscribe for room messages.
 * <p>Contract: a published message reaches every node that was subscribed when it was published, at most
 * once (a node that crashes loses what was in flight), in publish order per publishing node. Each message
 * is encoded once on the publishing node.
 */
public interface Broker {

  /** Publishes a message without seq (status) to the clients in the room on every node, this one included. */
  void publish(String room, ServerMessage message);

  /**
   * Publishes a chat message to the clients in the room on every node, this one included. A sequenced one
   * carries its seq from history and the {@code epoch} it counts in (see {@code chat.RoomPublisher});
   * receivers hand chat messages out in seq order.
   */
  void publishChat(String room, ServerMessage.Chat chat, String epoch);

  /**
   * Publishes an ephemeral message (typing) to the room on every node, to every member but the sending
   * connection {@code from}: at most once, unordered, droppable.
   */
  void publishEphemeral(String room, String from, ServerMessage message);

  /** Starts delivering the cluster's messages to this node's sockets; completes when registered cluster-wide. */
  Future<Void> subscribe();

  /** Stops delivering. */
  Future<Void> unsubscribe();
}

package dev.chorus.hub;

import io.vertx.core.http.ServerWebSocket;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The sockets of one verticle instance by room, and delivery to them: LOCAL fan-out only. A message for
 * the whole cluster goes through the broker, which calls {@link #deliver} on every node.
 * Confined to its verticle's event loop: not thread-safe, by design.
 */
public final class LocalHub {

  private final Map<String, Set<ServerWebSocket>> rooms = new HashMap<>();
  private final Consumer<ServerWebSocket> whenQueueFull;

  /** A hub that writes to every socket, however full its outbound queue. */
  public LocalHub() {
    this(socket -> { });
  }

  /**
   * A hub that skips a socket whose outbound queue is full (its write-queue limit reached) and reports it
   * to {@code whenQueueFull}: a client that stops reading misses messages instead of growing memory.
   */
  public LocalHub(Consumer<ServerWebSocket> whenQueueFull) {
    this.whenQueueFull = whenQueueFull;
  }

  /** Adds a socket to a room; it receives that room's deliveries until removed. */
  public void add(String room, ServerWebSocket socket) {
    rooms.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(socket);
  }

  /** Removes a socket from a room. */
  public void remove(String room, ServerWebSocket socket) {
    Set<ServerWebSocket> sockets = rooms.get(room);
    if (sockets != null && sockets.remove(socket) && sockets.isEmpty()) {
      rooms.remove(room);
    }
  }

  /** Writes one encoded message to every socket of the room on this event loop. */
  public void deliver(String room, byte[] utf8Json) {
    Set<ServerWebSocket> sockets = rooms.get(room);
    if (sockets == null) {
      return;
    }
    for (ServerWebSocket socket : sockets) {
      if (socket.isClosed()) {
        continue;
      }
      if (socket.writeQueueFull()) {
        whenQueueFull.accept(socket);
      } else {
        socket.writeFrame(TextFrames.of(utf8Json));
      }
    }
  }

  /** How many sockets are in the room on this event loop. */
  public int size(String room) {
    Set<ServerWebSocket> sockets = rooms.get(room);
    return sockets == null ? 0 : sockets.size();
  }
}

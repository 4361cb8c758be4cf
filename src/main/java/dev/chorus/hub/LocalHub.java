package dev.chorus.hub;

import dev.chorus.metrics.ChorusMetrics;
import io.vertx.core.http.ServerWebSocket;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sockets of one verticle instance by room, and delivery to them: LOCAL fan-out only. A message for
 * the whole cluster goes through the broker, which calls {@link #deliver} on every node.
 * Confined to its verticle's event loop: not thread-safe, by design.
 */
public final class LocalHub {

  private final Map<String, Set<ServerWebSocket>> rooms = new HashMap<>();
  private final ChorusMetrics metrics;

  public LocalHub(ChorusMetrics metrics) {
    this.metrics = metrics;
  }

  /** Adds a socket to a room; it receives that room's deliveries until removed. */
  public void add(String room, ServerWebSocket socket) {
    rooms.computeIfAbsent(room, r -> {
      metrics.roomOpened(r);
      return new LinkedHashSet<>();
    }).add(socket);
  }

  /** Removes a socket from a room. */
  public void remove(String room, ServerWebSocket socket) {
    Set<ServerWebSocket> sockets = rooms.get(room);
    if (sockets != null && sockets.remove(socket) && sockets.isEmpty()) {
      rooms.remove(room);
      metrics.roomClosed(room);
    }
  }

  /** Writes one encoded message to every socket of the room on this event loop; returns how many. */
  public int deliver(String room, byte[] utf8Json) {
    Set<ServerWebSocket> sockets = rooms.get(room);
    if (sockets == null) {
      return 0;
    }
    int written = 0;
    for (ServerWebSocket socket : sockets) {
      if (!socket.isClosed()) {
        socket.writeFrame(TextFrames.of(utf8Json));
        written++;
      }
    }
    return written;
  }

  /** How many sockets are in the room on this event loop. */
  public int size(String room) {
    Set<ServerWebSocket> sockets = rooms.get(room);
    return sockets == null ? 0 : sockets.size();
  }
}

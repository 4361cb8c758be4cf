package dev.chorus.hub;

import io.vertx.core.http.ServerWebSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's open WebSockets across all verticle instances, for counting only (GET /api/cluster).
 * <p>Sockets are added when accepted and forgotten once closed; closed ones are pruned when counted, so
 * no close handler is needed (the sessions own those). Thread-safe: every event loop adds to it.
 */
public final class NodeSockets {

  private final Set<ServerWebSocket> sockets = ConcurrentHashMap.newKeySet();

  /** Tracks an accepted socket until it closes. */
  public void add(ServerWebSocket socket) {
    sockets.add(socket);
  }

  /** How many tracked sockets are still open. */
  public int count() {
    sockets.removeIf(ServerWebSocket::isClosed);
    return sockets.size();
  }
}

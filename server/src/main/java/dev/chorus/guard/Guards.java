package dev.chorus.guard;

import dev.chorus.config.Settings;
import dev.chorus.transport.ClientSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocketHandshake;

/**
 * The guards of one verticle instance, and the hooks the verticle and the sessions call: refuse an upgrade,
 * count an accepted socket, guard a chat connection. Create and use on the verticle's event loop.
 */
public final class Guards {

  private final NodeGuards node;
  private final Settings.Limits limits;
  private final HandshakeGuard handshakes;
  private final JwtAuthenticator jwt;

  public Guards(Vertx vertx, Settings settings, NodeGuards node) {
    this.node = node;
    this.limits = settings.limits();
    this.handshakes = new HandshakeGuard(new OriginPolicy(settings.security().allowedOrigins()), node.connections(),
      node.counters());
    this.jwt = settings.security().jwtEnabled() ? JwtAuthenticator.create(vertx, settings.security()) : null;
  }

  /** {@link HandshakeGuard#ACCEPT}, or the HTTP status to refuse this upgrade with. */
  public int refusal(ServerWebSocketHandshake handshake) {
    return handshakes.check(handshake.headers());
  }

  /**
   * Counts a freshly accepted socket until it closes, in the node's connections and in the metrics' open
   * WebSockets by endpoint (its path without the slash), opened and closed together.
   */
  public void opened(ClientSocket socket) {
    ConnectionLimiter connections = node.connections();
    String endpoint = socket.path().substring(1);
    connections.opened();
    node.metrics().connectionOpened(endpoint);
    socket.onClosed(() -> {
      connections.closed();
      node.metrics().connectionClosed(endpoint);
    });
  }

  /** The limits of a new /chat connection. */
  public ConnectionGuard forChat(ClientSocket socket) {
    return new ConnectionGuard(socket, limits, jwt, node.counters());
  }
}

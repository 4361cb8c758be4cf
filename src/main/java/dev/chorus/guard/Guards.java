package dev.chorus.guard;

import dev.chorus.config.Settings;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;

/**
 * The guards of one verticle instance, and the hooks the verticle, the hub and the sessions call: refuse an
 * upgrade, watch an accepted socket (frame rules, heartbeat, outbound queue, connection count), guard a chat
 * connection. Create and use on the verticle's event loop.
 */
public final class Guards {

  private final Context context;
  private final NodeGuards node;
  private final Settings.Limits limits;
  private final HandshakeGuard handshakes;
  private final Heartbeat heartbeat;
  private final SlowConsumerGuard slowConsumers;
  private final JwtAuthenticator jwt;

  public Guards(Vertx vertx, Context context, Settings settings, NodeGuards node) {
    this.context = context;
    this.node = node;
    this.limits = settings.limits();
    this.handshakes = new HandshakeGuard(new OriginPolicy(settings.security().allowedOrigins()), node.connections(),
      node.counters());
    this.heartbeat = new Heartbeat(vertx, context, limits.pingIntervalSeconds(), limits.idleTimeoutSeconds(),
      node.counters());
    this.slowConsumers = new SlowConsumerGuard(vertx, context, limits.writeQueueMaxBytes(),
      limits.slowConsumerTimeoutMillis(), node.counters());
    this.jwt = settings.security().jwtEnabled() ? JwtAuthenticator.create(vertx, settings.security()) : null;
  }

  /** Starts the heartbeat and slow-consumer timers. */
  public void start() {
    heartbeat.start();
    slowConsumers.start();
  }

  /** Stops the timers. */
  public void stop() {
    heartbeat.stop();
    slowConsumers.stop();
  }

  /** {@link HandshakeGuard#ACCEPT}, or the HTTP status to refuse this upgrade with. */
  public int refusal(ServerWebSocketHandshake handshake) {
    return handshakes.check(handshake.headers());
  }

  /**
   * Watches a freshly accepted socket until it closes: counts it in the node's connections and in the
   * metrics' open WebSockets by endpoint (its path without the slash), opened and closed together. Sets the
   * socket's exception and frame handlers.
   */
  public void opened(ServerWebSocket socket) {
    ConnectionLimiter connections = node.connections();
    String endpoint = socket.path().substring(1);
    connections.opened();
    node.metrics().connectionOpened(endpoint);
    Channels.whenClosed(socket, context, () -> {
      connections.closed();
      node.metrics().connectionClosed(endpoint);
    });
    FrameGuard.install(socket, node.counters());
    heartbeat.watch(socket);
    slowConsumers.watch(socket);
  }

  /** The hub dropped a delivery for this socket because its outbound queue is full. */
  public void queueFull(ServerWebSocket socket) {
    slowConsumers.queueFull(socket);
  }

  /** The limits of a new /chat connection. */
  public ConnectionGuard forChat(ServerWebSocket socket) {
    return new ConnectionGuard(socket, limits, jwt, node.counters());
  }
}

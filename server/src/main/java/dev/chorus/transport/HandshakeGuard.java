package dev.chorus.transport;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The HTTP connections of one event loop that are not WebSockets (yet): each gets a {@link HandshakeDeadline}
 * (server.handshakeTimeoutSeconds) and counts in the node's {@link PendingConnections}; a connection that takes
 * the node past that budget closes the one of this event loop that has waited longest for its client (a
 * request being answered is never pushed out; Vert.x spreads connections over the event loops in turn, so each
 * holds its share of a flood). A
 * connection is watched from when Vert.x sets it up: at once for HTTP/1 without h2c (with h2c, only after its
 * first request's headers). One per verticle instance; confined to its event loop.
 */
public final class HandshakeGuard {

  static final String HANDLER = "chorus-handshake";

  private final VertxInternals internals;
  private final PendingConnections pending;
  private final long timeoutMillis;
  private final boolean proxyProtocol;
  /** This event loop's connections waiting for their client to send a request, longest first. */
  private final LinkedHashSet<HandshakeDeadline> waiting = new LinkedHashSet<>();

  /**
   * A guard with the node's budget and a deadline of {@code timeoutSeconds}, reading a PROXY protocol header
   * first on every connection when {@code proxyProtocol} ({@link ProxyHeader}).
   */
  public HandshakeGuard(PendingConnections pending, int timeoutSeconds, boolean proxyProtocol) {
    this(Transport.NodeInternals.INSTANCE, pending, timeoutSeconds * 1000L, proxyProtocol);
  }

  HandshakeGuard(VertxInternals internals, PendingConnections pending, long timeoutMillis, boolean proxyProtocol) {
    this.internals = internals;
    this.pending = pending;
    this.timeoutMillis = timeoutMillis;
    this.proxyProtocol = proxyProtocol;
  }

  /** Guards every connection of {@code server}: install before it listens. */
  public HttpServer guard(HttpServer server) {
    return server.connectionHandler(this::watch);
  }

  /** Watches a new HTTP connection (the server's connection handler, on its event loop). */
  void watch(HttpConnection connection) {
    ChannelHandlerContext vertxHandler = internals.pipeline(connection);
    if (vertxHandler == null || vertxHandler.pipeline().get(HANDLER) != null) {
      return;
    }
    vertxHandler.pipeline().addBefore(vertxHandler.name(), HANDLER, new HandshakeDeadline(this, timeoutMillis));
    if (proxyProtocol) {
      ProxyHeader.install(vertxHandler);
    }
  }

  /** A deadline was added to its channel's pipeline. */
  void added(HandshakeDeadline connection) {
    waiting.add(connection);
    if (pending.added()) {
      Iterator<HandshakeDeadline> oldest = waiting.iterator();
      HandshakeDeadline evicted = oldest.next();
      if (evicted != connection) {
        oldest.remove();
        evicted.close();
      }
    }
  }

  /** {@code connection} waits for its client's next request from now on. */
  void awaiting(HandshakeDeadline connection) {
    waiting.remove(connection);
    waiting.add(connection);
  }

  /** {@code connection}'s request is being answered: it is not pushed out meanwhile. */
  void answering(HandshakeDeadline connection) {
    waiting.remove(connection);
  }

  /** A deadline left its pipeline, once for each {@link #added}: the connection closed or became a WebSocket. */
  void removed(HandshakeDeadline connection) {
    waiting.remove(connection);
    pending.removed();
  }
}

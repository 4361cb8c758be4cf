package dev.chorus.transport;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.SocketAddress;

/**
 * The address a request came from: the PROXY header's source with server.proxyProtocol
 * ({@link ProxyHeader}), else the TCP peer. Immutable; shared by the verticles of a node.
 */
public final class PeerAddresses {

  private final VertxInternals internals;

  public PeerAddresses() {
    this(Transport.NodeInternals.INSTANCE);
  }

  PeerAddresses(VertxInternals internals) {
    this.internals = internals;
  }

  /** Where {@code request} came from. */
  public SocketAddress of(HttpServerRequest request) {
    SocketAddress proxied = proxied(request.connection());
    return proxied != null ? proxied : request.remoteAddress();
  }

  /** Where the upgrade request of {@code handshake} came from. */
  public SocketAddress of(ServerWebSocketHandshake handshake) {
    HttpServerRequest request = internals.request(handshake);
    SocketAddress proxied = request == null ? null : proxied(request.connection());
    return proxied != null ? proxied : handshake.remoteAddress();
  }

  private SocketAddress proxied(HttpConnection connection) {
    ChannelHandlerContext ctx = connection == null ? null : internals.pipeline(connection);
    return ctx == null ? null : ctx.channel().attr(ProxyHeader.CLIENT).get();
  }
}

package dev.chorus.transport;

import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.util.Map;

/**
 * Every use of Vert.x internals in Chorus, found by name when a transport is built, so that the build never
 * depends on where Vert.x keeps its implementation classes (5.1 moved some of them). Each of the three parts
 * works on its own; a part whose internals are not found is logged once and left out, and the node serves
 * with Vert.x's public behaviour instead:
 * <ul>
 *   <li><b>The pipeline</b> ({@code WebSocketInternal.channelHandlerContext()}): where {@link FrameHandler}
 *   goes. Without it, {@link PublicWire}.</li>
 *   <li><b>A lean connection</b>, which together with strict thread mode leaves an idle WebSocket a fraction of
 *   the live heap Vert.x gives it (docs/performance.md has the figures):
 *     <ul>
 *       <li>direct writes: strict thread mode is not passed on to the connection an upgrade creates, which
 *       keeps a multi-producer write queue (several kilobytes for its first chunk alone) that every frame takes a trip
 *       through. The direct queue needs every write on the socket's event loop, which {@link ClientSocket}
 *       requires anyway;</li>
 *       <li>the upgrade request let go: the WebSocket's channel handler keeps the factory that built its
 *       connection, and with it the upgrade's HTTP connection, request and response;</li>
 *       <li>the handshake headers let go, after everything that reads them, and the authority (host and
 *       port) the socket keeps from its Host header, which Chorus never reads ({@code socket.authority()} is
 *       null from then on).</li>
 *     </ul>
 *   Without it, sockets are served as Vert.x builds them: larger, never wrong.</li>
 *   <li><b>The handshake's response headers</b> (the upgrade request a {@code ServerWebSocketHandshake} keeps,
 *   whose response headers Vert.x hands to Netty's handshaker for the 101): where the transport answers a
 *   permessage-deflate offer. Vert.x's own permessage-deflate cannot be used instead: Netty's handshaker
 *   answers server_no_context_takeover only when the client asked for it, and its encoder compresses every
 *   message again for every socket. Without this part (or without the pipeline), no extension is
 *   negotiated.</li>
 *   <li><b>Shared local addresses</b> (Netty's, not Vert.x's: the address an epoll channel keeps from
 *   {@code getsockname} and the copy every channel caches): every socket accepted on one address gets its own
 *   equal {@code InetSocketAddress} (96 bytes with its {@code InetAddress}); the transport hands each socket
 *   the one its event loop has already. Without it, each socket keeps its own.</li>
 *   <li><b>An HTTP connection's pipeline</b> ({@code VertxConnection.channelHandlerContext()}): where
 *   {@link HandshakeDeadline} goes. Without it, connections that are not WebSockets have no deadline and no
 *   budget (Vert.x's behaviour).</li>
 * </ul>
 * Immutable once found; shared by the verticles of a node.
 */
final class VertxInternals {

  /** Where Vert.x 5.0 keeps what Chorus uses. */
  record Names(String webSocketInternal, String connection, String handler, String webSocketBase,
               String webSocketHandshake, String serverWebSocket) {
    static final Names VERTX_5_0 = new Names(
      "io.vertx.core.internal.http.WebSocketInternal",
      "io.vertx.core.net.impl.VertxConnection",
      "io.vertx.core.net.impl.VertxHandler",
      "io.vertx.core.http.impl.WebSocketImplBase",
      "io.vertx.core.http.impl.ServerWebSocketHandshaker",
      "io.vertx.core.http.impl.ServerWebSocketImpl");
  }

  private static final Logger LOG = LoggerFactory.getLogger(VertxInternals.class);

  private final Method channelHandlerContext;
  private final Lean lean;
  private final LocalAddresses localAddresses;
  /** The upgrade request of a handshake; null when not found. */
  private final Field handshakeRequest;
  /** An HTTP connection's Netty context; null when not found. */
  private final Method connectionContext;

  private VertxInternals(Method channelHandlerContext, Lean lean, Field handshakeRequest, LocalAddresses localAddresses,
                         Method connectionContext) {
    this.localAddresses = localAddresses;
    this.connectionContext = connectionContext;
    this.channelHandlerContext = channelHandlerContext;
    this.lean = lean;
    this.handshakeRequest = handshakeRequest;
  }

  /** The internals of the Vert.x on the class path, each part logged once if missing. */
  static VertxInternals find() {
    return find(Names.VERTX_5_0);
  }

  static VertxInternals find(Names names) {
    Method context = null;
    try {
      context = Class.forName(names.webSocketInternal()).getMethod("channelHandlerContext");
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.warn("WebSockets use Vert.x's public API only (its close, fragment and UTF-8 handling): this Vert.x's internals differ ({})",
        e.toString());
    }
    Field request = null;
    try {
      request = Class.forName(names.webSocketHandshake()).getDeclaredField("request");
      if (!HttpServerRequest.class.isAssignableFrom(request.getType())) {
        throw new NoSuchFieldException("request is a " + request.getType().getName());
      }
      request.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      request = null;
      LOG.warn("WebSockets negotiate no extension (server.perMessageDeflate has no effect): this Vert.x's internals "
        + "differ ({})", e.toString());
    }
    Method connection = null;
    try {
      connection = Class.forName(names.connection()).getMethod("channelHandlerContext");
      if (!ChannelHandlerContext.class.equals(connection.getReturnType())) {
        throw new NoSuchMethodException("channelHandlerContext returns a " + connection.getReturnType().getName());
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      connection = null;
      LOG.warn("HTTP connections have no handshake deadline (server.handshakeTimeoutSeconds has no effect): this "
        + "Vert.x's internals differ ({})", e.toString());
    }
    return new VertxInternals(context, Lean.find(names), request, LocalAddresses.find(), connection);
  }

  /**
   * The Netty context of Vert.x's handler for an HTTP connection (before any upgrade), or null when it cannot
   * be reached.
   */
  ChannelHandlerContext pipeline(HttpConnection connection) {
    return context(connectionContext, connection);
  }

  /** What {@code method} (a channelHandlerContext() accessor) answers for {@code target}; null when it cannot. */
  private static ChannelHandlerContext context(Method method, Object target) {
    if (method == null || !method.getDeclaringClass().isInstance(target)) {
      return null;
    }
    try {
      return (ChannelHandlerContext) method.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("no pipeline for a {}: {}", target.getClass().getSimpleName(), e.toString());
      return null;
    }
  }

  /** Whether {@link #pipeline} can reach sockets' pipelines. */
  boolean pipelineReachable() {
    return channelHandlerContext != null;
  }

  /** Whether sockets are made lean. */
  boolean leanAvailable() {
    return lean != null;
  }

  /** Whether {@link #answerExtensions} can reach a handshake's response. */
  boolean extensionsAnswerable() {
    return handshakeRequest != null;
  }

  /**
   * Sets the Sec-WebSocket-Extensions header of the 101 that {@code handshake.accept()} will write; false
   * when its response cannot be reached (then the 101 names no extension).
   */
  boolean answerExtensions(ServerWebSocketHandshake handshake, String extensions) {
    HttpServerRequest request = request(handshake);
    if (request == null) {
      return false;
    }
    request.response().headers().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, extensions);
    return true;
  }

  /** The upgrade request of {@code handshake}, or null when it cannot be reached. */
  HttpServerRequest request(ServerWebSocketHandshake handshake) {
    if (handshakeRequest == null || !handshakeRequest.getDeclaringClass().isInstance(handshake)) {
      return null;
    }
    try {
      return (HttpServerRequest) handshakeRequest.get(handshake);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("a WebSocket handshake's request cannot be reached: {}", e.toString());
      return null;
    }
  }

  /** The Netty context of Vert.x's handler for {@code socket}, or null when it cannot be reached. */
  ChannelHandlerContext pipeline(ServerWebSocket socket) {
    return context(channelHandlerContext, socket);
  }

  /**
   * Gives a freshly accepted socket direct writes and lets go of its upgrade request; call on its event loop
   * before anything is written. A socket that cannot be adjusted is served as Vert.x built it.
   */
  void makeLean(ChannelHandlerContext vertxHandler) {
    if (lean != null && vertxHandler != null) {
      lean.apply(vertxHandler.handler());
    }
  }

  /**
   * Gives {@code channel} the local address equal to its own from {@code shared} (this event loop's, filled
   * here: one entry per address sockets are accepted on, at most 64), so that it keeps no copy of its own.
   */
  void shareLocalAddress(Channel channel, Map<SocketAddress, SocketAddress> shared) {
    if (localAddresses != null) {
      localAddresses.share(channel, shared);
    }
  }

  /**
   * Drops the handshake headers and the authority {@code socket} keeps; {@code socket.headers()} and
   * {@code socket.authority()} are null from then on.
   */
  void releaseHeaders(ServerWebSocket socket) {
    if (lean != null) {
      lean.releaseHeaders(socket);
    }
  }

  /** Netty's fields for a channel's local address: epoll's own ({@code epoll}) and every channel's cache. */
  private record LocalAddresses(Field epoll, Field cached) {

    private static final int MOST_SHARED = 64;

    static LocalAddresses find() {
      try {
        Field epoll = Class.forName("io.netty.channel.epoll.AbstractEpollChannel").getDeclaredField("local");
        Field cached = AbstractChannel.class.getDeclaredField("localAddress");
        if (!SocketAddress.class.equals(epoll.getType()) || !SocketAddress.class.equals(cached.getType())) {
          throw new NoSuchFieldException("local addresses of another type");
        }
        epoll.setAccessible(true);
        cached.setAccessible(true);
        return new LocalAddresses(epoll, cached);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.debug("WebSockets keep a local address each: this Netty's internals differ ({})", e.toString());
        return null;
      }
    }

    void share(Channel channel, Map<SocketAddress, SocketAddress> shared) {
      if (!epoll.getDeclaringClass().isInstance(channel)) {
        return;
      }
      try {
        // Fills the cache from epoll's field, so both hold the same object from here on.
        SocketAddress own = channel.localAddress();
        if (own == null || epoll.get(channel) != own || cached.get(channel) != own) {
          return;
        }
        SocketAddress one = shared.get(own);
        if (one == null) {
          if (shared.size() < MOST_SHARED) {
            shared.put(own, own);
          }
        } else if (one != own) {
          epoll.set(channel, one);
          cached.set(channel, one);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("a WebSocket keeps its local address: {}", e.toString());
      }
    }
  }

  /** {@code authority} is null when not found: then only the headers are dropped. */
  private record Lean(Class<?> handlerType, Method getConnection, Field writeQueue, Constructor<?> directQueue,
                      Field connectionFactory, Field headers, Field authority) {

    static Lean find(Names names) {
      try {
        Class<?> connection = Class.forName(names.connection());
        Class<?> handler = Class.forName(names.handler());
        Field writeQueue = connection.getDeclaredField("outboundMessageQueue");
        Constructor<?> directQueue = Class.forName(names.connection() + "$DirectOutboundMessageQueue")
          .getDeclaredConstructor(connection);
        Field connectionFactory = handler.getDeclaredField("connectionFactory");
        Field headers = Class.forName(names.webSocketBase()).getDeclaredField("headers");
        writeQueue.setAccessible(true);
        directQueue.setAccessible(true);
        connectionFactory.setAccessible(true);
        headers.setAccessible(true);
        return new Lean(handler, handler.getMethod("getConnection"), writeQueue, directQueue, connectionFactory, headers,
          authority(names));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.warn("WebSockets keep Vert.x's write queue, upgrade request and headers (more memory per connection): "
          + "this Vert.x's internals differ ({})", e.toString());
        return null;
      }
    }

    private static Field authority(Names names) {
      try {
        Field authority = Class.forName(names.serverWebSocket()).getDeclaredField("authority");
        authority.setAccessible(true);
        return authority;
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.debug("WebSockets keep their authority: {}", e.toString());
        return null;
      }
    }

    void apply(ChannelHandler handler) {
      if (!handlerType.isInstance(handler)) {
        return;
      }
      try {
        Object connection = getConnection.invoke(handler);
        writeQueue.set(connection, directQueue.newInstance(connection));
        connectionFactory.set(handler, null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("a WebSocket keeps Vert.x's write queue: {}", e.toString());
      }
    }

    void releaseHeaders(ServerWebSocket socket) {
      if (headers.getDeclaringClass().isInstance(socket)) {
        try {
          headers.set(socket, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
          LOG.debug("a WebSocket keeps its handshake headers: {}", e.toString());
        }
      }
      if (authority != null && authority.getDeclaringClass().isInstance(socket)) {
        try {
          authority.set(socket, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
          LOG.debug("a WebSocket keeps its authority: {}", e.toString());
        }
      }
    }
  }
}

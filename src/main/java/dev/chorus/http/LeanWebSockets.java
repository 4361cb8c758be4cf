package dev.chorus.http;

import io.netty.channel.ChannelHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.http.impl.WebSocketImplBase;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Three adjustments to the connection Vert.x 5.0 builds for an upgraded WebSocket, which take the live heap
 * of an idle connection from about 15.6 KB to 3.7 KB together with strict thread mode (README "Performance",
 * "Round 2"):
 * <ul>
 *   <li><b>Direct writes.</b> Vert.x's strict thread mode ({@code HttpServerOptions.setStrictThreadMode}, set
 *   by {@link ServerVerticle}) lets an HTTP connection write straight to its channel, but is not passed on to
 *   the connection an upgrade creates. That one keeps a multi-producer write queue whose first chunk alone
 *   is 1,024 slots (about 4.7 KB with the queue), which holds frames only while the channel is unwritable,
 *   and every frame takes a trip through it. The direct queue needs every write to come from the socket's
 *   event loop, and Chorus's do: they come from the socket's handlers, from timers and event-bus consumers
 *   of the verticle that accepted it, and from Hazelcast results brought back to that verticle's context
 *   ({@code Future.fromCompletionStage(stage, context)}, {@code executeBlocking}). Frames beyond the socket's
 *   water mark then wait in Netty's outbound buffer, and {@code writeQueueFull} still tells when the socket
 *   cannot keep up.</li>
 *   <li><b>The upgrade request let go.</b> The WebSocket's channel handler keeps the factory that built its
 *   connection, and with it the upgrade's HTTP connection, request, response and the Netty request (about
 *   1.6 KB), for as long as the socket is open. The factory is never used again once the connection exists.</li>
 *   <li><b>The handshake headers let go</b> ({@link #releaseHeaders}, about 0.75 KB). Chorus reads them at the
 *   handshake (origin, key, version) and never again; afterwards {@code ServerWebSocket.headers()} is null.</li>
 * </ul>
 * Both reach into Vert.x's internals (private members of {@code VertxConnection} and {@code VertxHandler}).
 * If a Vert.x upgrade moves them, the node logs it once and keeps Vert.x's behaviour: larger, never wrong.
 */
final class LeanWebSockets {

  private static final Logger LOG = LoggerFactory.getLogger(LeanWebSockets.class);
  private static final Internals INTERNALS = Internals.find();
  private static volatile boolean failureLogged;

  private LeanWebSockets() {
  }

  /**
   * Adjusts {@code socket}; call on its event loop, first thing in the WebSocket handler, while nothing has
   * been written to it. A socket that cannot be adjusted is served as Vert.x built it.
   */
  static void apply(ServerWebSocket socket) {
    if (INTERNALS != null && socket instanceof WebSocketInternal internal) {
      ChannelHandler handler = internal.channelHandlerContext().handler();
      if (handler instanceof VertxHandler<?> vertx) {
        try {
          INTERNALS.apply(vertx);
        } catch (ReflectiveOperationException | RuntimeException e) {
          logFailureOnce(e);
        }
      }
    }
  }

  /**
   * Drops the handshake headers the socket keeps: call last in the WebSocket handler, after everything that
   * reads {@code socket.headers()}. They are null from then on.
   */
  static void releaseHeaders(ServerWebSocket socket) {
    if (INTERNALS != null && socket instanceof WebSocketImplBase<?>) {
      try {
        INTERNALS.headers().set(socket, null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        logFailureOnce(e);
      }
    }
  }

  private static void logFailureOnce(Exception e) {
    if (!failureLogged) {
      failureLogged = true;
      LOG.warn("a WebSocket keeps Vert.x's write queue, upgrade request or headers: {}", e.toString());
    }
  }

  /** Whether this Vert.x version's internals matched, so that the adjustments are made. */
  static boolean enabled() {
    return INTERNALS != null;
  }

  private record Internals(Field writeQueue, Constructor<?> directQueue, Field connectionFactory, Field headers) {

    static Internals find() {
      try {
        Field writeQueue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
        Class<?> directType = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue");
        Constructor<?> directQueue = directType.getDeclaredConstructor(VertxConnection.class);
        Field connectionFactory = VertxHandler.class.getDeclaredField("connectionFactory");
        Field headers = WebSocketImplBase.class.getDeclaredField("headers");
        writeQueue.setAccessible(true);
        directQueue.setAccessible(true);
        connectionFactory.setAccessible(true);
        headers.setAccessible(true);
        return new Internals(writeQueue, directQueue, connectionFactory, headers);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("WebSockets keep Vert.x's write queue, upgrade request and headers: this Vert.x's internals differ ({})",
          e.toString());
        return null;
      }
    }

    void apply(VertxHandler<?> handler) throws ReflectiveOperationException {
      VertxConnection connection = handler.getConnection();
      writeQueue.set(connection, directQueue.newInstance(connection));
      connectionFactory.set(handler, null);
    }
  }
}

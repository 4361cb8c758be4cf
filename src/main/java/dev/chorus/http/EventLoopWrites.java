package dev.chorus.http;

import io.netty.channel.ChannelHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Lets a WebSocket write straight to its channel, as Vert.x's own strict thread mode does for HTTP
 * connections ({@code HttpServerOptions.setStrictThreadMode}), which Vert.x 5.0 does not pass on to the
 * connection an upgrade creates. Without it every WebSocket carries a multi-producer write queue whose first
 * chunk alone is 1,024 slots (about 4.6 KiB with the queue) though nothing is ever queued, and every frame
 * takes a trip through it. Chorus writes to a socket only on its event loop (the verticle that accepted it
 * owns its timers, hub and Hazelcast callbacks), which is what the direct queue needs; writes beyond the
 * socket's water mark then wait in Netty's outbound buffer instead, and {@code writeQueueFull} still tells
 * when the socket cannot keep up.
 *
 * <p>It reaches into Vert.x's internals (a private field and class of {@code VertxConnection}). If a Vert.x
 * upgrade moves them, the node logs it once and keeps the queued writes: slower and larger, never wrong.
 */
final class EventLoopWrites {

  private static final Logger LOG = LoggerFactory.getLogger(EventLoopWrites.class);
  private static final Swap SWAP = Swap.find();

  private EventLoopWrites() {
  }

  /** Switches {@code socket} to direct writes; call on its event loop before anything is written to it. */
  static void apply(ServerWebSocket socket) {
    if (SWAP != null && socket instanceof WebSocketInternal internal) {
      ChannelHandler handler = internal.channelHandlerContext().handler();
      if (handler instanceof VertxHandler<?> vertx) {
        SWAP.apply(vertx.getConnection());
      }
    }
  }

  /** Whether WebSockets write directly (false if this Vert.x version's internals did not match). */
  static boolean enabled() {
    return SWAP != null;
  }

  private record Swap(Field queue, Constructor<?> direct) {

    static Swap find() {
      try {
        Field queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
        Class<?> directType = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue");
        Constructor<?> direct = directType.getDeclaredConstructor(VertxConnection.class);
        queue.setAccessible(true);
        direct.setAccessible(true);
        return new Swap(queue, direct);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("WebSocket writes stay queued: this Vert.x has no direct write queue to use ({})", e.toString());
        return null;
      }
    }

    void apply(VertxConnection connection) {
      try {
        queue.set(connection, direct.newInstance(connection));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot switch a WebSocket to direct writes", e);
      }
    }
  }
}

package dev.chorus.guard;

import dev.chorus.protocol.CloseCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * Channel-level operations on a WebSocket that Vert.x's API lacks. Closes a connection without waiting for the client's close frame, for clients that broke the protocol,
 * stopped reading or went silent: {@code ServerWebSocket.close} would wait up to the closing timeout for an
 * answer that a corrupt decoder discards or a stuck client never sends. The close frame is written straight
 * to the channel (Vert.x 5's {@link WebSocketInternal}); the socket's
 * close handler runs as usual once the channel is closed.
 */
final class Channels {

  private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("chorus.closing");

  private Channels() {
  }

  /**
   * Sends the close frame, then closes the TCP connection once it is written. Only the first close of a
   * connection (by either method here) acts; true if this call was it.
   */
  static boolean afterCloseFrame(ServerWebSocket socket, CloseCode code) {
    Channel channel = channel(socket);
    if (!startClosing(channel)) {
      return false;
    }
    channel.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()))
      .addListener(ChannelFutureListener.CLOSE);
    return true;
  }

  /**
   * Queues the close frame and closes the TCP connection at once, dropping what is still queued: for a
   * client whose queue is full, whose close frame would never be written.
   */
  static boolean now(ServerWebSocket socket, CloseCode code) {
    Channel channel = channel(socket);
    if (!startClosing(channel)) {
      return false;
    }
    channel.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()));
    channel.close();
    return true;
  }

  private static boolean startClosing(Channel channel) {
    return channel.isActive() && channel.attr(CLOSING).setIfAbsent(Boolean.TRUE) == null;
  }

  /**
   * Runs {@code action} on {@code context} once the connection is closed, however it closes; unlike
   * {@code closeHandler}, any number of these may be registered.
   */
  static void whenClosed(ServerWebSocket socket, Context context, Runnable action) {
    channel(socket).closeFuture().addListener(f -> context.runOnContext(v -> action.run()));
  }

  private static Channel channel(ServerWebSocket socket) {
    return ((WebSocketInternal) socket).channelHandlerContext().channel();
  }
}

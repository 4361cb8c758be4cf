package dev.chorus.http;

import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.CloseCode;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;

/**
 * Enforces the largest accepted WebSocket message with close 1009 (message too big).
 * <p>Vert.x only reports an oversized message to the socket's exception handler and keeps the connection;
 * this closes it. Frames may be up to twice the limit so that a message just over it is read whole and the
 * close frame reaches the client; a larger frame is refused by the frame decoder itself, also with 1009.
 */
public final class MessageSizeLimit {

  private MessageSizeLimit() {
  }

  /** Sets the frame and message limits on the server options. */
  public static HttpServerOptions apply(HttpServerOptions options, int maxMessageBytes) {
    return options
      .setMaxWebSocketMessageSize(maxMessageBytes)
      .setMaxWebSocketFrameSize((int) Math.min(Integer.MAX_VALUE, 2L * maxMessageBytes));
  }

  /** Closes the socket with 1009 when a message overflows the limit. */
  public static void enforce(ServerWebSocket socket, ChorusMetrics metrics) {
    socket.exceptionHandler(failure -> {
      if (failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("max message size")) {
        metrics.error("message_too_big");
        socket.close(CloseCode.MESSAGE_TOO_BIG.code(), CloseCode.MESSAGE_TOO_BIG.reason());
      }
    });
  }
}

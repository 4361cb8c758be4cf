package dev.chorus.http;

import io.vertx.core.http.HttpServerOptions;

/**
 * The largest accepted WebSocket message, answered with close 1009 (message too big).
 * <p>Vert.x only reports an oversized message to the socket's exception handler and keeps the connection;
 * {@code dev.chorus.guard.FrameGuard} closes it. Frames may be up to twice the limit so that a message just over it is read whole and the
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

  /**
   * Whether a socket's failure is Vert.x reporting a message over the limit ({@code FrameGuard} closes the
   * socket with 1009 for it).
   */
  public static boolean isOverflow(Throwable failure) {
    return failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("max message size");
  }
}

package dev.chorus.hub;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * Text frames over bytes that are already UTF-8 encoded, so a broadcast is encoded once per node and the
 * same bytes are written to every socket. Vert.x has no public API for this ({@code writeTextMessage}
 * re-encodes the string per socket), hence the one use of its frame implementation, kept here.
 * A frame object must not be reused across sockets: each write gets its own.
 */
public final class TextFrames {

  private TextFrames() {
  }

  /** A final text frame over {@code utf8}; the array is shared, not copied, and must not change. */
  public static WebSocketFrame of(byte[] utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }

  /** Writes {@code utf8} to {@code socket} as one text frame, unless the socket is closed already. */
  public static void write(ServerWebSocket socket, byte[] utf8) {
    if (!socket.isClosed()) {
      socket.writeFrame(of(utf8));
    }
  }
}

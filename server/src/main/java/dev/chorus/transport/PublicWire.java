package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;

/**
 * The frame level over Vert.x's public API only, for a Vert.x whose internals {@link VertxInternals} cannot
 * reach: text is re-encoded per write, the close is Vert.x's (its closing timeout, and its own Close may
 * follow ours), and fragmentation and UTF-8 are as Vert.x handles them. Messages over the size limit are
 * still closed with 1009 (counted here from the frames; Vert.x's aggregator, with the same limit, drops
 * them), and frames the decoder refuses still get their close code. Confined to the socket's event loop.
 */
final class PublicWire implements Wire {

  private static final Buffer PING = Buffer.buffer("chorus");

  private final ServerWebSocket socket;
  private final CloseListener listener;
  private long messageBytes;
  private boolean closing;
  private long lastHeardNanos = System.nanoTime();

  PublicWire(ServerWebSocket socket, int maxMessageBytes, CloseListener listener) {
    this.socket = socket;
    this.listener = listener;
    socket.frameHandler(frame -> {
      lastHeardNanos = System.nanoTime();
      if (frame.isText() || frame.isBinary() || frame.isContinuation()) {
        messageBytes = (frame.isContinuation() ? messageBytes : 0) + frame.binaryData().length();
        if (messageBytes > maxMessageBytes) {
          close(CloseCode.MESSAGE_TOO_BIG);
        }
      }
    });
    socket.exceptionHandler(failure -> {
      if (failure instanceof CorruptedWebSocketFrameException corrupted) {
        close(closeCodeFor(corrupted.closeStatus()));
      }
    });
  }

  /** The close Netty's decoder asks for, by the status of its exception. */
  private static CloseCode closeCodeFor(WebSocketCloseStatus status) {
    if (WebSocketCloseStatus.INVALID_PAYLOAD_DATA.equals(status)) {
      return CloseCode.INVALID_PAYLOAD;
    }
    if (WebSocketCloseStatus.MESSAGE_TOO_BIG.equals(status)) {
      return CloseCode.MESSAGE_TOO_BIG;
    }
    return CloseCode.PROTOCOL_ERROR;
  }

  @Override
  public void sendText(byte[] utf8) {
    if (!closing()) {
      socket.writeTextMessage(new String(utf8, StandardCharsets.UTF_8));
    }
  }

  /** Vert.x frames every write itself: the message is re-encoded for this socket. */
  @Override
  public void send(OutboundFrame frame) {
    sendText(frame.utf8());
  }

  @Override
  public boolean writable() {
    return closing() || !socket.writeQueueFull();
  }

  /** Vert.x's public API has no event for a queue that fills: the socket checks after its writes. */
  @Override
  public void watchQueue(Runnable full, Runnable drained) {
    socket.drainHandler(v -> drained.run());
  }

  /** Vert.x's public API tells full or not, no more: an ephemeral delivery goes out while the queue has room. */
  @Override
  public boolean halfEmpty() {
    return writable();
  }

  @Override
  public void ping() {
    if (!closing()) {
      socket.writePing(PING);
    }
  }

  @Override
  public boolean close(CloseCode code) {
    if (closing()) {
      return false;
    }
    closing = true;
    socket.close(code.code(), code.reason());
    listener.serverClosed(code);
    return true;
  }

  @Override
  public boolean closing() {
    return closing || socket.isClosed();
  }

  @Override
  public long lastHeardNanos() {
    return lastHeardNanos;
  }
}

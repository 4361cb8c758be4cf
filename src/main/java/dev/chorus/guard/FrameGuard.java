package dev.chorus.guard;

import dev.chorus.http.MessageSizeLimit;
import dev.chorus.protocol.CloseCode;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * The RFC 6455 answers to broken input, which Vert.x 5.0.7 does not give by itself: it builds Netty's frame
 * decoder with {@code closeOnProtocolViolation(false)} (a violation only reaches the socket's exception
 * handler, and the decoder then drops every later byte), adds no UTF-8 validation (invalid text arrives as
 * U+FFFD), and reports an oversized message to the exception handler without closing.
 * <ul>
 *   <li>reserved opcodes or bits, unmasked or badly fragmented frames, bad control or close frames: 1002</li>
 *   <li>a text message that is not UTF-8 (checked across fragments by Netty's {@link Utf8FrameValidator},
 *       placed before Vert.x sees the frame): 1007</li>
 *   <li>a frame or message beyond the size limit: 1009</li>
 * </ul>
 * The close reason comes from {@link CloseCode}, never from the exception: no internals reach the client.
 */
public final class FrameGuard {

  private static final String VALIDATOR_NAME = "chorus-utf8-validator";

  private FrameGuard() {
  }

  /** Installs the UTF-8 validator and the exception handler on a freshly accepted socket. */
  public static void install(ServerWebSocket socket, GuardCounters counters) {
    ChannelPipeline pipeline = ((WebSocketInternal) socket).channelHandlerContext().pipeline();
    if (pipeline.get(VALIDATOR_NAME) == null) {
      pipeline.addBefore("handler", VALIDATOR_NAME, new Utf8FrameValidator(false));
    }
    socket.exceptionHandler(failure -> {
      CloseCode code = closeCodeFor(failure);
      if (code != null && Channels.afterCloseFrame(socket, code)) {
        counters.protocolViolation(code);
      }
    });
  }

  /** The close a failure reported by the socket deserves; null for failures that need none. */
  static CloseCode closeCodeFor(Throwable failure) {
    if (failure instanceof CorruptedWebSocketFrameException corrupted) {
      WebSocketCloseStatus status = corrupted.closeStatus();
      if (WebSocketCloseStatus.INVALID_PAYLOAD_DATA.equals(status)) {
        return CloseCode.INVALID_PAYLOAD;
      }
      if (WebSocketCloseStatus.MESSAGE_TOO_BIG.equals(status)) {
        return CloseCode.MESSAGE_TOO_BIG;
      }
      return CloseCode.PROTOCOL_ERROR;
    }
    return MessageSizeLimit.isOverflow(failure) ? CloseCode.MESSAGE_TOO_BIG : null;
  }
}

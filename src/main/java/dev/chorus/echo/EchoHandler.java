package dev.chorus.echo;

import dev.chorus.guard.Guards;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.impl.ws.WebSocketFrameInternal;

/**
 * /echo: every data frame back as it came, text as text, binary as binary, fragments as fragments (same
 * type and finality), without decoding text into a String or re-encoding it: the payload Vert.x read is the
 * payload written. Nothing else on its path, so it measures the transport. A message whose frames add up to
 * more than the size limit closes the connection with 1009 (Vert.x checks this only when it aggregates
 * messages, which the echo does not ask it to). Reading pauses while the client does not read its echoes.
 */
public final class EchoHandler implements Handler<WebSocketFrame> {

  private final ServerWebSocket socket;
  private final int maxMessageBytes;
  private final Guards guards;
  private long messageBytes;
  private boolean refused;

  private EchoHandler(ServerWebSocket socket, int maxMessageBytes, Guards guards) {
    this.socket = socket;
    this.maxMessageBytes = maxMessageBytes;
    this.guards = guards;
  }

  /**
   * Attaches echo behaviour to a freshly accepted socket, replacing the frame handler the guards set; every
   * frame is still reported to them.
   */
  public static void attach(ServerWebSocket socket, int maxMessageBytes, Guards guards) {
    socket.frameHandler(new EchoHandler(socket, maxMessageBytes, guards));
  }

  @Override
  public void handle(WebSocketFrame frame) {
    guards.heard(socket);
    if (refused || !(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return;
    }
    int length = ((WebSocketFrameInternal) frame).length();
    messageBytes = frame.isContinuation() ? messageBytes + length : length;
    if (messageBytes > maxMessageBytes) {
      refused = true;
      guards.messageTooBig(socket);
      return;
    }
    socket.writeFrame(frame);
    if (!socket.isClosed() && socket.writeQueueFull()) {
      socket.pause();
      socket.drainHandler(v -> socket.resume());
    }
  }
}

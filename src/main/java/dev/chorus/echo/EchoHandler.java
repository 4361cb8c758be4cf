package dev.chorus.echo;

import io.vertx.core.http.ServerWebSocket;

/**
 * /echo: every message back verbatim, text as text and binary as binary. Nothing else on its path, so it
 * measures the transport. Reading pauses while the client does not read its echoes.
 */
public final class EchoHandler {

  private EchoHandler() {
  }

  /** Attaches echo behaviour to a freshly accepted socket. */
  public static void attach(ServerWebSocket socket) {
    socket.textMessageHandler(text -> {
      socket.writeTextMessage(text);
      pauseWhileFull(socket);
    });
    socket.binaryMessageHandler(data -> {
      socket.writeBinaryMessage(data);
      pauseWhileFull(socket);
    });
  }

  private static void pauseWhileFull(ServerWebSocket socket) {
    if (!socket.isClosed() && socket.writeQueueFull()) {
      socket.pause();
      socket.drainHandler(v -> socket.resume());
    }
  }
}

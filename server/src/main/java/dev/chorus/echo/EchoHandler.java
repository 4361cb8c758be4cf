package dev.chorus.echo;

import dev.chorus.transport.ClientSocket;

import java.nio.charset.StandardCharsets;

/**
 * /echo: every message back verbatim, text as text and binary as binary. Nothing else on its path, so it
 * measures the transport. Reading pauses while the client does not read its echoes.
 */
public final class EchoHandler {

  private EchoHandler() {
  }

  /** Attaches echo behaviour to a freshly accepted socket. */
  public static void attach(ClientSocket socket) {
    socket.onText(text -> {
      socket.sendText(text.getBytes(StandardCharsets.UTF_8));
      pauseWhileFull(socket);
    });
    socket.onBinary(data -> {
      socket.sendBinary(data);
      pauseWhileFull(socket);
    });
  }

  private static void pauseWhileFull(ClientSocket socket) {
    if (socket.congested()) {
      socket.pause();
      socket.whenWritable(socket::resume);
    }
  }
}

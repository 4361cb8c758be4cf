package dev.chorus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;

/**
 * {@code ack}: N connections each join a room of their own and publish chats with ids in a closed loop: send,
 * wait for the ack, send the next. Reports acked chats per second, the send-to-ack latency and, given the
 * server's pid, its CPU per acked chat. An ack means the chat is stored (with history.store postgres:
 * committed), so this is the cost and the ceiling of sequencing, with a fan-out of one. Run the server with
 * its rate limit lifted (RATE_MESSAGES_PER_SECOND, RATE_BURST).
 */
final class AckBench extends ClosedLoopBench {

  AckBench(Vertx vertx, BenchOptions options, ServerProbe probe) {
    super(vertx, options, probe, "ack", "acks");
  }

  /** One connection's loop, on its event loop: join, then chat with the next id each time the last is acked. */
  @Override
  void loop(int index, WebSocket socket) {
    String name = "a" + index;
    String room = options.room() + "-" + index;
    String payload = "x".repeat(options.payloadBytes());
    String joined = "\"" + name + " joined the chat.\"";
    long[] next = {0};
    long[] sentAt = {0};
    boolean[] inRoom = {false};
    socket.exceptionHandler(e -> { });
    Runnable send = () -> {
      next[0]++;
      sentAt[0] = System.nanoTime();
      socket.writeTextMessage("{\"type\":\"chat\",\"room\":\"" + room + "\",\"message\":\"" + payload
        + "\",\"id\":\"" + name + "-" + next[0] + "\"}");
    };
    String ackPrefix = "{\"type\":\"ack\"";
    socket.textMessageHandler(text -> {
      if (stopping()) {
        return;
      }
      if (!inRoom[0] && text.contains(joined)) {
        inRoom[0] = true;
        send.run();
      } else if (text.startsWith(ackPrefix) && text.contains("\"id\":\"" + name + "-" + next[0] + "\"")) {
        answered(sentAt[0]);
        send.run();
      } else if (text.startsWith("{\"type\":\"error\"")) {
        errorReply();
        // Not delivered (or refused): the same id again, as a client should.
        next[0]--;
        send.run();
      }
    });
    socket.writeTextMessage("{\"type\":\"join\",\"name\":\"" + name + "\",\"room\":\"" + room + "\"}");
  }
}

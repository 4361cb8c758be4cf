package dev.chorus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;

/**
 * {@code join}: N connections each join and leave a room of their own in a closed loop: join, wait for the own
 * join notice, leave, wait for the own leave notice, again. Reports joins per second, the join-to-notice
 * latency and, given the server's pid, its CPU per join. Each join of a room nobody is in makes the server
 * open it (read its position, enter presence, publish the notice): the cost of a join for a public room.
 * Every cycle is two messages, so run the server with its rate limit lifted (RATE_MESSAGES_PER_SECOND,
 * RATE_BURST): a rate-limited join gets an error reply instead of a notice and stops its connection's loop,
 * which the error count in the result shows.
 */
final class JoinBench extends ClosedLoopBench {

  JoinBench(Vertx vertx, BenchOptions options, ServerProbe probe) {
    super(vertx, options, probe, "join", "joins");
  }

  /** One connection's loop, on its event loop: join, own notice, leave, own leave notice, join again. */
  @Override
  void loop(int index, WebSocket socket) {
    String name = "j" + index;
    String room = options.room() + "-" + index;
    String joinText = "{\"type\":\"join\",\"name\":\"" + name + "\",\"room\":\"" + room + "\"}";
    String leaveText = "{\"type\":\"leave\",\"room\":\"" + room + "\"}";
    String joined = "\"" + name + " joined the chat.\"";
    String left = "\"" + name + " left the chat.\"";
    long[] sentAt = {0};
    boolean[] inRoom = {false};
    socket.exceptionHandler(e -> { });
    socket.textMessageHandler(text -> {
      if (stopping()) {
        return;
      }
      if (!inRoom[0] && text.contains(joined)) {
        inRoom[0] = true;
        answered(sentAt[0]);
        socket.writeTextMessage(leaveText);
      } else if (text.startsWith("{\"type\":\"error\"")) {
        errorReply();
      } else if (inRoom[0] && text.contains(left)) {
        inRoom[0] = false;
        sentAt[0] = System.nanoTime();
        socket.writeTextMessage(joinText);
      }
    });
    sentAt[0] = System.nanoTime();
    socket.writeTextMessage(joinText);
  }
}

package dev.chorus.guard;

import dev.chorus.protocol.CloseCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps connections honest about being alive: every limits.pingIntervalSeconds the server pings each
 * connection, and a connection that sent nothing (no frame, no pong) for limits.idleTimeoutSeconds is closed
 * with 1001 "idle timeout" without waiting for an answer. One timer per verticle instance, not per socket.
 * Confined to its verticle's event loop.
 */
final class Heartbeat {

  private static final Buffer PING = Buffer.buffer("chorus");

  private final Vertx vertx;
  private final Context context;
  private final long intervalMillis;
  private final long idleNanos;
  private final GuardCounters counters;
  private final Map<ServerWebSocket, LastHeard> lastHeard = new HashMap<>();
  private long timer = -1;

  Heartbeat(Vertx vertx, Context context, int intervalSeconds, int idleTimeoutSeconds, GuardCounters counters) {
    this.vertx = vertx;
    this.context = context;
    this.intervalMillis = intervalSeconds * 1000L;
    this.idleNanos = idleTimeoutSeconds * 1_000_000_000L;
    this.counters = counters;
  }

  void start() {
    timer = vertx.setPeriodic(intervalMillis, id -> tick());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** Starts watching a freshly accepted socket; any frame it sends counts as a sign of life. */
  void watch(ServerWebSocket socket) {
    LastHeard heard = new LastHeard(System.nanoTime());
    lastHeard.put(socket, heard);
    // Per frame: one field write, no map lookup or boxed Long.
    socket.frameHandler(frame -> heard.nanos = System.nanoTime());
    Channels.whenClosed(socket, context, () -> lastHeard.remove(socket));
  }

  private void tick() {
    long now = System.nanoTime();
    for (Map.Entry<ServerWebSocket, LastHeard> entry : lastHeard.entrySet()) {
      ServerWebSocket socket = entry.getKey();
      if (socket.isClosed()) {
        continue;
      }
      if (now - entry.getValue().nanos > idleNanos) {
        if (Channels.afterCloseFrame(socket, CloseCode.IDLE_TIMEOUT)) {
          counters.idleConnectionClosed();
        }
      } else {
        socket.writePing(PING);
      }
    }
  }

  /** When a socket was last heard from (System.nanoTime); written by its frame handler, read by the tick. */
  private static final class LastHeard {
    long nanos;

    LastHeard(long nanos) {
      this.nanos = nanos;
    }
  }
}

package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.vertx.core.Vertx;

import java.util.Arrays;

/**
 * Keeps connections honest about being alive: every limits.pingIntervalSeconds the server pings each
 * connection, and a connection that sent nothing (no frame, no pong) for limits.idleTimeoutSeconds is closed
 * with 1001 "idle timeout" under the close contract. The wire notes when it last heard from the client (one
 * field write per frame). One timer per verticle instance, not per socket; confined to its event loop.
 * <p>The sockets are one array, each socket knowing its slot ({@link VertxClientSocket#heartbeatSlot}), so
 * watching and forgetting are constant time and cost one reference per socket (no hash set entry).
 */
final class Heartbeat {

  private final Vertx vertx;
  private final long intervalMillis;
  private final long idleNanos;
  private VertxClientSocket[] sockets = new VertxClientSocket[16];
  private int size;
  private long timer = -1;

  Heartbeat(Vertx vertx, int intervalSeconds, int idleTimeoutSeconds) {
    this.vertx = vertx;
    this.intervalMillis = intervalSeconds * 1000L;
    this.idleNanos = idleTimeoutSeconds * 1_000_000_000L;
  }

  void start() {
    timer = vertx.setPeriodic(intervalMillis, id -> tick());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** Watches a socket until {@link #forget}; a socket watched already stays where it is. */
  void watch(VertxClientSocket socket) {
    if (socket.heartbeatSlot >= 0) {
      return;
    }
    if (size == sockets.length) {
      sockets = Arrays.copyOf(sockets, size * 2);
    }
    socket.heartbeatSlot = size;
    sockets[size++] = socket;
  }

  /** Stops watching {@code socket}: the last socket takes its slot. */
  void forget(VertxClientSocket socket) {
    int slot = socket.heartbeatSlot;
    if (slot < 0 || slot >= size || sockets[slot] != socket) {
      return;
    }
    socket.heartbeatSlot = -1;
    VertxClientSocket last = sockets[--size];
    sockets[size] = null;
    if (last != socket) {
      sockets[slot] = last;
      last.heartbeatSlot = slot;
    }
    if (sockets.length > 64 && size < sockets.length / 4) {
      sockets = Arrays.copyOf(sockets, sockets.length / 2);
    }
  }

  private void tick() {
    long now = System.nanoTime();
    // From the end: a socket forgotten meanwhile moves the last one into its slot, which was visited already.
    for (int i = size - 1; i >= 0; i--) {
      if (i >= size) {
        continue;
      }
      Wire wire = sockets[i].wire();
      if (wire.closing()) {
        continue;
      }
      if (now - wire.lastHeardNanos() > idleNanos) {
        wire.close(CloseCode.IDLE_TIMEOUT);
      } else {
        wire.ping();
      }
    }
  }
}

package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.vertx.core.Vertx;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Keeps connections honest about being alive: every limits.pingIntervalSeconds the server pings each
 * connection, and a connection that sent nothing (no frame, no pong) for limits.idleTimeoutSeconds is closed
 * with 1001 "idle timeout" under the close contract. The wire notes when it last heard from the client (one
 * field write per frame). One timer per verticle instance, not per socket; confined to its event loop.
 */
final class Heartbeat {

  private final Vertx vertx;
  private final long intervalMillis;
  private final long idleNanos;
  private final Set<Wire> wires = new LinkedHashSet<>();
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

  /** Watches a socket until {@link #forget}. */
  void watch(Wire wire) {
    wires.add(wire);
  }

  void forget(Wire wire) {
    wires.remove(wire);
  }

  private void tick() {
    long now = System.nanoTime();
    for (Wire wire : wires) {
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

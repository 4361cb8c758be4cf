package dev.chorus.transport;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line of an event class through per minute for the whole node, where clients can make the event
 * happen as often as they like (clients that never read are an attacker's cheapest tool); each line tells how
 * many were left out since the one before. One per event class and Vert.x instance, kept in its local shared
 * data so that the transports of all event loops use the same one; thread-safe.
 */
final class LogGate implements Shareable {

  static final long INTERVAL_NANOS = 60_000_000_000L;
  private static final String MAP = "chorus.transport.log-gates";

  private final AtomicLong loggedAt = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
  private final AtomicInteger leftOut = new AtomicInteger();

  /** The gate of {@code event} on this node. */
  static LogGate of(Vertx vertx, String event) {
    return vertx.sharedData().<String, LogGate>getLocalMap(MAP).computeIfAbsent(event, key -> new LogGate());
  }

  /**
   * For an event at {@code nowNanos} (System.nanoTime): -1 when it is not to be logged, else how many were
   * left out since the last one logged.
   */
  int admit(long nowNanos) {
    long last = loggedAt.get();
    if (nowNanos - last >= INTERVAL_NANOS && loggedAt.compareAndSet(last, nowNanos)) {
      return leftOut.getAndSet(0);
    }
    leftOut.incrementAndGet();
    return -1;
  }
}

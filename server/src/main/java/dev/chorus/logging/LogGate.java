package dev.chorus.logging;

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
public final class LogGate implements Shareable {

  public static final long INTERVAL_NANOS = 60_000_000_000L;
  private static final String MAP = "chorus.log-gates";
  private static final long NEVER = Long.MIN_VALUE;

  /** When the last event was let through (System.nanoTime), or {@link #NEVER}. */
  private final AtomicLong loggedAt = new AtomicLong(NEVER);
  private final AtomicInteger leftOut = new AtomicInteger();

  /** A gate of its own, for one object's events (the first is let through). */
  public LogGate() {
  }

  /** The gate of {@code event} on this node, shared by its event loops. */
  public static LogGate of(Vertx vertx, String event) {
    return vertx.sharedData().<String, LogGate>getLocalMap(MAP).computeIfAbsent(event, key -> new LogGate());
  }

  /**
   * For an event at {@code nowNanos} (System.nanoTime, or a test's clock): -1 when it is not to be logged, else
   * how many were left out since the last one logged. The first event is always let through.
   */
  public int admit(long nowNanos) {
    long last = loggedAt.get();
    if ((last == NEVER || nowNanos - last >= INTERVAL_NANOS) && loggedAt.compareAndSet(last, nowNanos)) {
      return leftOut.getAndSet(0);
    }
    leftOut.incrementAndGet();
    return -1;
  }
}

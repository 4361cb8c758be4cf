package dev.chorus.guard;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Node-wide counts of what the guards refused or closed, for metrics and tests. Thread-safe; shared by all
 * verticle instances of a node.
 */
public final class GuardCounters {

  private final AtomicLong upgradesRefused = new AtomicLong();
  private final AtomicLong protocolViolations = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong slowConsumersClosed = new AtomicLong();
  private final AtomicLong idleClosed = new AtomicLong();

  void upgradeRefused() {
    upgradesRefused.incrementAndGet();
  }

  void protocolViolation() {
    protocolViolations.incrementAndGet();
  }

  void rateLimited() {
    rateLimited.incrementAndGet();
  }

  void slowConsumerClosed() {
    slowConsumersClosed.incrementAndGet();
  }

  void idleConnectionClosed() {
    idleClosed.incrementAndGet();
  }

  /** Upgrades answered with 400, 403 or 503 by the handshake guard. */
  public long upgradesRefused() {
    return upgradesRefused.get();
  }

  /** Connections closed with 1002, 1007 or 1009 for a broken or oversized frame or message. */
  public long protocolViolations() {
    return protocolViolations.get();
  }

  /** Messages dropped by the rate limit. */
  public long rateLimitedMessages() {
    return rateLimited.get();
  }

  /** Connections closed because they stopped reading. */
  public long slowConsumersClosed() {
    return slowConsumersClosed.get();
  }

  /** Connections closed for silence past the idle timeout. */
  public long idleClosed() {
    return idleClosed.get();
  }
}

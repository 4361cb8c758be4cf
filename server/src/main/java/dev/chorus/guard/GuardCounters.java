package dev.chorus.guard;

import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.CloseCode;
import dev.chorus.transport.CloseListener;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Node-wide counts of what the guards refused and the server closed, for tests and tools, each also recorded
 * in the node's {@link ChorusMetrics}: refused upgrades by HTTP status, slow-consumer closes as
 * chorus_slow_client_disconnects_total, and the rest as chorus_errors_total by kind (the lower-case name of
 * the {@link CloseCode} or {@code rate_limited}); shutdown's 1001 is not an error. Thread-safe; shared by all
 * verticle instances of a node.
 */
public final class GuardCounters implements CloseListener {

  private final ChorusMetrics metrics;
  private final AtomicLong upgradesRefused = new AtomicLong();
  private final AtomicLong protocolViolations = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong slowConsumersClosed = new AtomicLong();
  private final AtomicLong idleClosed = new AtomicLong();

  public GuardCounters(ChorusMetrics metrics) {
    this.metrics = metrics;
  }

  void upgradeRefused(int status) {
    upgradesRefused.incrementAndGet();
    metrics.upgradeRefused(status);
  }

  void rateLimited() {
    rateLimited.incrementAndGet();
    metrics.error(ChatError.RATE_LIMITED.metricKind());
  }

  @Override
  public void serverClosed(CloseCode code) {
    switch (code) {
      case GOING_AWAY -> { }
      case SLOW_CONSUMER -> {
        slowConsumersClosed.incrementAndGet();
        metrics.slowClientDisconnected();
      }
      case IDLE_TIMEOUT -> {
        idleClosed.incrementAndGet();
        metrics.error(code.metricKind());
      }
      case PROTOCOL_ERROR, INVALID_PAYLOAD, MESSAGE_TOO_BIG -> {
        protocolViolations.incrementAndGet();
        metrics.error(code.metricKind());
      }
      default -> metrics.error(code.metricKind());
    }
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

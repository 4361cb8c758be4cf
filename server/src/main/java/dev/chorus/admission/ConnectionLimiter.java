package dev.chorus.admission;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts this node's open WebSockets, shared by all verticle instances, and says whether another may
 * open (limits.maxConnections). The check at the handshake and the count at open are separate steps, so
 * concurrent handshakes may overshoot the limit by at most the number of event loops.
 */
public final class ConnectionLimiter {

  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionLimiter(int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive");
    }
    this.maxConnections = maxConnections;
  }

  /** Whether an upgrade may be accepted now. */
  public boolean hasRoom() {
    return open.get() < maxConnections;
  }

  /** A WebSocket opened. */
  public void opened() {
    open.incrementAndGet();
  }

  /** A WebSocket closed. */
  public void closed() {
    open.decrementAndGet();
  }

  /** Open WebSockets on this node. */
  public int count() {
    return open.get();
  }
}

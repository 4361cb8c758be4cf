package dev.chorus.transport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's count of HTTP connections that are not WebSockets (yet): half-sent requests, requests being
 * answered, idle keep-alive connections, upgrades in progress. Past its budget, each new connection pushes out
 * the oldest such connection of its event loop ({@link HandshakeGuard}), so that a flood of half-sent requests
 * (slowloris) can neither exhaust the node's file descriptors nor keep /health, /ready and new upgrades from
 * being answered. Thread-safe: one per node.
 */
public final class PendingConnections {

  private final int budget;
  private final AtomicInteger count = new AtomicInteger();

  public PendingConnections(int budget) {
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be positive");
    }
    this.budget = budget;
  }

  /** A connection is pending; true when the node now holds more than its budget. */
  boolean added() {
    return count.incrementAndGet() > budget;
  }

  /** A pending connection closed or became a WebSocket. */
  void removed() {
    count.decrementAndGet();
  }

  /** Pending connections on this node. */
  public int count() {
    return count.get();
  }

  public int budget() {
    return budget;
  }
}

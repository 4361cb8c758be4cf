package dev.chorus.transport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The node's count of HTTP connections that are not WebSockets (yet): half-sent requests, requests being
 * answered, idle keep-alive connections, upgrades in progress. Past its budget, each new connection pushes out
 * the oldest such connection of its event loop ({@link HandshakeGuard}), so that a flood of half-sent requests
 * (slowloris) can neither exhaust the node's file descriptors nor keep /health, /ready and new upgrades from
 * being answered. The budget is the smaller of a fixed count and the file descriptors left for such connections
 * now (which shrink as WebSockets open), so a node full of WebSockets still has descriptors to answer with.
 * Thread-safe: one per node.
 */
public final class PendingConnections {

  private final int budget;
  private final IntSupplier room;
  private final AtomicInteger count = new AtomicInteger();

  /** A fixed budget of {@code budget} connections. */
  public PendingConnections(int budget) {
    this(budget, () -> Integer.MAX_VALUE);
  }

  /** At most {@code budget} connections, and at most {@code room} (asked at each new connection). */
  public PendingConnections(int budget, IntSupplier room) {
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be positive");
    }
    this.budget = budget;
    this.room = room;
  }

  /** A connection is pending; true when the node now holds more than its budget. */
  boolean added() {
    int pending = count.incrementAndGet();
    return pending > budget || pending > room.getAsInt();
  }

  /** A pending connection closed or became a WebSocket. */
  void removed() {
    count.decrementAndGet();
  }

  /** Pending connections on this node. */
  public int count() {
    return count.get();
  }

  /** The most pending connections the node holds now. */
  public int budget() {
    return Math.min(budget, room.getAsInt());
  }
}

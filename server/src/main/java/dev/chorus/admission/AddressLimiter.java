package dev.chorus.admission;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts this node's open WebSockets per client address and says whether an address may open another
 * (limits.maxConnectionsPerAddress; 0: no limit, nothing counted). An address is forgotten when its last socket
 * closes, so the map holds at most one entry per open socket. A slot is taken at the handshake, in one step with
 * the check, so concurrent upgrades from one address never overshoot. Thread-safe: one per node.
 */
final class AddressLimiter {

  private final int maxPerAddress;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  AddressLimiter(int maxPerAddress) {
    if (maxPerAddress < 0) {
      throw new IllegalArgumentException("maxPerAddress must not be negative");
    }
    this.maxPerAddress = maxPerAddress;
  }

  boolean enabled() {
    return maxPerAddress > 0;
  }

  /** Takes a slot for {@code address} if it has one left; false when it is full. */
  boolean tryOpen(String address) {
    if (!enabled()) {
      return true;
    }
    boolean[] taken = {false};
    open.compute(address, (key, count) -> {
      int now = count == null ? 0 : count;
      if (now >= maxPerAddress) {
        return count;
      }
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }

  /** Gives back a slot {@link #tryOpen} took. */
  void closed(String address) {
    if (enabled()) {
      open.computeIfPresent(address, (key, count) -> count > 1 ? count - 1 : null);
    }
  }

  /** Open WebSockets of {@code address}. */
  int count(String address) {
    return open.getOrDefault(address, 0);
  }
}

package dev.chorus.admission;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts this node's open WebSockets per client address and says whether an address may open another
 * (limits.maxConnectionsPerAddress; 0: no limit, nothing counted). An address is forgotten when its last socket
 * closes, so the map holds at most one entry per open socket. As with {@link ConnectionLimiter}, the check at
 * the handshake and the count at open are separate steps. Thread-safe: one per node.
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

  /** Whether {@code address} may open another WebSocket. */
  boolean hasRoom(String address) {
    return !enabled() || open.getOrDefault(address, 0) < maxPerAddress;
  }

  void opened(String address) {
    if (enabled()) {
      open.merge(address, 1, Integer::sum);
    }
  }

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

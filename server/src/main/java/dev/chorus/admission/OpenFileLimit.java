package dev.chorus.admission;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

/**
 * The process's open-file limit, which bounds the WebSockets a node can hold: each is a file descriptor,
 * and so are the node's cluster connections, jars and logs. A connection limit above it would let
 * upgrades fail with "too many open files" instead of a clear 503. On Linux the JVM raises its soft limit
 * to the hard one at start, so this is the hard limit ({@code ulimit -Hn}, a container's hard nofile).
 */
final class OpenFileLimit {

  /** Descriptors kept for everything that is not a client connection, at most. */
  static final int RESERVED = 1024;
  /**
   * HTTP connections not upgraded (yet) that a node keeps room for per WebSocket it admits: a node holding
   * all its WebSockets still answers /health and new upgrades while twice as many half-sent requests are held.
   */
  static final int PENDING_PER_CONNECTION = 2;

  private OpenFileLimit() {
  }

  /** The open-file limit of this process, where the JVM reports it (Unix); empty if unknown. */
  static OptionalLong current() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }

  /**
   * The WebSockets a node may hold: the configured limit, lowered so that they and
   * {@link #PENDING_PER_CONNECTION} times as many connections not upgraded yet fit under the open-file limit
   * less a reserve of {@link #RESERVED} descriptors (a quarter of a small limit).
   */
  static int connectionLimit(int configured, OptionalLong openFiles) {
    if (openFiles.isEmpty() || openFiles.getAsLong() <= 0) {
      return configured;
    }
    long limit = openFiles.getAsLong();
    long room = (limit - Math.min(RESERVED, limit / 4)) / (1 + PENDING_PER_CONNECTION);
    return (int) Math.max(1, Math.min(configured, room));
  }

  /** The open-file limit under which {@code connections} WebSockets are not lowered. */
  static long descriptorsFor(int connections) {
    return (long) connections * (1 + PENDING_PER_CONNECTION) + RESERVED;
  }
}

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
   * HTTP connections not upgraded (yet) that a node keeps room for per WebSocket it admits, while descriptors
   * last: a node holding few WebSockets still answers /health and new upgrades while twice as many half-sent
   * requests as it admits WebSockets are held.
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
   * The WebSockets a node may hold: the configured limit, lowered to the open-file limit less a reserve of
   * {@link #RESERVED} descriptors (a quarter of a small limit).
   */
  static int connectionLimit(int configured, OptionalLong openFiles) {
    if (openFiles.isEmpty() || openFiles.getAsLong() <= 0) {
      return configured;
    }
    long limit = openFiles.getAsLong();
    return (int) Math.max(1, Math.min(configured, limit - reserve(limit)));
  }

  /**
   * The connections not upgraded yet that fit beside {@code webSockets} open ones: the open-file limit less
   * half the reserve and the WebSockets, so that a node full of WebSockets still answers /health, /ready and
   * upgrades (with 503) from half its reserve. Unbounded when the limit is unknown.
   */
  static int pendingRoom(OptionalLong openFiles, int webSockets) {
    if (openFiles.isEmpty() || openFiles.getAsLong() <= 0) {
      return Integer.MAX_VALUE;
    }
    long limit = openFiles.getAsLong();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit - reserve(limit) / 2 - webSockets));
  }

  private static long reserve(long limit) {
    return Math.min(RESERVED, limit / 4);
  }

  /** The open-file limit under which {@code connections} WebSockets are not lowered. */
  static long descriptorsFor(int connections) {
    return (long) connections + RESERVED;
  }
}

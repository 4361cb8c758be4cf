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
   * The connections a node may hold: the configured limit, lowered to fit under the open-file limit less a
   * reserve of {@link #RESERVED} descriptors, or a quarter of a small limit.
   */
  static int connectionLimit(int configured, OptionalLong openFiles) {
    if (openFiles.isEmpty() || openFiles.getAsLong() <= 0) {
      return configured;
    }
    long limit = openFiles.getAsLong();
    long room = limit - Math.min(RESERVED, limit / 4);
    return (int) Math.max(1, Math.min(configured, room));
  }
}

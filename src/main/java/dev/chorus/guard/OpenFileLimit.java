package dev.chorus.guard;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

/**
 * The process's open-file limit, which bounds the WebSockets a node can hold: each is a file descriptor,
 * and so are the node's cluster connections, jars and logs. A connection limit above it would let
 * upgrades fail with "too many open files" instead of a clear 503.
 */
public final class OpenFileLimit {

  /** Descriptors kept for everything that is not a client connection. */
  static final int RESERVED = 1024;

  private OpenFileLimit() {
  }

  /** The open-file limit of this process, where the JVM reports it (Unix). */
  public static OptionalLong current() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }

  /** The connections a node may hold: the configured limit, lowered to fit under the open-file limit. */
  public static int connectionLimit(int configured, OptionalLong openFiles) {
    if (openFiles.isEmpty()) {
      return configured;
    }
    long room = Math.max(1, openFiles.getAsLong() - RESERVED);
    return (int) Math.min(configured, room);
  }
}

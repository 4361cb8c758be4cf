package dev.chorus.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The memory of a node process as its operator sees it: heap and direct buffer memory in use, from the JVM
 * metrics of its /metrics (jvm_memory_used_bytes of the heap areas, jvm_buffer_memory_used_bytes of the direct
 * pool, where Netty's buffers are counted), and its resident set from /proc. A node too busy to render its
 * metrics in time gives -1 for those two.
 */
public record NodeMemory(long heapBytes, long directBytes, long residentBytes) {

  private static final double MIB = 1024.0 * 1024.0;

  /** A sample of {@code node} now. */
  public static NodeMemory of(NodeProcess node) {
    String metrics = node.http().okBody("/metrics");
    return new NodeMemory(metrics == null ? -1 : sum(metrics, "jvm_memory_used_bytes{", "area=\"heap\""),
      metrics == null ? -1 : sum(metrics, "jvm_buffer_memory_used_bytes{", "id=\"direct\""), resident(node.pid()));
  }

  /** The larger of each figure of the two samples. */
  public NodeMemory max(NodeMemory other) {
    return new NodeMemory(Math.max(heapBytes, other.heapBytes), Math.max(directBytes, other.directBytes),
      Math.max(residentBytes, other.residentBytes));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "heap %.1f MiB, direct %.1f MiB, RSS %.1f MiB", heapBytes / MIB,
      directBytes / MIB, residentBytes / MIB);
  }

  /** The sum of the values of the Prometheus samples of {@code name} whose labels include {@code label}. */
  static long sum(String metrics, String name, String label) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name) && line.contains(label)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) total;
  }

  /** VmRSS of the process, in bytes; 0 once it is gone. */
  static long resident(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
      }
      return 0;
    } catch (java.nio.file.NoSuchFileException gone) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

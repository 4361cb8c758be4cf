package dev.chorus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and resident memory of server processes, from Linux's /proc: the servers' own cost, which stays
 * comparable when the load generator shares the machine. No pids, no figures.
 */
public final class ServerProbe {

  /** Linux reports CPU time in clock ticks of 1/100 s on every common configuration (getconf CLK_TCK). */
  static final double TICKS_PER_SECOND = 100.0;

  private final List<Long> pids;

  public ServerProbe(List<Long> pids) {
    this.pids = List.copyOf(pids);
  }

  /** Whether there are processes to measure. */
  public boolean active() {
    return !pids.isEmpty();
  }

  /** The summed CPU seconds (user + system, and user alone) and resident bytes of the processes now. */
  public Sample sample() {
    double cpu = 0;
    double user = 0;
    long rss = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        cpu += cpuSeconds(stat);
        user += userSeconds(stat);
        rss += residentBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read /proc/" + pid + " (is the server running?): " + e.getMessage());
      }
    }
    return new Sample(cpu, user, rss);
  }

  /** utime + stime of a /proc/[pid]/stat line, in seconds. */
  static double cpuSeconds(String stat) {
    String[] fields = statFields(stat);
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /**
   * utime alone: the server's own code. On loopback the kernel's TCP work for both ends lands in the system
   * time of whichever process writes, so user time is what tells servers apart (VERTX5-NOTES.md).
   */
  static double userSeconds(String stat) {
    return Long.parseLong(statFields(stat)[11]) / TICKS_PER_SECOND;
  }

  /** The fields after the command name, which is in parentheses and may contain spaces: [0] is the state
   * (field 3 of proc(5)), so utime and stime (fields 14 and 15) are [11] and [12]. */
  private static String[] statFields(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
  }

  /** VmRSS of a /proc/[pid]/status file, in bytes. */
  static long residentBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    throw new IllegalArgumentException("no VmRSS line");
  }

  /** CPU seconds (user + system, and user alone) and resident bytes at one moment. */
  public record Sample(double cpuSeconds, double userSeconds, long residentBytes) {

    /** CPU seconds spent between {@code earlier} and this sample. */
    public double cpuSince(Sample earlier) {
      return cpuSeconds - earlier.cpuSeconds;
    }

    /** User-space CPU seconds spent between {@code earlier} and this sample. */
    public double userSince(Sample earlier) {
      return userSeconds - earlier.userSeconds;
    }
  }
}

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

  /** The summed CPU seconds (user + system) and resident bytes of the processes now. */
  public Sample sample() {
    double cpu = 0;
    long rss = 0;
    for (long pid : pids) {
      try {
        cpu += cpuSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        rss += residentBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read /proc/" + pid + " (is the server running?): " + e.getMessage());
      }
    }
    return new Sample(cpu, rss);
  }

  /** utime + stime of a /proc/[pid]/stat line; the command name in parentheses may contain spaces. */
  static double cpuSeconds(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / TICKS_PER_SECOND;
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

  /** CPU seconds and resident bytes at one moment. */
  public record Sample(double cpuSeconds, long residentBytes) {

    /** CPU seconds spent between {@code earlier} and this sample. */
    public double cpuSince(Sample earlier) {
      return cpuSeconds - earlier.cpuSeconds;
    }
  }
}

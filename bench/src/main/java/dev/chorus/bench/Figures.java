package dev.chorus.bench;

import org.HdrHistogram.Histogram;

import java.util.Map;

/** The figures every scenario reports the same way: latency percentiles and the servers' own cost. */
final class Figures {

  private Figures() {
  }

  static void latency(Map<String, Object> figures, Histogram histogram) {
    figures.put("latency_samples", histogram.getTotalCount());
    if (histogram.getTotalCount() == 0) {
      return;
    }
    figures.put(Result.P50, LatencyStats.millis(histogram, 50));
    figures.put(Result.P90, LatencyStats.millis(histogram, 90));
    figures.put(Result.P99, LatencyStats.millis(histogram, 99));
    figures.put(Result.P999, LatencyStats.millis(histogram, 99.9));
    figures.put(Result.MAX, histogram.getMaxValue() / 1e6);
  }

  /** Server CPU (total and user) over the window and per message; resident memory at its end. Nothing without pids. */
  static void server(Map<String, Object> figures, ServerProbe.Sample before, ServerProbe.Sample after,
                     long messages) {
    if (before == null || after == null) {
      return;
    }
    double cpu = after.cpuSince(before);
    double user = after.userSince(before);
    figures.put(Result.CPU_SECONDS, cpu);
    figures.put(Result.USER_CPU_SECONDS, user);
    figures.put(Result.CPU_PER_MESSAGE, messages == 0 ? Double.NaN : cpu * 1e6 / messages);
    figures.put(Result.USER_CPU_PER_MESSAGE, messages == 0 ? Double.NaN : user * 1e6 / messages);
    figures.put(Result.RSS, after.residentBytes() / (1024.0 * 1024.0));
  }
}

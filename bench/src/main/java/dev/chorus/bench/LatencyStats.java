package dev.chorus.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;

/**
 * Latencies in nanoseconds: recorded from any thread without locks, read once a second as an interval
 * histogram for the progress line and added to the total of the measured window.
 */
public final class LatencyStats {

  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private Histogram interval;

  /** Records one latency; negative values (clock skew between threads) count as zero. */
  public void record(long nanos) {
    recorder.recordValue(Math.max(0, nanos));
  }

  /** The latencies recorded since the previous call; added to the total when {@code keep}. Not thread-safe. */
  public Histogram tick(boolean keep) {
    interval = recorder.getIntervalHistogram(interval);
    if (keep) {
      total.add(interval);
    }
    return interval;
  }

  /** Everything kept so far. */
  public Histogram total() {
    return total;
  }

  /** Milliseconds at a percentile (0..100) of a nanosecond histogram. */
  public static double millis(Histogram histogram, double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1e6;
  }

  /** Points (percentile, milliseconds) of the latency spectrum, for charts: 0 %, then halving the tail. */
  public static List<double[]> spectrum(Histogram histogram) {
    List<double[]> points = new ArrayList<>();
    if (histogram.getTotalCount() == 0) {
      return points;
    }
    for (double p : new double[] {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96.25, 97.5, 98.4375,
      99, 99.5, 99.75, 99.9, 99.95, 99.975, 99.99, 99.995, 99.999}) {
      points.add(new double[] {p, millis(histogram, p)});
    }
    points.add(new double[] {100, histogram.getMaxValue() / 1e6});
    return points;
  }
}

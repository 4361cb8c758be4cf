package dev.chorus.bench;

import org.HdrHistogram.Histogram;

import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The warm-up and the measured window of one benchmark run. The test thread runs them; the clients'
 * event loops read {@link #sending}, {@link #start} and {@link #end} to decide what to send and count.
 */
final class MeasurementWindow {

  /** What the window measured: its length, how far the counter moved, and the servers before and after. */
  record Measured(long nanos, long counted, ServerProbe.Sample before, ServerProbe.Sample after) {
  }

  private volatile boolean sending = true;
  private volatile long start = Long.MAX_VALUE;
  private volatile long end = Long.MAX_VALUE;

  /** Whether clients should still send: true until the window ends. */
  boolean sending() {
    return sending;
  }

  /** When the window started (System.nanoTime), or Long.MAX_VALUE before it. */
  long start() {
    return start;
  }

  /** When the window ended (System.nanoTime), or Long.MAX_VALUE before it. */
  long end() {
    return end;
  }

  /**
   * Warms up, then measures for the configured duration with a progress line per second, sampling the
   * servers and {@code counter} at both edges. Sending stops when it returns.
   */
  Measured run(String phase, BenchOptions options, LatencyStats latency, ServerProbe probe, LongSupplier counter,
               Function<Histogram, String> line) throws InterruptedException {
    Progress.run("warmup", options.warmup().toMillis() / 1000.0, (s, t) -> line.apply(latency.tick(false)));
    start = System.nanoTime();
    latency.tick(false);
    ServerProbe.Sample before = probe.active() ? probe.sample() : null;
    long countedBefore = counter.getAsLong();
    long nanos = Progress.run(phase, options.duration().toMillis() / 1000.0, (s, t) -> line.apply(latency.tick(true)));
    end = System.nanoTime();
    long counted = counter.getAsLong() - countedBefore;
    ServerProbe.Sample after = probe.active() ? probe.sample() : null;
    sending = false;
    return new Measured(nanos, counted, before, after);
  }
}

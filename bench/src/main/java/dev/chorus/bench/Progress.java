package dev.chorus.bench;

import java.util.Locale;
import java.util.function.LongSupplier;

/** Runs a phase second by second, printing one progress line per second on stderr. */
final class Progress {

  /** What to print after each second; {@code second} counts from 1 within the phase. */
  interface Tick {
    String line(int second, double elapsedSeconds);
  }

  private Progress() {
  }

  /** Ticks once a second for {@code seconds} (the last tick may be shorter); returns the elapsed nanoseconds. */
  static long run(String phase, double seconds, Tick tick) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    int second = 0;
    while (System.nanoTime() < end) {
      long nextTick = Math.min(end, start + (second + 1) * 1_000_000_000L);
      sleepUntil(nextTick);
      second++;
      String line = tick.line(second, (System.nanoTime() - start) / 1e9);
      if (line != null) {
        System.err.printf(Locale.ROOT, "[%s %3ds] %s%n", phase, second, line);
      }
    }
    return System.nanoTime() - start;
  }

  /** Waits until {@code counter} has not changed for {@code quietMillis}, at most {@code maxMillis}. */
  static void awaitQuiet(LongSupplier counter, long quietMillis, long maxMillis) throws InterruptedException {
    long deadline = System.nanoTime() + maxMillis * 1_000_000;
    long last = counter.getAsLong();
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(50);
      long now = counter.getAsLong();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange >= quietMillis * 1_000_000) {
        return;
      }
    }
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}

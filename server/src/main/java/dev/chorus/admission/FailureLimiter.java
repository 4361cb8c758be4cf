package dev.chorus.admission;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed attempts per client address (admin API authentications): an address with {@code maxFailures}
 * failures within {@code windowMillis} of its first is blocked until that window ends, and then starts a new
 * one. One entry per address that failed within its window; expired entries are swept once the map holds more
 * than {@value #SWEEP_ABOVE}. Thread-safe: one per node.
 */
public final class FailureLimiter {

  /** Admin API authentications: admin.maxFailuresPerMinute failures per address, then 429 until its minute ends. */
  public static final long ADMIN_WINDOW_MILLIS = 60_000;

  private static final int SWEEP_ABOVE = 10_000;

  private record Window(long startMillis, int failures) {
  }

  private final int maxFailures;
  private final long windowMillis;
  private final LongSupplier clockMillis;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  public FailureLimiter(int maxFailures, long windowMillis, LongSupplier clockMillis) {
    this.maxFailures = maxFailures;
    this.windowMillis = windowMillis;
    this.clockMillis = clockMillis;
  }

  /** The admin API's limiter, {@code maxFailures} a minute per address (admin.maxFailuresPerMinute). */
  public static FailureLimiter forAdmin(int maxFailures) {
    return new FailureLimiter(maxFailures, ADMIN_WINDOW_MILLIS, System::currentTimeMillis);
  }

  /** Failures an address may have in its window. */
  public int maxFailures() {
    return maxFailures;
  }

  /** Whether {@code address} has used up its failures in its current window. */
  public boolean blocked(String address) {
    Window window = windows.get(address);
    return window != null && window.failures() >= maxFailures && !expired(window, clockMillis.getAsLong());
  }

  /** Counts a failure of {@code address}; true when it is the one that blocks the address. */
  public boolean failed(String address) {
    long now = clockMillis.getAsLong();
    if (windows.size() > SWEEP_ABOVE) {
      windows.values().removeIf(window -> expired(window, now));
    }
    Window window = windows.compute(address, (key, current) -> current == null || expired(current, now)
      ? new Window(now, 1) : new Window(current.startMillis(), current.failures() + 1));
    return window.failures() == maxFailures;
  }

  private boolean expired(Window window, long now) {
    return now - window.startMillis() >= windowMillis;
  }
}

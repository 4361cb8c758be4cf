package dev.chorus.chat;

import java.util.function.LongSupplier;

/**
 * A token bucket: up to {@code burst} messages at once, refilled at {@code perSecond} tokens a second.
 * Also counts rejections per {@link #ABUSE_WINDOW_NANOS} window, so a caller can tell an occasional burst
 * from sustained abuse (a flood keeps getting a token now and then, so "rejections in a row" would miss it).
 * Not thread-safe: one per connection, used on its event loop.
 */
public final class RateLimiter {

  private static final double NANOS_PER_SECOND = 1_000_000_000d;
  /** The window over which rejections are counted: 10 seconds. */
  public static final long ABUSE_WINDOW_NANOS = 10_000_000_000L;

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private double tokens;
  private long refilledAt;
  private long windowStart;
  private int rejectedInWindow;

  /** A full bucket on the system clock. */
  public RateLimiter(int perSecond, int burst) {
    this(perSecond, burst, System::nanoTime);
  }

  /** A full bucket on the given monotonic clock (nanoseconds). */
  public RateLimiter(int perSecond, int burst, LongSupplier nanoClock) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("perSecond and burst must be positive");
    }
    this.perNano = perSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.refilledAt = nanoClock.getAsLong();
    this.windowStart = refilledAt;
  }

  /** Takes a token if there is one; true means the message may pass. */
  public boolean tryAcquire() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    if (now - windowStart >= ABUSE_WINDOW_NANOS) {
      windowStart = now;
      rejectedInWindow = 0;
    }
    rejectedInWindow++;
    return false;
  }

  /** Rejections in the current 10-second window, this one included. */
  public int rejectedInWindow() {
    return rejectedInWindow;
  }
}

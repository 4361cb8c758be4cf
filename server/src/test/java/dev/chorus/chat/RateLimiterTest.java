package dev.chorus.chat;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private RateLimiter limiter(int perSecond, int burst) {
    return new RateLimiter(perSecond, burst, now::get);
  }

  @Test
  void fullBucketAllowsTheBurstThenRejects() {
    RateLimiter rate = limiter(10, 5);
    for (int i = 0; i < 5; i++) {
      assertTrue(rate.tryAcquire(), "message " + i);
    }
    assertFalse(rate.tryAcquire());
  }

  @Test
  void tokensRefillAtTheRate() {
    RateLimiter rate = limiter(10, 5);
    for (int i = 0; i < 5; i++) {
      rate.tryAcquire();
    }
    now.addAndGet(99_000_000L);
    assertFalse(rate.tryAcquire(), "99 ms at 10/s is less than one token");
    now.addAndGet(2_000_000L);
    assertTrue(rate.tryAcquire(), "after 101 ms one token is back");
    assertFalse(rate.tryAcquire());
  }

  @Test
  void refillNeverExceedsTheBurst() {
    RateLimiter rate = limiter(100, 3);
    now.addAndGet(60_000_000_000L);
    int passed = 0;
    while (rate.tryAcquire()) {
      passed++;
    }
    assertEquals(3, passed);
  }

  @Test
  void rejectionsAreCountedPerTenSecondWindowEvenWhenSomeMessagesPass() {
    RateLimiter rate = limiter(1, 1);
    rate.tryAcquire();
    rate.tryAcquire();
    rate.tryAcquire();
    assertEquals(2, rate.rejectedInWindow());
    now.addAndGet(1_000_000_000L);
    assertTrue(rate.tryAcquire());
    assertFalse(rate.tryAcquire());
    assertEquals(3, rate.rejectedInWindow(), "a passing message does not forgive a flood");
    now.addAndGet(RateLimiter.ABUSE_WINDOW_NANOS);
    assertTrue(rate.tryAcquire());
    assertFalse(rate.tryAcquire());
    assertEquals(1, rate.rejectedInWindow(), "a new window starts from zero");
  }

  @Test
  void nonPositiveSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> limiter(0, 1));
    assertThrows(IllegalArgumentException.class, () -> limiter(1, 0));
  }
}

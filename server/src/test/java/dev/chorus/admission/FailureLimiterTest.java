package dev.chorus.admission;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final FailureLimiter limiter = new FailureLimiter(3, 60_000, now::get);

  @Test
  void anAddressIsBlockedAfterItsFailuresUntilTheWindowEnds() {
    assertFalse(limiter.failed("192.0.2.7"));
    assertFalse(limiter.failed("192.0.2.7"));
    assertFalse(limiter.blocked("192.0.2.7"));
    assertTrue(limiter.failed("192.0.2.7"), "the third failure blocks");
    assertTrue(limiter.blocked("192.0.2.7"));
    assertFalse(limiter.blocked("192.0.2.8"), "another address is not blocked");
    now.addAndGet(59_999);
    assertTrue(limiter.blocked("192.0.2.7"));
    now.addAndGet(1);
    assertFalse(limiter.blocked("192.0.2.7"), "a new window");
    assertFalse(limiter.failed("192.0.2.7"));
  }
}

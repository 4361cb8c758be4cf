package dev.chorus.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayGuardTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ReplayGuard guard = new ReplayGuard(now::get);

  private static byte[] nonce(int seed) {
    byte[] nonce = new byte[Sealer.NONCE_BYTES];
    nonce[0] = (byte) seed;
    nonce[11] = (byte) (seed >> 8);
    return nonce;
  }

  @Test
  void aFreshMessageIsAcceptedOnceAndItsReplayRefused() {
    assertNull(guard.check(now.get(), nonce(1), 0));
    assertEquals("replayed", guard.check(now.get(), nonce(1), 0));
    assertNull(guard.check(now.get(), nonce(2), 0), "another nonce is another message");
  }

  @Test
  void aMessageSealedOutsideTheWindowIsRefused() {
    assertEquals("outside the time window", guard.check(now.get() - ReplayGuard.WINDOW_MILLIS - 1, nonce(3), 0));
    assertEquals("outside the time window", guard.check(now.get() + ReplayGuard.WINDOW_MILLIS + 1, nonce(4), 0));
    assertNull(guard.check(now.get() - ReplayGuard.WINDOW_MILLIS, nonce(5), 0), "the window's edge is inside");
  }

  /** Sealed at the window's future edge and replayed until its past edge: the id is still remembered. */
  @Test
  void anIdIsRememberedForAsLongAsItsTimeIsAccepted() {
    long sealedAt = now.get() + ReplayGuard.WINDOW_MILLIS;
    assertNull(guard.check(sealedAt, nonce(6), 0));
    for (long step = 0; step <= 2 * ReplayGuard.WINDOW_MILLIS; step += 10_000) {
      now.addAndGet(10_000);
      String refusal = guard.check(sealedAt, nonce(6), 0);
      assertEquals(now.get() - sealedAt > ReplayGuard.WINDOW_MILLIS ? "outside the time window" : "replayed", refusal,
        "at " + step);
      assertNull(guard.check(now.get(), nonce(1000 + (int) (step / 10_000)), 0), "fresh traffic goes on");
    }
  }

  @Test
  void idsOutOfTheWindowAreForgotten() {
    for (int i = 0; i < 100; i++) {
      assertNull(guard.check(now.get(), nonce(i), 0));
      now.addAndGet(1_000);
    }
    // 100 s of traffic, one message a second: only the last window's buckets (and the one it reaches into) stay.
    assertTrue(guard.buckets() <= ReplayGuard.WINDOW_MILLIS / 5_000 + 1, guard.buckets() + " buckets");
    now.addAndGet(2 * ReplayGuard.WINDOW_MILLIS);
    assertNull(guard.check(now.get(), nonce(500), 0));
    assertEquals(1, guard.buckets(), "only the fresh message's bucket");
  }
}

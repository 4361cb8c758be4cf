package dev.chorus.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Refuses a sealed message heard before: each carries its sealing time and a random id (its nonce); one whose
 * time is more than {@link #WINDOW_MILLIS} from this node's clock, or whose id this node accepted within the
 * window, is a replay (a member without the secret can still record sealed messages and send them again).
 * Ids are kept in two generations that turn over every two windows, so an id is remembered for at least as
 * long as its time is accepted: memory is the ids of two to four windows of traffic. Thread-safe: one per node.
 */
public final class ReplayGuard {

  /** How far a message's sealing time may be from the receiver's clock, either way. */
  public static final long WINDOW_MILLIS = 60_000;
  private static final long TURNOVER_MILLIS = 2 * WINDOW_MILLIS;

  /** A 96-bit nonce as a map key. */
  private record Id(long high, int low) {
  }

  private final LongSupplier clock;
  private volatile Set<Id> current = ConcurrentHashMap.newKeySet();
  private volatile Set<Id> previous = ConcurrentHashMap.newKeySet();
  private volatile long turnsOverAt;

  /** {@code clock} gives epoch milliseconds. */
  public ReplayGuard(LongSupplier clock) {
    this.clock = clock;
    this.turnsOverAt = clock.getAsLong() + TURNOVER_MILLIS;
  }

  /** Why a message was refused, or null when it is fresh (and now remembered). */
  public String check(long sealedAtMillis, byte[] nonce, int offset) {
    long now = clock.getAsLong();
    if (Math.abs(now - sealedAtMillis) > WINDOW_MILLIS) {
      return "outside the time window";
    }
    if (now >= turnsOverAt) {
      turnOver(now);
    }
    Id id = new Id(bytesToLong(nonce, offset), (int) (bytesToLong(nonce, offset + 4) & 0xffffffffL));
    if (previous.contains(id) || !current.add(id)) {
      return "replayed";
    }
    return null;
  }

  private synchronized void turnOver(long now) {
    if (now < turnsOverAt) {
      return;
    }
    previous = current;
    current = ConcurrentHashMap.newKeySet();
    turnsOverAt = now + TURNOVER_MILLIS;
  }

  private static long bytesToLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xff);
    }
    return value;
  }
}

package dev.chorus.cluster;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Refuses a sealed message heard before: each carries its sealing time and a random id (its nonce); one whose
 * time is more than {@link #WINDOW_MILLIS} from this node's clock, or whose id this node accepted before, is a
 * replay (a member without the secret can still record sealed messages and send them again). Ids are kept in
 * buckets by their sealing time, which is sealed too, so a replay lands in its original's bucket; a bucket is
 * dropped once its times are out of the window. Memory: the ids of about {@link #WINDOW_MILLIS} plus one
 * bucket of this node's incoming traffic (about 100 bytes each). Thread-safe: one per node.
 */
public final class ReplayGuard {

  /** How far a message's sealing time may be from the receiver's clock, either way. */
  public static final long WINDOW_MILLIS = 60_000;
  private static final long BUCKET_MILLIS = 5_000;

  /** A 96-bit nonce as a set element. */
  private record Id(long high, int low) {
  }

  private final LongSupplier clock;
  private final Map<Long, Set<Id>> buckets = new ConcurrentHashMap<>();
  private final AtomicLong oldestKept = new AtomicLong(Long.MIN_VALUE);

  /** {@code clock} gives epoch milliseconds. */
  public ReplayGuard(LongSupplier clock) {
    this.clock = clock;
  }

  /** Why a message was refused, or null when it is fresh (and now remembered). */
  public String check(long sealedAtMillis, byte[] nonce, int offset) {
    long now = clock.getAsLong();
    if (Math.abs(now - sealedAtMillis) > WINDOW_MILLIS) {
      return "outside the time window";
    }
    forgetBefore(Math.floorDiv(now - WINDOW_MILLIS, BUCKET_MILLIS));
    Id id = new Id(bytesToLong(nonce, offset), (int) (bytesToLong(nonce, offset + 4) & 0xffffffffL));
    Set<Id> bucket = buckets.computeIfAbsent(Math.floorDiv(sealedAtMillis, BUCKET_MILLIS),
      key -> ConcurrentHashMap.newKeySet());
    return bucket.add(id) ? null : "replayed";
  }

  /** Drops the buckets older than {@code oldest}: their times are all out of the window. */
  private void forgetBefore(long oldest) {
    long kept = oldestKept.get();
    if (oldest > kept && oldestKept.compareAndSet(kept, oldest)) {
      buckets.keySet().removeIf(bucket -> bucket < oldest);
    }
  }

  /** Buckets held now (for tests). */
  int buckets() {
    return buckets.size();
  }

  private static long bytesToLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xff);
    }
    return value;
  }
}

package dev.chorus.bench;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Loss accounting for fan-out: every message a sender publishes should reach every receiver exactly once.
 * Senders number their messages 0, 1, 2...; each receiver remembers which numbers it has seen per sender,
 * so duplicates and out-of-order deliveries are told apart from losses.
 * <p>Threading: {@link #sent} from any thread; {@link #received} for one receiver only from one thread at a
 * time (its connection's event loop); totals from any thread.
 */
public final class DeliveryLedger {

  private final int receivers;
  private final AtomicLongArray sent;
  private final BitSet[][] seen;
  private final long[][] highest;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder outOfOrder = new LongAdder();

  public DeliveryLedger(int receivers, int senders) {
    this.receivers = receivers;
    this.sent = new AtomicLongArray(senders);
    this.seen = new BitSet[receivers][senders];
    this.highest = new long[receivers][senders];
    for (int r = 0; r < receivers; r++) {
      for (int s = 0; s < senders; s++) {
        seen[r][s] = new BitSet();
        highest[r][s] = -1;
      }
    }
  }

  /** Sender {@code sender} published its next message; returns that message's sequence number. */
  public long sent(int sender) {
    return sent.getAndIncrement(sender);
  }

  /** Receiver got message {@code seq} of {@code sender}; returns false for a duplicate or an unknown sender. */
  public boolean received(int receiver, int sender, long seq) {
    if (sender < 0 || sender >= sent.length() || seq < 0 || seq > Integer.MAX_VALUE) {
      return false;
    }
    BitSet bits = seen[receiver][sender];
    if (bits.get((int) seq)) {
      duplicates.increment();
      return false;
    }
    bits.set((int) seq);
    if (seq < highest[receiver][sender]) {
      outOfOrder.increment();
    } else {
      highest[receiver][sender] = seq;
    }
    delivered.increment();
    return true;
  }

  /** Messages published by all senders. */
  public long published() {
    long total = 0;
    for (int s = 0; s < sent.length(); s++) {
      total += sent.get(s);
    }
    return total;
  }

  /** Deliveries that should have happened: every published message to every receiver. */
  public long expected() {
    return published() * receivers;
  }

  /** Distinct deliveries that happened. */
  public long delivered() {
    return delivered.sum();
  }

  /** Deliveries that did not happen (so far). */
  public long lost() {
    return expected() - delivered();
  }

  public long duplicates() {
    return duplicates.sum();
  }

  /** Deliveries that arrived after a later message of the same sender. */
  public long outOfOrder() {
    return outOfOrder.sum();
  }
}

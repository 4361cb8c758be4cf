package dev.chorus.hub;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;

/**
 * One room's chat messages as this event loop hands them to its sockets: in seq order, each once, without
 * gaps. Publishes from different nodes can arrive out of seq order; a message ahead of the next expected
 * seq waits here until the missing ones arrive or are filled in from history ({@link #fill}). Before
 * {@link #start} the position is unknown and everything waits; until the first message goes out, an
 * arrival older than the start position moves the start back to it, so a message published around the
 * time the feed was created is not lost to its first subscribers. Plain class, confined to one event loop.
 */
public final class RoomFeed {

  private final ObjLongConsumer<byte[]> out;
  private final LongConsumer skipped;
  private final TreeMap<Long, byte[]> ahead = new TreeMap<>();
  private boolean started;
  private boolean emitted;
  private long position;

  /**
   * {@code out} receives (encoded message, seq) in seq order; {@code skipped} receives the last seq of each
   * run of messages that {@link #fill} skips because the history no longer holds them, in their place.
   */
  public RoomFeed(ObjLongConsumer<byte[]> out, LongConsumer skipped) {
    this.out = out;
    this.skipped = skipped;
  }

  /**
   * Sets the position from the room's newest seq, read after the feed was created, and releases what
   * follows. Messages that arrived before are kept even if the read already counts them: the position
   * goes back to just before the oldest of them, and any gap up to it is filled like any other.
   */
  public void start(long lastSeq) {
    if (started) {
      return;
    }
    started = true;
    position = ahead.isEmpty() ? lastSeq : Math.min(lastSeq, ahead.firstKey() - 1);
    drain();
  }

  public boolean isStarted() {
    return started;
  }

  /** The seq handed out last; every later message is handed out after this call. Only once started. */
  public long position() {
    return position;
  }

  /** Takes one arrival: handed out now if it is the next, held if it is ahead, dropped if already handed out. */
  public void offer(long seq, byte[] json) {
    if (started && seq <= position) {
      if (emitted) {
        return;
      }
      // Sequenced before the start position was read, but arrived after: nothing has gone out yet, so the
      // feed starts from this message instead; what lies between is filled like any gap.
      position = seq - 1;
    }
    if (started && seq == position + 1 && ahead.isEmpty()) {
      // The common case, in order with nothing waiting: out at once, without a trip through the map.
      position = seq;
      emitted = true;
      out.accept(json, seq);
      return;
    }
    ahead.putIfAbsent(seq, json);
    if (started) {
      drain();
    }
  }

  /** True while a message waits for an earlier one. */
  public boolean hasGap() {
    return started && !ahead.isEmpty();
  }

  /** The newest seq missing before the first waiting message; only while {@link #hasGap()}. */
  public long gapEnd() {
    return ahead.firstKey() - 1;
  }

  /**
   * Fills a gap with the messages read from history for since < seq <= upTo: what history no longer has in
   * that range is skipped (no socket can get it any more; {@code skipped} hears of it in its place), then the
   * waiting messages flow again. Seqs outside the range that was read are never skipped: if the position
   * moved back below {@code since} meanwhile, that part of the gap stays for another read.
   */
  public void fill(Map<Long, byte[]> fromHistory, long since, long upTo) {
    if (!started) {
      return;
    }
    for (Map.Entry<Long, byte[]> entry : fromHistory.entrySet()) {
      if (entry.getKey() > position && entry.getKey() <= upTo) {
        ahead.putIfAbsent(entry.getKey(), entry.getValue());
      }
    }
    drain();
    while (position >= since && position < upTo && !ahead.isEmpty() && ahead.firstKey() > position + 1) {
      position = Math.min(upTo, ahead.firstKey() - 1);
      skipped.accept(position);
      drain();
    }
  }

  private void drain() {
    while (!ahead.isEmpty()) {
      long first = ahead.firstKey();
      if (first <= position) {
        ahead.pollFirstEntry();
      } else if (first == position + 1) {
        position = first;
        emitted = true;
        out.accept(ahead.pollFirstEntry().getValue(), first);
      } else {
        return;
      }
    }
  }
}

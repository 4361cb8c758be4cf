package dev.chorus.transport;

import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The flushes of one event loop's sockets, consolidated: a write outside of a read only marks its socket,
 * and one task queued behind the work already waiting on the loop flushes every marked socket. Deliveries
 * that reach a socket within one turn of the loop (a burst of publishes, a replay) leave in one write
 * system call instead of one each, which is what lets a busy room's sockets keep up. With a write delay
 * (server.writeDelayMillis) deliveries are flushed that long after the first one is marked instead, so the
 * deliveries of that window leave together: fewer, larger writes for the sockets of a busy room, at that much
 * latency; other writes (replies, replays) still go at the end of the turn. Confined to the event loop.
 */
final class Flushes {

  /** A socket whose writes wait for the next flush. */
  interface Pending {
    void flushNow();
  }

  private final Batch turn;
  private final Batch deliveries;

  /** Flushes at the end of the loop's turn, and deliveries {@code delayMillis} after the first (0: with the turn). */
  Flushes(EventExecutor loop, long delayMillis) {
    this.turn = new Batch(loop, 0);
    this.deliveries = delayMillis == 0 ? turn : new Batch(loop, delayMillis);
  }

  boolean runsOn(EventExecutor executor) {
    return turn.loop == executor;
  }

  /** Whether deliveries wait longer than other writes: then a socket may be marked for each once. */
  boolean delaysDeliveries() {
    return deliveries != turn;
  }

  /** Flushes {@code socket} at the end of the turn; call once per socket until its {@link Pending#flushNow} runs. */
  void mark(Pending socket) {
    turn.mark(socket);
  }

  /** Flushes {@code socket} with the next batch of deliveries; once per socket until it is flushed. */
  void markDelivery(Pending socket) {
    deliveries.mark(socket);
  }

  /** Sockets flushed together, by one task. */
  private static final class Batch {
    private final EventExecutor loop;
    private final long delayMillis;
    private final Runnable flushAll = this::flushAll;
    private List<Pending> marked = new ArrayList<>();
    private List<Pending> spare = new ArrayList<>();

    Batch(EventExecutor loop, long delayMillis) {
      this.loop = loop;
      this.delayMillis = delayMillis;
    }

    void mark(Pending socket) {
      marked.add(socket);
      if (marked.size() == 1) {
        if (delayMillis == 0) {
          loop.execute(flushAll);
        } else {
          loop.schedule(flushAll, delayMillis, TimeUnit.MILLISECONDS);
        }
      }
    }

    private void flushAll() {
      List<Pending> batch = marked;
      marked = spare;
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).flushNow();
      }
      batch.clear();
      spare = batch;
    }
  }
}

package dev.chorus.transport;

import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;

/**
 * The flushes of one event loop's sockets, consolidated: a write outside of a read only marks its socket,
 * and one task queued behind the work already waiting on the loop flushes every marked socket. Deliveries
 * that reach a socket within one turn of the loop (a burst of publishes, a replay) leave in one write
 * system call instead of one each, which is what lets a busy room's sockets keep up. Confined to the event
 * loop.
 */
final class Flushes {

  /** A socket whose writes wait for the next flush. */
  interface Pending {
    void flushNow();
  }

  private final EventExecutor loop;
  private final Runnable flushAll = this::flushAll;
  private List<Pending> marked = new ArrayList<>();
  private List<Pending> spare = new ArrayList<>();

  Flushes(EventExecutor loop) {
    this.loop = loop;
  }

  boolean runsOn(EventExecutor executor) {
    return loop == executor;
  }

  /** Flushes {@code socket} with the next batch; call once per socket until its {@link Pending#flushNow} runs. */
  void mark(Pending socket) {
    marked.add(socket);
    if (marked.size() == 1) {
      loop.execute(flushAll);
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

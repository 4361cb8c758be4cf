package dev.chorus.hub;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The replays of one connection, one at a time, in the order they were asked for, and the bytes its
 * subscribers hold waiting for its socket. A replay writes each stored message only while the socket's
 * outbound queue has room ({@link CatchUp}), so with one at a time what a connection holds for its resumes is
 * bounded by the outbound limit, one message past it, and one page of stored entries, however many rooms it
 * resumes: a client that joins every room with {@code since} and never reads costs what one room does. A
 * room waiting its turn holds its live deliveries meanwhile ({@link Subscriber}), so its seam is kept.
 * Confined to the connection's event loop.
 */
public final class Replays {

  /** One replay's turn: it ends once, and the next waiting replay starts. */
  final class Turn {
    private boolean ended;

    void end() {
      if (!ended) {
        ended = true;
        running = false;
        next();
      }
    }
  }

  /** The replays waiting for their turn; null until one waits (most connections never resume). */
  private ArrayDeque<Consumer<Turn>> waiting;
  private boolean running;
  /** Whether {@link #next} is starting replays: a turn ended by the one it started continues its loop. */
  private boolean starting;
  private long backlogBytes;

  /** Starts {@code replay} with its turn now if no replay of this connection runs, else after those before it. */
  void take(Consumer<Turn> replay) {
    if (waiting == null) {
      waiting = new ArrayDeque<>(4);
    }
    waiting.add(replay);
    next();
  }

  private void next() {
    if (starting) {
      return;
    }
    starting = true;
    try {
      Consumer<Turn> replay;
      while (!running && (replay = waiting.poll()) != null) {
        running = true;
        replay.accept(new Turn());
      }
    } finally {
      starting = false;
    }
  }

  /** A subscriber of this connection queued ({@code bytes} > 0) or wrote or dropped (< 0) paced bytes. */
  void backlog(long bytes) {
    backlogBytes += bytes;
  }

  /** The bytes this connection's subscribers hold waiting for its socket to drain. */
  long backlogBytes() {
    return backlogBytes;
  }
}

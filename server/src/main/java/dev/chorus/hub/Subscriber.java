package dev.chorus.hub;

import dev.chorus.transport.ClientSocket;
import dev.chorus.transport.OutboundFrame;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket's place in one room of the {@link LocalHub}. It writes deliveries to the socket, or, while it
 * catches up from history ({@link CatchUp#resume}), holds them; {@link #release} then writes the held ones that the replay did not
 * cover. Chat messages at or below the floor are never written: the client has them already.
 * <p>Live room deliveries are offered ({@link ClientSocket#offer}): a socket whose outbound queue is full
 * misses them. What a resume must not lose (replayed history, its errors, and the deliveries held during the
 * replay: {@link #write}) is paced instead: written while the queue has room, the rest kept here in order
 * until it drains, so the queue never passes its limit by more than one message. A replay writes a stored
 * message only while {@link #hasRoom}, so the backlog holds its errors and what was held, never replayed
 * history; the connection's replays take turns ({@link Replays}), and a subscriber keeps its turn until what
 * it held is written. A client that does not read is closed by the transport's slow-consumer rule meanwhile.
 * A live delivery that arrives while a backlog waits is dropped like any delivery to a full queue (the client
 * sees the seq gap and can resume). Confined to its socket's event loop.
 */
public final class Subscriber {

  /** A held delivery; seq is -1 for messages that have none (status). */
  private record Held(long seq, byte[] json) {
  }

  private final ClientSocket socket;
  private final String connection;
  private final Replays replays;
  private List<Held> held;
  /** Paced writes waiting for the queue to drain, in order; null when none wait. */
  private ArrayDeque<byte[]> backlog;
  /** What runs once the backlog is written ({@link #whenWritable}); null for nothing. */
  private Runnable afterBacklog;
  /** Whether the socket will call {@link #pump} when it drains. */
  private boolean pumpWaiting;
  /** The bytes in the backlog, counted in the connection's {@link Replays} too. */
  private long backlogBytes;
  /** The turn of the replay in progress; null while none runs. */
  private Replays.Turn turn;
  /** Whether the subscriber left its room ({@link #stop}). */
  private boolean stopped;
  private long floor;
  private int generation;
  /** Its slot in its room's {@link Subscribers}, -1 while in none. */
  int slot = -1;

  /** See {@link LocalHub#liveSubscriber} and {@link LocalHub#resumingSubscriber}. */
  Subscriber(ClientSocket socket, String connection, Replays replays, boolean holding) {
    this.socket = socket;
    this.connection = connection;
    this.replays = replays;
    this.held = holding ? new ArrayList<>() : null;
  }

  /** The connection's id (node-unique), by which a sender's own ephemeral messages skip it. */
  String connection() {
    return connection;
  }

  /** Writes an ephemeral message (typing) if the socket has room to spare; dropped while catching up. */
  void deliverEphemeral(OutboundFrame message) {
    if (held == null) {
      socket.offerEphemeral(message);
    }
  }

  /**
   * Writes (or holds) one message; {@code seq} is -1 for messages without one. False when the client has
   * it already (seq at or below the floor).
   */
  boolean deliver(long seq, OutboundFrame message) {
    if (seq >= 0 && seq <= floor) {
      return false;
    }
    if (held != null) {
      held.add(new Held(seq, message.utf8()));
    } else if (backlog == null) {
      socket.offer(message);
    }
    return true;
  }

  /**
   * Writes a message a resume must not lose (replayed history, its errors, held deliveries): now if the
   * queue has room and nothing waits before it, else once it drains, in order.
   */
  public void write(byte[] json) {
    if (backlog == null && !socket.congested() && socket.sendText(json)) {
      return;
    }
    if (!socket.isOpen()) {
      return;
    }
    if (backlog == null) {
      backlog = new ArrayDeque<>();
    }
    backlog.add(json);
    counted(json.length);
    awaitRoom();
  }

  /** Whether a message written now goes to the socket at once: nothing waits before it and the queue has room. */
  boolean hasRoom() {
    return backlog == null && socket.isOpen() && !socket.congested();
  }

  private void counted(long bytes) {
    backlogBytes += bytes;
    replays.backlog(bytes);
  }

  private void awaitRoom() {
    if (!pumpWaiting) {
      pumpWaiting = true;
      socket.whenWritable(this::pump);
    }
  }

  /** Writes the backlog while the queue has room; once it is all written, runs what waited for that. */
  private void pump() {
    pumpWaiting = false;
    while (backlog != null && !backlog.isEmpty()) {
      if (socket.congested() || !socket.sendText(backlog.peek())) {
        if (socket.isOpen()) {
          awaitRoom();
        }
        return;
      }
      counted(-backlog.poll().length);
    }
    backlog = null;
    Runnable next = afterBacklog;
    afterBacklog = null;
    if (next != null) {
      whenWritable(next);
    }
  }

  /** Forgets the backlog: the subscriber left its room, and nothing more of it is to be written. */
  void stop() {
    stopped = true;
    backlog = null;
    afterBacklog = null;
    counted(-backlogBytes);
    endTurn(turn);
  }

  /**
   * Runs {@code replay} in this subscriber's turn among its connection's replays ({@link Replays}); a
   * replay whose turn comes after the subscriber left or was reset ({@link #holdForNewEpoch}) does not run.
   * The turn ends with {@link #release}, once what was held is written, or with {@link #endTurn}.
   */
  void inTurn(Runnable replay) {
    int startedIn = generation;
    replays.take(given -> {
      if (stopped || generation != startedIn) {
        given.end();
        return;
      }
      turn = given;
      replay.run();
    });
  }

  /** Ends the current replay's turn without releasing: the replay stopped. */
  void endTurn() {
    endTurn(turn);
  }

  private void endTurn(Replays.Turn ending) {
    if (ending != null) {
      if (turn == ending) {
        turn = null;
      }
      ending.end();
    }
  }

  /**
   * Holds deliveries again, from a new stream of the room (a new epoch): its seqs start afresh, so the floor
   * goes back to 0 and {@link #release} ends the holding as after a resume.
   */
  void holdForNewEpoch() {
    // What was held counts in the old epoch: the new stream's replay brings what the client needs.
    held = new ArrayList<>();
    floor = 0;
    generation++;
    endTurn(turn);
  }

  /** Counts {@link #holdForNewEpoch}: a resume started before the last one is stale and must stop. */
  int generation() {
    return generation;
  }

  /** Runs {@code next} once the backlog is written and the outbound queue has room: now, if it has. */
  void whenWritable(Runnable next) {
    if (backlog != null) {
      afterBacklog = next;
    } else {
      socket.whenWritable(next);
    }
  }

  /** Ends holding: writes the held messages with seq above {@code floor} (and those without seq), then goes live. */
  public void release(long floor) {
    this.floor = Math.max(this.floor, floor);
    List<Held> pending = held;
    held = null;
    if (pending != null) {
      for (Held message : pending) {
        if (message.seq() < 0 || message.seq() > this.floor) {
          write(message.json());
        }
      }
    }
    Replays.Turn ending = turn;
    whenWritable(() -> endTurn(ending));
  }
}

package dev.chorus.hub;

import dev.chorus.transport.ClientSocket;
import dev.chorus.transport.OutboundFrame;

import java.util.ArrayList;
import java.util.List;

/**
 * A socket's place in one room of the {@link LocalHub}. It writes deliveries to the socket, or, while it
 * catches up from history ({@link CatchUp#resume}), holds them; {@link #release} then writes the held ones that the replay did not
 * cover. Chat messages at or below the floor are never written: the client has them already.
 * <p>Room deliveries are the one place where a full outbound queue is checked: they are offered
 * ({@link ClientSocket#offer}), so a socket whose queue is full misses them. Replayed history, the deliveries
 * held during the replay, and replies ({@link #write}) are written regardless: they are bounded (history.size
 * and the replay's duration) and a resume must have no gap at its seam.
 * Confined to its socket's event loop.
 */
public final class Subscriber {

  /** A held delivery; seq is -1 for messages that have none (status). */
  private record Held(long seq, byte[] json) {
  }

  private final ClientSocket socket;
  private final String connection;
  private List<Held> held;
  private long floor;
  private int generation;
  /** Its slot in its room's {@link Subscribers}, -1 while in none. */
  int slot = -1;

  /** See {@link LocalHub#liveSubscriber} and {@link LocalHub#resumingSubscriber}. */
  Subscriber(ClientSocket socket, String connection, boolean holding) {
    this.socket = socket;
    this.connection = connection;
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
    } else {
      socket.offer(message);
    }
    return true;
  }

  /** Writes a message outside of room delivery (history replay, replies). */
  public void write(byte[] json) {
    socket.sendText(json);
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
  }

  /** Counts {@link #holdForNewEpoch}: a resume started before the last one is stale and must stop. */
  int generation() {
    return generation;
  }

  /** Runs {@code next} now, or once the outbound queue has room again if it is full. */
  void whenWritable(Runnable next) {
    if (socket.congested()) {
      socket.onDrained(next);
    } else {
      next.run();
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
  }
}

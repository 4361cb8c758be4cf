package dev.chorus.hub;

import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * A socket's place in one room of the {@link LocalHub}. It writes deliveries to the socket, or, while its
 * session replays history, holds them; {@link #release} then writes the held ones that the replay did not
 * cover. Chat messages at or below the floor are never written: the client has them already.
 * Confined to its socket's event loop.
 */
public final class Subscriber {

  /** A held delivery; seq is -1 for messages that have none (status). */
  private record Held(long seq, byte[] json) {
  }

  private final ServerWebSocket socket;
  private List<Held> held;
  private long floor;

  private Subscriber(ServerWebSocket socket, boolean holding) {
    this.socket = socket;
    this.held = holding ? new ArrayList<>() : null;
  }

  /** A subscriber that writes every delivery at once. */
  public static Subscriber live(ServerWebSocket socket) {
    return new Subscriber(socket, false);
  }

  /** A subscriber that holds deliveries until {@link #release}. */
  public static Subscriber holding(ServerWebSocket socket) {
    return new Subscriber(socket, true);
  }

  public ServerWebSocket socket() {
    return socket;
  }

  /** Writes (or holds) one message; {@code seq} is -1 for messages without one. */
  void deliver(long seq, byte[] json) {
    if (seq >= 0 && seq <= floor) {
      return;
    }
    if (held != null) {
      held.add(new Held(seq, json));
    } else {
      write(json);
    }
  }

  /** Writes a message outside of room delivery (history replay, replies). */
  public void write(byte[] json) {
    if (!socket.isClosed()) {
      socket.writeFrame(TextFrames.of(json));
    }
  }

  /** Ends holding: writes the held messages with seq above {@code floor} (and those without seq), then goes live. */
  public void release(long floor) {
    this.floor = Math.max(this.floor, floor);
    List<Held> pending = held;
    held = null;
    if (pending != null) {
      for (Held message : pending) {
        deliver(message.seq(), message.json());
      }
    }
  }
}

package dev.chorus.history;

import io.vertx.core.Future;

import java.util.List;

/**
 * Each room's stream of chat messages: the sequencer of its seqs, its epoch, and its retained messages.
 * <p>Contract: {@link #append} assigns the room's next seq (the first is 1; strictly increasing across the
 * whole cluster) and stores the message in one step, so a message has a seq if and only if it is stored. A
 * message with an id is stored once: appending an id the room already stored (while that message is
 * retained, and for at least ten minutes) stores nothing and answers the original seq. Within one epoch a
 * seq names one message, forever; when a store cannot keep that promise (its streams were lost or diverged)
 * the room gets a new epoch. Futures complete on the caller's Vert.x context.
 * <p>A room holds state in the store only from its first stored message on: {@link #read} and
 * {@link #position} create nothing, so joins, {@code who} and reads of any number of room names cost the
 * store nothing. A room with nothing stored still has an epoch, the one its first message's stream will take:
 * every node answers the same for it without storing anything, so a client that joined the empty room resumes
 * across that first message in the epoch it was told. (Rarely, the epoch a room with nothing stored answers
 * changes before its first message, for example at the end of a period of the memory store; subscribers told
 * the old one then get the history reset, as for any new epoch.) A store that forgets a room (the memory store's
 * idle rooms) gives its next message a new epoch, never one of the room's earlier ones.
 */
public interface RoomHistory {

  /** Epochs are opaque strings of at most this many characters. */
  int MAX_EPOCH_LENGTH = 32;

  /**
   * The outcome of an append: the stored entry and the room's epoch; {@code duplicate} when the id was stored
   * before, and the entry is that earlier message (without sender and message when no longer retained).
   */
  record Appended(HistoryEntry entry, String epoch, boolean duplicate) {
  }

  /** Where a room's stream stands: its epoch and its newest seq (0: none yet). */
  record Position(String epoch, long lastSeq) {
  }

  /** Retained messages of one epoch, oldest first. */
  record Page(String epoch, List<HistoryEntry> entries) {
    public Page {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Sequences and stores a chat message; {@code id} is the client's id for it, or null for none (a retried
   * append then still stores it once). Completes once the store knows the outcome, however long that takes
   * (bounded only by the store's own failure detection): the caller decides how long its client waits, and a
   * message stored after that is still stored, so the caller must still publish it.
   */
  Future<Appended> append(String room, String id, String sender, String message, long ts);

  /**
   * The retained messages with {@code since < seq <= upTo}, oldest first, at most {@code limit}, in the room's
   * current epoch. When the oldest of them are no longer retained the list starts later: compare its first
   * seq with since + 1.
   */
  Future<Page> read(String room, long since, long upTo, int limit);

  /** The room's epoch and newest seq (0 and the epoch its first message will take, while it has none). */
  Future<Position> position(String room);

  /** Whether the store answers (as far as this node last saw); a store in cluster memory always does. */
  default boolean reachable() {
    return true;
  }

  /** The store's name, as the setting history.store gives it. */
  default String store() {
    return "memory";
  }

  /** Releases the store's connections, if it has any. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}

package dev.chorus.history;

import io.vertx.core.Future;

import java.util.List;

/**
 * Each room's last N chat messages, and the sequencer of the room's seq.
 * <p>Contract: {@link #append} assigns the room's next seq (the first is 1; strictly increasing across the
 * whole cluster) and stores the message in one step, so a message has a seq if and only if it is retained
 * until N newer ones push it out. A stored message survives the loss of any one node. History lives in
 * cluster memory: if every node stops (or a node and its backup die together), it is gone and seqs start
 * at 1 again. Futures complete on the caller's Vert.x context.
 */
public interface RoomHistory {

  /** Sequences and stores a chat message; completes with its entry (seq assigned). */
  Future<HistoryEntry> append(String room, String sender, String message, long ts);

  /**
   * The retained messages with {@code since < seq <= upTo}, oldest first, at most {@code limit}. When the
   * oldest of them are no longer retained the list starts later: compare its first seq with since + 1.
   */
  Future<List<HistoryEntry>> read(String room, long since, long upTo, int limit);

  /** The seq of the room's newest message; 0 when it has none. */
  Future<Long> lastSeq(String room);
}

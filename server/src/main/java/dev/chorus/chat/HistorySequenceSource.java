package dev.chorus.chat;

import dev.chorus.history.HistoryEntry;
import dev.chorus.history.RoomHistory;
import dev.chorus.hub.SequenceSource;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ServerMessage;
import io.vertx.core.Future;

import java.util.SortedMap;
import java.util.TreeMap;

/** The hub's {@link SequenceSource}: a room's history, encoded exactly as {@link RoomPublisher} publishes it. */
public final class HistorySequenceSource implements SequenceSource {

  private final RoomHistory history;

  public HistorySequenceSource(RoomHistory history) {
    this.history = history;
  }

  @Override
  public Future<Long> lastSeq(String room) {
    return history.lastSeq(room);
  }

  @Override
  public Future<SortedMap<Long, byte[]>> read(String room, long since, long upTo) {
    return history.read(room, since, upTo, Integer.MAX_VALUE).map(entries -> {
      SortedMap<Long, byte[]> bySeq = new TreeMap<>();
      for (HistoryEntry entry : entries) {
        bySeq.put(entry.seq(), encode(room, entry));
      }
      return bySeq;
    });
  }

  /** The bytes a live subscriber got (or would have got) for this entry. */
  public static byte[] encode(String room, HistoryEntry entry) {
    return MessageCodec.encode(new ServerMessage.Chat(room, entry.seq(), entry.ts(), entry.sender(), entry.message()));
  }
}

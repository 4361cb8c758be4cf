package dev.chorus.hub;

import io.vertx.core.Future;

import java.util.SortedMap;

/** Where the hub learns a room's position and fills gaps in its live feed: the room's history. */
public interface SequenceSource {

  /** The seq of the room's newest message; 0 when none. */
  Future<Long> lastSeq(String room);

  /** The retained messages with since < seq <= upTo, encoded exactly as they are published, by seq. */
  Future<SortedMap<Long, byte[]>> read(String room, long since, long upTo);
}

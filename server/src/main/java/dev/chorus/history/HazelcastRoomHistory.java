package dev.chorus.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * {@link RoomHistory} in cluster memory: one {@link RoomLog} per room in the Hazelcast map
 * {@value #MAP}, kept as objects with one synchronous backup. Every append, read and position is one
 * operation on the partition that owns the room ({@link StreamOps}), so that partition's owner is the room's
 * sequencer, and an append completes once owner and backup hold the message. If the owner dies before it
 * answers, Hazelcast retries the append on the new owner, which finds the message under its key and answers
 * its seq: a message is stored once, with or without a client id.
 * <p>Everything is lost when every node stops (or a room's owner and backup die together); the room then
 * starts again under a new epoch. After a partition heals, {@link RoomLogMergePolicy} merges the sides.
 */
public final class HazelcastRoomHistory implements RoomHistory {

  /** The map of room streams, by room name. */
  public static final String MAP = "chorus.history";

  private final Vertx vertx;
  private final IMap<String, RoomLog> streams;
  private final ToIntFunction<String> historySize;
  /** Made-up keys of chats without an id: a space (no client id has one), this instance, a counter. */
  private final String keyPrefix = " " + Epochs.next() + ":";
  private final AtomicLong keys = new AtomicLong();

  /** {@code historySize} tells a room's history size (its namespace's option) by the room's name. */
  public HazelcastRoomHistory(Vertx vertx, HazelcastInstance hazelcast, ToIntFunction<String> historySize) {
    this.vertx = vertx;
    this.streams = hazelcast.getMap(MAP);
    this.historySize = historySize;
  }

  /**
   * Adds the map of room streams to a Hazelcast configuration: objects (an append changes the log in place,
   * without serializing it), one synchronous backup, no expiry, the merge of {@link RoomLogMergePolicy}, and
   * the serialization of its classes.
   */
  public static Config configure(Config config) {
    config.addMapConfig(new MapConfig(MAP).setInMemoryFormat(InMemoryFormat.OBJECT).setBackupCount(1)
      .setAsyncBackupCount(0).setTimeToLiveSeconds(0)
      .setMergePolicyConfig(new MergePolicyConfig(RoomLogMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE)));
    config.getSerializationConfig().addDataSerializableFactory(HistorySerialization.FACTORY_ID, new HistorySerialization());
    return config;
  }

  @Override
  public Future<Appended> append(String room, String id, String sender, String message, long ts) {
    String key = id != null ? MessageKeys.of(id, sender) : keyPrefix + keys.incrementAndGet();
    StreamOps.Append append = new StreamOps.Append(key, sender, message, ts, historySize.applyAsInt(room), Epochs.next());
    return call(room, append).map(answer -> new Appended(answer.duplicate() ? answer.entries().get(0)
      : new HistoryEntry(answer.seq(), answer.ts(), sender, message, id), answer.epoch(), answer.duplicate()));
  }

  @Override
  public Future<Page> read(String room, long since, long upTo, int limit) {
    return call(room, new StreamOps.Read(since, upTo, limit)).compose(answer -> answer.epoch() == null
      ? position(room).map(position -> new Page(position.epoch(), answer.entries()))
      : Future.succeededFuture(new Page(answer.epoch(), answer.entries())));
  }

  @Override
  public Future<Position> position(String room) {
    return call(room, new StreamOps.Open(Epochs.next())).map(answer -> new Position(answer.epoch(), answer.seq()));
  }

  private Future<StreamOps.Answer> call(String room, com.hazelcast.map.EntryProcessor<String, RoomLog, StreamOps.Answer> op) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(streams.submitToKey(room, op), context);
  }
}

package dev.chorus.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.chorus.hazelcast.HazelcastCalls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * {@link RoomHistory} in cluster memory: one {@link RoomLog} per room in the Hazelcast map
 * {@value #MAP}, kept as objects with one synchronous backup. Every append, read and position is one
 * operation on the partition that owns the room ({@link StreamOps}), so that partition's owner is the room's
 * sequencer, and an append completes once owner and backup hold the message. If the owner dies before it
 * answers, Hazelcast retries the append on the new owner, which finds the message under its key and answers
 * its seq (as stored by this very call, so it is still published): a message is stored once, with or without a
 * client id. A read or position that takes longer than {@link #CALL_TIMEOUT_MILLIS} fails; an append is
 * answered whenever Hazelcast has its outcome (a new owner, once the old one is declared dead), as
 * {@link RoomHistory#append} requires.
 * <p>Everything is lost when every node stops (or a room's owner and backup die together); the room then
 * starts again under a new epoch. After a partition heals, {@link RoomLogMergePolicy} merges the sides.
 */
public final class HazelcastRoomHistory implements RoomHistory {

  /** The map of room streams, by room name. */
  public static final String MAP = "chorus.history";
  /** The longest an operation on a room's stream may take before it counts as failed. */
  static final long CALL_TIMEOUT_MILLIS = 10_000;

  private final Vertx vertx;
  private final IMap<String, RoomLog> streams;
  private final ToIntFunction<String> historySize;
  /**
   * Names of appends, and the keys of chats without an id: a space (no client id has one), this instance, a
   * counter.
   */
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
    String call = keyPrefix + keys.incrementAndGet();
    String key = id != null ? MessageKeys.of(id, sender) : call;
    StreamOps.Append append = new StreamOps.Append(key, call, sender, message, ts, historySize.applyAsInt(room),
      Epochs.next());
    return submit(room, append).map(answer -> new Appended(answer.duplicate() ? answer.entries().get(0)
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

  /** A read or position: it fails after {@link #CALL_TIMEOUT_MILLIS} (Hazelcast's own limit is 2 minutes). */
  private Future<StreamOps.Answer> call(String room, EntryProcessor<String, RoomLog, StreamOps.Answer> op) {
    return submit(room, op).timeout(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code op} on the room's partition; completes on the caller's context. */
  private Future<StreamOps.Answer> submit(String room, EntryProcessor<String, RoomLog, StreamOps.Answer> op) {
    return HazelcastCalls.onContext(streams.submitToKey(room, op), vertx.getOrCreateContext());
  }
}

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * {@link RoomHistory} in cluster memory: one {@link RoomLog} per room that stored a message, in the
 * Hazelcast map {@value #MAP}, kept as objects with one synchronous backup. Every append, read and position
 * is one operation on the partition that owns the room ({@link StreamOps}), so that partition's owner is the
 * room's sequencer, and an append completes once owner and backup hold the message. If the owner dies before
 * it answers, Hazelcast retries the append on the new owner, which finds the message under its key and answers
 * its seq (as stored by this very call, so it is still published): a message is stored once, with or without a
 * client id. A read or position that takes longer than {@link #CALL_TIMEOUT_MILLIS} fails; an append is
 * answered whenever Hazelcast has its outcome (a new owner, once the old one is declared dead), as
 * {@link RoomHistory#append} requires.
 * <p>Reads and positions create nothing. A room without a stream has the epoch {@link Epochs#of} the
 * cluster's generation ({@link ClusterGeneration}), the room and the current period (half of
 * history.idleRoomSeconds), which its first message's stream then takes. The generation is drawn anew when a
 * partition of the streams is lost; rooms without members that stored nothing for the idle time are forgotten
 * ({@link IdleRooms}). A room's next stream never
 * takes an epoch of its previous ones: a lost partition changes the generation, and its owner renames the
 * streams created in it before it heard of the loss; a forgotten one was created at least the idle time, two
 * periods, earlier (as long as the nodes' clocks differ by less than a quarter of it).
 * <p>Everything is lost when every node stops (or a room's owner and backup die together); the room then
 * starts again under a new epoch. After a partition heals, {@link RoomLogMergePolicy} merges the sides.
 */
public final class HazelcastRoomHistory implements RoomHistory {

  /** The map of room streams, by room name. */
  public static final String MAP = "chorus.history";
  /** The map that holds the cluster's history generation ({@link ClusterGeneration}), under {@link #GENERATION}. */
  public static final String GENERATION_MAP = "chorus.history.generation";
  /** The generation's key in {@link #GENERATION_MAP}. */
  public static final String GENERATION = "generation";
  /** The longest an operation on a room's stream may take before it counts as failed. */
  static final long CALL_TIMEOUT_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastRoomHistory.class);

  private final Vertx vertx;
  private final IMap<String, RoomLog> streams;
  private final ClusterGeneration generation;
  private final ToIntFunction<String> historySize;
  private final long idleMillis;
  private IdleRooms idleRooms;
  /**
   * Names of appends, and the keys of chats without an id: a space (no client id has one), this instance, a
   * counter.
   */
  private final String keyPrefix = " " + Epochs.next() + ":";
  private final AtomicLong keys = new AtomicLong();

  /**
   * {@code historySize} tells a room's history size (its namespace's option) by the room's name;
   * {@code idleRoomSeconds} is history.idleRoomSeconds. Blocks while it reads or draws the generation.
   */
  public HazelcastRoomHistory(Vertx vertx, HazelcastInstance hazelcast, ToIntFunction<String> historySize,
                              int idleRoomSeconds) {
    this.vertx = vertx;
    this.streams = hazelcast.getMap(MAP);
    this.generation = new ClusterGeneration(hazelcast);
    this.historySize = historySize;
    this.idleMillis = TimeUnit.SECONDS.toMillis(idleRoomSeconds);
    streams.addPartitionLostListener(event -> {
      generation.renew();
      renameStreamsOf(event.getPartitionId(), hazelcast);
    });
  }

  /**
   * Adds the maps of room streams and of the generation to a Hazelcast configuration: objects (an append
   * changes the log in place, without serializing it), one synchronous backup, no expiry, the merge of
   * {@link RoomLogMergePolicy}, and the serialization of its classes.
   */
  public static Config configure(Config config) {
    config.addMapConfig(new MapConfig(MAP).setInMemoryFormat(InMemoryFormat.OBJECT).setBackupCount(1)
      .setAsyncBackupCount(0).setTimeToLiveSeconds(0)
      .setMergePolicyConfig(new MergePolicyConfig(RoomLogMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE)));
    config.addMapConfig(new MapConfig(GENERATION_MAP).setBackupCount(1).setAsyncBackupCount(0));
    config.getSerializationConfig().addDataSerializableFactory(HistorySerialization.FACTORY_ID, new HistorySerialization());
    return config;
  }

  /**
   * Starts forgetting idle rooms ({@link IdleRooms}) from this node's partitions; {@code occupied} answers
   * which of the rooms it is given have members, cluster-wide. Call once, on the context that sweeps;
   * {@link #close} stops it.
   */
  public void forgetIdleRooms(Function<Set<String>, Future<Set<String>>> occupied) {
    idleRooms = new IdleRooms(vertx, streams, idleMillis, occupied);
    idleRooms.start();
  }

  @Override
  public Future<Appended> append(String room, String id, String sender, String message, long ts) {
    String call = keyPrefix + keys.incrementAndGet();
    String key = id != null ? MessageKeys.of(id, sender) : call;
    long now = System.currentTimeMillis();
    String used = generation.current();
    StreamOps.Append append = new StreamOps.Append(key, call, sender, message, ts, historySize.applyAsInt(room),
      Epochs.of(used, room, period(now)), now);
    return submit(room, append).compose(answer -> createdUnderOldGeneration(answer, used) ? renamed(room, answer)
        : Future.succeededFuture(answer))
      .map(answer -> new Appended(answer.duplicate() ? answer.entries().get(0)
        : new HistoryEntry(answer.seq(), answer.ts(), sender, message, id), answer.epoch(), answer.duplicate()));
  }

  /**
   * Whether the append created the room's stream (its first message) under a generation that was renewed
   * meanwhile: a partition was lost while it ran, maybe this room's, and its epoch may be one a lost stream had.
   */
  private boolean createdUnderOldGeneration(StreamOps.Answer answer, String used) {
    return answer.seq() == 1 && !answer.duplicate() && !used.equals(generation.current());
  }

  /** Names the room's stream anew (see {@link #renameStreamsOf}); the answer then carries the new epoch. */
  private Future<StreamOps.Answer> renamed(String room, StreamOps.Answer answer) {
    String epoch = Epochs.next();
    return HazelcastCalls.onContext(streams.submitToKey(room, new StreamOps.Rename(epoch)), vertx.getOrCreateContext())
      .map(v -> answer.withEpoch(epoch));
  }

  @Override
  public Future<Page> read(String room, long since, long upTo, int limit) {
    return call(room, new StreamOps.Read(since, upTo, limit))
      .map(answer -> new Page(epochOf(room, answer), answer.entries()));
  }

  @Override
  public Future<Position> position(String room) {
    return call(room, new StreamOps.Read(0, 0, 0)).map(answer -> new Position(epochOf(room, answer), answer.seq()));
  }

  @Override
  public Future<Void> close() {
    if (idleRooms != null) {
      idleRooms.stop();
    }
    return Future.succeededFuture();
  }

  /** The epoch of the stream that answered, or the room's epoch while it has none. */
  private String epochOf(String room, StreamOps.Answer answer) {
    return answer.epoch() != null ? answer.epoch() : unbornEpoch(room, System.currentTimeMillis());
  }

  /** The epoch the room's stream takes if it is created at {@code now}. */
  private String unbornEpoch(String room, long now) {
    return Epochs.of(generation.current(), room, period(now));
  }

  /** The period {@code now} is in: half of the idle time, so a forgotten room's next stream is in a later one. */
  private long period(long now) {
    return now / (idleMillis / 2);
  }

  /**
   * Every stream in a lost partition was created after the loss, maybe (before this node heard of it) under
   * the old generation, so under an epoch a lost stream had: the partition's owner names them all anew, with
   * random epochs. Their subscribers get the history reset at their next message. (An append still in flight
   * now renames its stream itself when it completes: {@link #createdUnderOldGeneration}.)
   */
  private void renameStreamsOf(int partition, HazelcastInstance hazelcast) {
    Set<String> created = streams.localKeySet().stream()
      .filter(room -> hazelcast.getPartitionService().getPartition(room).getPartitionId() == partition)
      .collect(Collectors.toSet());
    if (!created.isEmpty()) {
      // One epoch for them all: an epoch only has to differ from its own room's earlier ones.
      HazelcastCalls.whenComplete(streams.submitToKeys(created, new StreamOps.Rename(Epochs.next())), (done, failure) -> {
        if (failure != null) {
          LOG.warn("Cannot give the {} room(s) of lost partition {} a new epoch: {}", created.size(), partition,
            failure.getMessage());
        }
      });
    }
  }

  /** A read: it fails after {@link #CALL_TIMEOUT_MILLIS} (Hazelcast's own limit is 2 minutes). */
  private Future<StreamOps.Answer> call(String room, EntryProcessor<String, RoomLog, StreamOps.Answer> op) {
    return submit(room, op).timeout(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code op} on the room's partition; completes on the caller's context. */
  private Future<StreamOps.Answer> submit(String room, EntryProcessor<String, RoomLog, StreamOps.Answer> op) {
    return HazelcastCalls.onContext(streams.submitToKey(room, op), vertx.getOrCreateContext());
  }
}

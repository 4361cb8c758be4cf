package dev.chorus.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.hazelcast.config.Config;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link RoomHistory} in one Hazelcast Ringbuffer per room ({@code chorus.history.<room>}) with one
 * synchronous backup: an append completes once owner and backup hold the message. The ringbuffer's
 * sequence is the seq (seq = ringbuffer sequence + 1), so the partition owner is the room's sequencer.
 * Every node must run with the same capacity (it is part of the Hazelcast configuration).
 */
public final class HazelcastRoomHistory implements RoomHistory {

  /** Ringbuffer name prefix; the wildcard configuration below applies to every room. */
  public static final String PREFIX = "chorus.history.";
  /** Hazelcast reads at most this many items per call. */
  private static final int MAX_BATCH = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;

  public HazelcastRoomHistory(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
  }

  /**
   * Adds the ringbuffer configuration: one synchronous backup, no TTL, and {@code capacity} messages per room,
   * or for the rooms of a namespace in {@code capacityByNamespace} that many ({@code chorus.history.<ns>:*}).
   */
  public static Config configure(Config config, int capacity, Map<String, Integer> capacityByNamespace) {
    config.addRingBufferConfig(ringbuffer(PREFIX + "*", capacity));
    capacityByNamespace.forEach((namespace, size) -> config.addRingBufferConfig(ringbuffer(PREFIX + namespace + ":*", size)));
    return config;
  }

  private static RingbufferConfig ringbuffer(String name, int capacity) {
    return new RingbufferConfig(name).setCapacity(capacity).setBackupCount(1).setAsyncBackupCount(0)
      .setTimeToLiveSeconds(0);
  }

  private Ringbuffer<String> ring(String room) {
    return hazelcast.getRingbuffer(PREFIX + room);
  }

  @Override
  public Future<HistoryEntry> append(String room, String sender, String message, long ts) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(ring(room).addAsync(encode(sender, message, ts), OverflowPolicy.OVERWRITE), context)
      .map(sequence -> new HistoryEntry(sequence + 1, ts, sender, message));
  }

  @Override
  public Future<List<HistoryEntry>> read(String room, long since, long upTo, int limit) {
    Context context = vertx.getOrCreateContext();
    Promise<List<HistoryEntry>> done = Promise.promise();
    readFrom(ring(room), context, since, upTo, limit, new ArrayList<>(), done);
    return done.future();
  }

  /** Reads batch after batch: sequence {@code since} is the ringbuffer position of seq since + 1. */
  private void readFrom(Ringbuffer<String> ring, Context context, long since, long upTo, int limit,
                        List<HistoryEntry> into, Promise<List<HistoryEntry>> done) {
    // A read may ask for at most the ringbuffer's capacity (its configuration, known locally).
    int wanted = (int) Math.min(Math.min(limit - into.size(), upTo - since), Math.min(MAX_BATCH, ring.capacity()));
    if (wanted <= 0) {
      done.complete(into);
      return;
    }
    Future.fromCompletionStage(ring.readManyAsync(since, 0, wanted, null), context).onComplete(result -> {
      if (result.failed()) {
        done.fail(result.cause());
        return;
      }
      ReadResultSet<String> batch = result.result();
      long last = since;
      for (int i = 0; i < batch.size(); i++) {
        long seq = batch.getSequence(i) + 1;
        if (seq > upTo || into.size() >= limit) {
          done.complete(into);
          return;
        }
        into.add(decode(seq, batch.get(i)));
        last = seq;
      }
      if (batch.size() == 0) {
        done.complete(into);
      } else {
        readFrom(ring, context, last, upTo, limit, into, done);
      }
    });
  }

  @Override
  public Future<Long> lastSeq(String room) {
    Ringbuffer<String> ring = ring(room);
    // Hazelcast has no asynchronous tailSequence(); it is a remote call, so it runs on a worker.
    return vertx.executeBlocking(() -> ring.tailSequence() + 1, false);
  }

  private static String encode(String sender, String message, long ts) {
    ArrayNode array = JSON.createArrayNode().add(ts).add(sender).add(message);
    return array.toString();
  }

  private static HistoryEntry decode(long seq, String stored) {
    try {
      JsonNode array = JSON.readTree(stored);
      return new HistoryEntry(seq, array.get(0).longValue(), array.get(1).textValue(), array.get(2).textValue());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("history entry " + seq + " is not valid: " + e.getOriginalMessage(), e);
    }
  }
}

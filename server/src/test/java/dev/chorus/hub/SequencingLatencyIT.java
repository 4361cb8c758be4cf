package dev.chorus.hub;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.chorus.ChorusNode;
import dev.chorus.broker.Broker;
import dev.chorus.broker.EventBusBroker;
import dev.chorus.chat.RoomPublisher;
import dev.chorus.protocol.Sender;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNodes;
import dev.chorus.webhooks.WebhookEvents;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;

import static dev.chorus.support.Json.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Prints the publish-to-deliver latency that sequencing and history add, against plain broadcast: one
 * message at a time from node A to a WebSocket client on node B, alternating a plain broadcast (a status
 * message: event bus only) and a chat message (ringbuffer append with its synchronous backup, then the
 * same event-bus publish and the per-room ordering on B). Figures only; timings are not asserted (shared
 * CI machines), delivery is.
 */
@Timeout(300)
class SequencingLatencyIT {

  private static final int WARMUP = 200;
  private static final int MEASURED = 1000;

  @Test
  void reportsLatencyOfSequencedAgainstPlainBroadcast() {
    String cluster = TestNodes.uniqueClusterName();
    ChorusNode a = TestNodes.start(TestNodes.settings(TestNodes.environment(cluster, "")));
    ChorusNode b = null;
    Vertx clients = Vertx.vertx();
    try {
      b = TestNodes.start(TestNodes.settings(TestNodes.environment(cluster,
        "127.0.0.1:" + a.settings().cluster().port())));
      Vertx vertxA = a.vertx();
      Broker broker = new EventBusBroker(a.bus(),
        new LocalHub(vertxA, a.history(), a.settings().rooms(), a.metrics()), a.metrics());
      RoomPublisher publisher = new RoomPublisher(a.history(), broker, a.settings().rooms(), WebhookEvents.OFF);
      HazelcastInstance hazelcastA = Hazelcast.getAllHazelcastInstances().stream()
        .filter(h -> h.getConfig().getClusterName().equals(cluster)
          && h.getCluster().getLocalMember().getAddress().getPort() == a.settings().cluster().port())
        .findFirst().orElseThrow();
      // Where the room's stream lives decides the round trips: measured for a room sequenced on A and one on B.
      for (boolean local : new boolean[] {true, false}) {
        String room = roomSequencedOn(hazelcastA, local);
        try (ChatClient client = ChatClient.connect(clients, b.settings().http().port(), "/chat")) {
          client.join("listener", room);
          client.awaitJson(status(room, "listener", "listener joined the chat."));

          long[] plain = new long[MEASURED];
          long[] sequenced = new long[MEASURED];
          for (int i = 0; i < WARMUP + MEASURED; i++) {
            long plainNanos = roundTrip(client, "status", () -> vertxA.runOnContext(v ->
              publisher.publishStatus(new ServerMessage.Status(room, Sender.named("ops"), "tick", null))));
            long sequencedNanos = roundTrip(client, "chat", () -> vertxA.runOnContext(v ->
              publisher.publishChat(room, null, Sender.named("ops"), "tick")));
            if (i >= WARMUP) {
              plain[i - WARMUP] = plainNanos;
              sequenced[i - WARMUP] = sequencedNanos;
            }
          }
          Arrays.sort(plain);
          Arrays.sort(sequenced);
          System.out.printf("publish-to-deliver, node A -> WebSocket client on node B, %d messages each, room's"
            + " stream on %s:%n", MEASURED, local ? "A (the publishing node)" : "B");
          System.out.printf("  plain broadcast      p50 %.3f ms  p99 %.3f ms%n", ms(plain, 50), ms(plain, 99));
          System.out.printf("  sequenced + history  p50 %.3f ms  p99 %.3f ms%n", ms(sequenced, 50), ms(sequenced, 99));
          System.out.printf("  added by sequencing  p50 %.3f ms  p99 %.3f ms%n",
            ms(sequenced, 50) - ms(plain, 50), ms(sequenced, 99) - ms(plain, 99));
        }
      }
    } finally {
      clients.close().await();
      TestNodes.stop(b);
      TestNodes.stop(a);
    }
  }

  /** A room whose stream (the history map's entry) is owned by node A when {@code onA}, else by the other. */
  private static String roomSequencedOn(HazelcastInstance a, boolean onA) {
    for (int i = 0; i < 100_000; i++) {
      String room = "bench-" + i;
      com.hazelcast.cluster.Member owner = a.getPartitionService().getPartition(room).getOwner();
      if (owner != null && owner.localMember() == onA) {
        return room;
      }
    }
    throw new AssertionError("no room's partition is owned " + (onA ? "by A" : "elsewhere") + ": partitions unassigned?");
  }

  private static long roundTrip(ChatClient client, String type, Runnable publish) {
    long start = System.nanoTime();
    publish.run();
    JsonObject received = client.nextJson();
    long elapsed = System.nanoTime() - start;
    assertEquals(type, received.getString("type"), received.encode());
    return elapsed;
  }

  private static double ms(long[] sorted, int percentile) {
    int index = Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1);
    return sorted[index] / 1_000_000.0;
  }
}

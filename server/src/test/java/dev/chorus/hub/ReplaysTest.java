package dev.chorus.hub;

import com.hazelcast.core.HazelcastInstance;
import dev.chorus.config.Settings;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.history.HistoryEntry;
import dev.chorus.history.RoomHistory;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.support.Await;
import dev.chorus.support.Contexts;
import dev.chorus.support.FakeClientSocket;
import dev.chorus.support.StandaloneHazelcast;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one connection holds for its resumes, over the hub, a Hazelcast history and a fake socket whose
 * outbound queue fills after a few writes: its replays take turns, write stored messages only as the queue
 * takes them, and lose nothing.
 */
@Timeout(120)
class ReplaysTest {

  /** Chats in each room; the history keeps one more, for the live one. */
  private static final int RETAINED = 100;
  /** Writes after which the fake socket's queue is full, as a real one passes limits.writeQueueMaxBytes. */
  private static final int QUEUE_WRITES = 8;
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** A chat that escapes to six bytes a character: 4096 of them encode to about 24.6 KB. */
  private static final String LONG = "\u0001".repeat(4096);
  private static HazelcastInstance hazelcast;
  private static Vertx vertx;
  private static Context context;
  private static RoomHistory history;
  private static LocalHub hub;

  @BeforeAll
  static void start() {
    hazelcast = StandaloneHazelcast.start();
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    history = Contexts.call(context, () -> new HazelcastRoomHistory(vertx, hazelcast, room -> RETAINED + 1));
    hub = Contexts.call(context, () -> new LocalHub(vertx, history,
      new Settings.Rooms(new Settings.RoomOptions(false, "members", true, RETAINED, true, false), Map.of()),
      new ChorusMetrics(new SimpleMeterRegistry())));
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (hazelcast != null) {
      hazelcast.shutdown();
    }
  }

  private static <T> T onContext(Supplier<T> action) {
    return Contexts.call(context, action);
  }

  private static void run(Runnable action) {
    Contexts.run(context, action);
  }

  private static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Appends {@code count} messages {@code text} to the room's history; returns the last one as published. */
  private static byte[] append(String room, int count, String text) {
    HistoryEntry last = null;
    for (int i = 0; i < count; i++) {
      last = onContext(() -> history.append(room, null, "alice", text, 1L)).await().entry();
    }
    return CatchUp.encode(room, last);
  }

  @Test
  void resumesOfManyRoomsHoldNothingPastTheQueueAndLoseNothingWhileTheClientTrickles() {
    // Given 16 rooms of 100 long chats (24.6 KB each encoded: 2.4 MB a room)...
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      rooms.add(room());
      append(rooms.get(i), RETAINED, LONG);
    }
    // ...when one connection resumes all of them from the start and its queue fills after a few messages...
    FakeClientSocket socket = new FakeClientSocket("/chat");
    Replays replays = new Replays();
    run(() -> socket.fillsAfter(QUEUE_WRITES));
    for (String room : rooms) {
      onContext(() -> hub.resume(room, hub.resumingSubscriber(socket, "c-trickle", replays), 0, null)).await();
    }
    // ...and a live message reaches the last room while its replay waits its turn...
    String last = rooms.get(rooms.size() - 1);
    byte[] live = append(last, 1, "live");
    run(() -> hub.deliver(last, RETAINED + 1, null, live));

    // ...then, read a few messages at a time, the connection never holds a replayed message past its queue...
    List<String> received = new ArrayList<>();
    int expected = rooms.size() * RETAINED + 1;
    long mostHeld = 0;
    while (received.size() < expected) {
      Await.until(() -> {
        received.addAll(onContext(socket::drain));
        return received.size() == expected || onContext(socket::waitingForRoom) > 0;
      }, WAIT, () -> "the replay waiting for the queue, after " + received.size() + " of " + expected);
      mostHeld = Math.max(mostHeld, onContext(replays::backlogBytes));
      run(() -> {
        socket.fillsAfter(QUEUE_WRITES);
        socket.congested(false);
      });
    }
    assertEquals(0, mostHeld, "bytes the connection's subscribers held waiting for the socket");

    // ...and every room got its messages in seq order, each once, the live one after the replay.
    Map<String, List<Long>> seqs = new HashMap<>();
    for (String json : received) {
      JsonObject message = new JsonObject(json);
      seqs.computeIfAbsent(message.getString("room"), r -> new ArrayList<>()).add(message.getLong("seq"));
    }
    for (String room : rooms) {
      List<Long> want = new ArrayList<>();
      for (long seq = 1; seq <= (room.equals(last) ? RETAINED + 1 : RETAINED); seq++) {
        want.add(seq);
      }
      assertEquals(want, seqs.get(room), room);
    }
    assertEquals(0, onContext(socket::dropped));
  }

  @Test
  void aRoomLeftDuringItsReplayGivesTheTurnToTheNext() {
    String first = room();
    String second = room();
    append(first, 5, "m");
    append(second, 5, "m");
    FakeClientSocket socket = new FakeClientSocket("/chat");
    Replays replays = new Replays();
    run(() -> socket.fillsAfter(1));
    Subscriber leaving = onContext(() -> hub.resumingSubscriber(socket, "c-leaving", replays));
    onContext(() -> hub.resume(first, leaving, 0, null)).await();
    onContext(() -> hub.resume(second, hub.resumingSubscriber(socket, "c-leaving", replays), 0, null)).await();
    Await.until(() -> onContext(socket::waitingForRoom) > 0, WAIT, "the first replay waiting for the queue");
    assertEquals(first, new JsonObject(socket.next(WAIT)).getString("room"));

    run(() -> hub.unsubscribe(first, leaving));
    run(() -> socket.congested(false));

    for (long seq = 1; seq <= 5; seq++) {
      JsonObject message = new JsonObject(socket.next(WAIT));
      assertEquals(second, message.getString("room"));
      assertEquals(seq, message.getLong("seq"));
    }
  }
}

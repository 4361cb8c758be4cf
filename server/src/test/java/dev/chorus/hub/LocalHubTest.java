package dev.chorus.hub;

import com.hazelcast.core.HazelcastInstance;
import dev.chorus.config.Settings;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.history.HistoryEntry;
import dev.chorus.history.RoomHistory;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.ChatError;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Local fan-out and catch-up over fake sockets, with a real history (a Hazelcast member on its own that
 * retains {@value #RETAINED} messages per room, one more than {@value #LONG_ROOM_CHATS} in {@link #longRoom}s):
 * positions, seq order, gaps filled or reported, resumes, what one connection's resumes hold, unsubscribing.
 * Runs on one Vert.x context, as the hub does in a node.
 */
@Timeout(60)
class LocalHubTest {

  private static final int RETAINED = 5;
  /** Chats in each {@link #longRoom} for the resumes of many rooms; its history keeps one more, for a live one. */
  private static final int LONG_ROOM_CHATS = 100;
  /** Writes after which a fake socket's queue is full, as a real one passes limits.writeQueueMaxBytes. */
  private static final int QUEUE_WRITES = 8;
  /** A chat that escapes to six bytes a character: 4096 of them encode to about 24.6 KB. */
  private static final String LONG = "\u0001".repeat(4096);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String GAP = ChatError.HISTORY_GAP.text();
  private static final String RESET = ChatError.HISTORY_RESET.text();
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
    history = Contexts.call(context, () -> new HazelcastRoomHistory(vertx, hazelcast,
      room -> room.startsWith("long-") ? LONG_ROOM_CHATS + 1 : RETAINED, 86_400));
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

  private static String longRoom() {
    return "long-" + room();
  }

  /** Appends {@code count} messages {@code text} to the room's history; returns the last one as published. */
  private static byte[] appendTimes(String room, int count, String text) {
    HistoryEntry last = null;
    for (int i = 0; i < count; i++) {
      last = onContext(() -> history.append(room, null, "alice", text, 1L)).await().entry();
    }
    return CatchUp.encode(room, last);
  }

  /** Appends messages m{first}..m{last} to the room's history, as a publisher would; returns them as published. */
  private static List<byte[]> append(String room, int first, int last) {
    List<byte[]> published = new ArrayList<>();
    for (int i = first; i <= last; i++) {
      String text = "m" + i;
      HistoryEntry entry = onContext(() -> history.append(room, null, "alice", text, 1L)).await().entry();
      published.add(CatchUp.encode(room, entry));
    }
    return published;
  }

  /**
   * Loses the room's stream as a lost partition does: the stream is gone, and the cluster's history generation
   * is drawn anew (a lost partition's listener does that), so the room's next stream gets a new epoch.
   */
  private static void loseStream(String room) {
    hazelcast.getMap(HazelcastRoomHistory.MAP).delete(room);
    String unused = room();
    String before = onContext(() -> history.position(unused)).await().epoch();
    hazelcast.getMap(HazelcastRoomHistory.GENERATION_MAP).put(HazelcastRoomHistory.GENERATION, "lost-" + room);
    Await.until(() -> !before.equals(onContext(() -> history.position(unused)).await().epoch()), WAIT,
      "the new generation reaches the history");
  }

  private static long subscribe(String room, FakeClientSocket socket) {
    return onContext(() -> hub.subscribe(room, hub.liveSubscriber(socket, "c-" + socket.hashCode(), new Replays()))).await().lastSeq();
  }

  /** The chat text, or the error text, of the next thing written to the socket. */
  private static String next(FakeClientSocket socket) {
    JsonObject json = new JsonObject(socket.next(WAIT));
    return json.getString("message");
  }

  private static byte[] status(String text) {
    return new JsonObject().put("type", "status").put("message", text).encode().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void subscriberGetsTheRoomsPositionAndLaterMessagesInSeqOrder() {
    String room = room();
    append(room, 1, 2);
    FakeClientSocket alice = new FakeClientSocket("/chat");
    FakeClientSocket bob = new FakeClientSocket("/chat");
    assertEquals(2, subscribe(room, alice));
    assertEquals(2, subscribe(room, bob));
    byte[] m3 = append(room, 3, 3).get(0);
    run(() -> {
      hub.deliver(room, 3, null, m3);
      hub.deliver(room, 3, null, m3);
      hub.deliver(room, 2, null, "m2 late copy, after m3 went out".getBytes(StandardCharsets.UTF_8));
      hub.deliver(room, -1, null, status("status"));
      hub.deliver("elsewhere", 4, null, status("elsewhere"));
    });
    for (FakeClientSocket socket : List.of(alice, bob)) {
      assertEquals("m3", next(socket));
      assertEquals("status", next(socket));
    }
    assertEquals(List.of(), onContext(alice::drain));
  }

  @Test
  void aGapThatDoesNotCloseIsFilledFromHistory() {
    String room = room();
    FakeClientSocket alice = new FakeClientSocket("/chat");
    assertEquals(0, subscribe(room, alice));
    List<byte[]> published = append(room, 1, 3);
    // The publish of m1 and m2 was lost with its node: only m3 arrives.
    run(() -> hub.deliver(room, 3, null, published.get(2)));
    assertEquals("m1", next(alice));
    assertEquals("m2", next(alice));
    assertEquals("m3", next(alice));
  }

  @Test
  void aGapHistoryNoLongerHoldsIsReportedInItsPlace() {
    String room = room();
    FakeClientSocket alice = new FakeClientSocket("/chat");
    assertEquals(0, subscribe(room, alice));
    List<byte[]> published = append(room, 1, RETAINED + 2);
    // Only the newest arrives; history has pushed m1 and m2 out.
    run(() -> hub.deliver(room, RETAINED + 2, null, published.get(RETAINED + 1)));
    assertEquals(GAP, next(alice));
    for (int i = 3; i <= RETAINED + 2; i++) {
      assertEquals("m" + i, next(alice));
    }
    assertEquals(List.of(), onContext(alice::drain));
  }

  @Test
  void resumeReplaysWhatWasMissedThenTheLiveMessagesEachOnce() {
    String room = room();
    append(room, 1, 3);
    FakeClientSocket late = new FakeClientSocket("/chat");
    long position = onContext(() -> hub.resume(room, hub.resumingSubscriber(late, "c-" + late.hashCode(), new Replays()), 1, null)).await()
      .lastSeq();
    assertEquals(3, position);
    assertEquals("m2", next(late));
    assertEquals("m3", next(late));
    byte[] m4 = append(room, 4, 4).get(0);
    run(() -> hub.deliver(room, 4, null, m4));
    assertEquals("m4", next(late));
    assertEquals(List.of(), onContext(late::drain));
  }

  @Test
  void replayToASocketThatStopsReadingWaitsForItToDrainThenLosesNothing() {
    String room = room();
    append(room, 1, 4);
    FakeClientSocket late = new FakeClientSocket("/chat");
    late.fillsAfter(2);
    onContext(() -> hub.resume(room, hub.resumingSubscriber(late, "c-" + late.hashCode(), new Replays()), 0, null)).await();
    Await.until(() -> onContext(late::waitingForRoom) > 0, WAIT, "the replay waiting for the queue to drain");
    byte[] m5 = append(room, 5, 5).get(0);
    run(() -> hub.deliver(room, 5, null, m5));
    assertEquals(List.of("m1", "m2"), onContext(() -> texts(late.drain())), "nothing past the full queue");
    assertEquals(0, onContext(late::dropped), "nothing of the replay dropped either");
    run(() -> late.congested(false));
    assertEquals("m3", next(late));
    assertEquals("m4", next(late));
    assertEquals("m5", next(late), "the live message held during the replay, after it");
    byte[] m6 = append(room, 6, 6).get(0);
    run(() -> hub.deliver(room, 6, null, m6));
    assertEquals("m6", next(late));
    assertEquals(List.of(), onContext(late::drain));
  }

  private static List<String> texts(List<String> written) {
    return written.stream().map(json -> new JsonObject(json).getString("message")).toList();
  }

  @Test
  void resumeFromBeforeWhatHistoryHoldsReportsTheGapFirst() {
    String room = room();
    append(room, 1, RETAINED + 2);
    FakeClientSocket late = new FakeClientSocket("/chat");
    onContext(() -> hub.resume(room, hub.resumingSubscriber(late, "c-" + late.hashCode(), new Replays()), 0, null)).await();
    assertEquals(GAP, next(late));
    for (int i = 3; i <= RETAINED + 2; i++) {
      assertEquals("m" + i, next(late));
    }
  }

  @Test
  void resumeFromBeyondTheNewestSeqReportsAResetThenEverythingRetained() {
    String room = room();
    append(room, 1, 2);
    FakeClientSocket late = new FakeClientSocket("/chat");
    onContext(() -> hub.resume(room, hub.resumingSubscriber(late, "c-" + late.hashCode(), new Replays()), 40, null)).await();
    assertEquals(RESET, next(late));
    assertEquals("m1", next(late));
    assertEquals("m2", next(late));
  }

  @Test
  void unsubscribedSocketHearsNothingAndTheLastOneClosesTheRoom() {
    String room = room();
    FakeClientSocket alice = new FakeClientSocket("/chat");
    Subscriber subscriber = onContext(() -> hub.liveSubscriber(alice, "c-" + alice.hashCode(), new Replays()));
    onContext(() -> hub.subscribe(room, subscriber)).await();
    assertEquals(1, (int) onContext(() -> hub.size(room)));
    run(() -> hub.unsubscribe(room, subscriber));
    run(() -> hub.deliver(room, 1, null, status("m1")));
    assertEquals(0, (int) onContext(() -> hub.size(room)));
    assertEquals(List.of(), onContext(alice::drain));
  }

  @Test
  void aMessageOfANewEpochResetsTheRoomsSubscribersAndLateOnesOfTheOldAreDropped() {
    String room = room();
    append(room, 1, 2);
    FakeClientSocket alice = new FakeClientSocket("/chat");
    RoomHistory.Position before = onContext(() -> hub.subscribe(room, hub.liveSubscriber(alice, "c-alice", new Replays()))).await();
    assertEquals(2, before.lastSeq());
    // The room's stream is lost (its owner and backup died together): the next append begins a new one.
    loseStream(room);
    List<byte[]> fresh = append(room, 1, 2);
    String epoch = onContext(() -> history.position(room)).await().epoch();
    assertNotEquals(before.epoch(), epoch);
    run(() -> hub.deliver(room, 2, epoch, fresh.get(1)));
    assertEquals(RESET, next(alice));
    assertEquals("m1", next(alice));
    assertEquals("m2", next(alice));
    byte[] m3 = append(room, 3, 3).get(0);
    run(() -> {
      hub.deliver(room, 3, before.epoch(), "a late copy from the old epoch".getBytes(StandardCharsets.UTF_8));
      hub.deliver(room, 3, epoch, m3);
    });
    assertEquals("m3", next(alice));
    assertEquals(epoch, onContext(() -> hub.epoch(room)));
    assertEquals(List.of(), onContext(alice::drain));
  }

  @Test
  void aReplayThatReadsANewEpochResetsTheRoomInsteadOfMixingStreams() {
    String room = room();
    append(room, 1, 2);
    FakeClientSocket alice = new FakeClientSocket("/chat");
    RoomHistory.Position before = onContext(() -> hub.subscribe(room, hub.liveSubscriber(alice, "c-alice", new Replays()))).await();
    // The stream is lost and begins again, and nothing of the new one has reached this event loop yet...
    loseStream(room);
    append(room, 3, 4);
    // ...when bob resumes from the start: his replay, counted in the feed's old epoch, reads the new stream.
    FakeClientSocket bob = new FakeClientSocket("/chat");
    RoomHistory.Position live = onContext(() -> hub.resume(room, hub.resumingSubscriber(bob, "c-bob", new Replays()), 0, null)).await();
    assertEquals(before.epoch(), live.epoch());
    for (FakeClientSocket socket : List.of(alice, bob)) {
      assertEquals(RESET, next(socket), "the new stream is announced, not passed off as the old one's seqs");
      assertEquals("m3", next(socket));
      assertEquals("m4", next(socket));
    }
    assertNotEquals(before.epoch(), onContext(() -> hub.epoch(room)));
    assertEquals(List.of(), onContext(alice::drain));
    assertEquals(List.of(), onContext(bob::drain));
  }

  @Test
  void aMessageOfAnEpochTheRoomDoesNotHaveIsDroppedWithoutAReset() {
    String room = room();
    append(room, 1, 1);
    FakeClientSocket alice = new FakeClientSocket("/chat");
    RoomHistory.Position position = onContext(() -> hub.subscribe(room, hub.liveSubscriber(alice, "c-stale", new Replays()))).await();
    byte[] m2 = append(room, 2, 2).get(0);
    run(() -> {
      hub.deliver(room, 2, "an-epoch-long-gone", "stale".getBytes(StandardCharsets.UTF_8));
      hub.deliver(room, 2, position.epoch(), m2);
    });
    assertEquals("m2", next(alice));
    byte[] m3 = append(room, 3, 3).get(0);
    run(() -> {
      hub.deliver(room, 3, "an-epoch-long-gone", "stale again".getBytes(StandardCharsets.UTF_8));
      hub.deliver(room, 3, position.epoch(), m3);
    });
    assertEquals("m3", next(alice));
    assertEquals(position.epoch(), onContext(() -> hub.epoch(room)));
    // The room's position showed the stranger epoch stale: no reset, nothing of it written.
    assertEquals(List.of(), onContext(alice::drain));
  }

  @Test
  void resumesOfManyRoomsHoldNothingPastTheQueueAndLoseNothingWhileTheClientTrickles() {
    // Given 16 rooms of 100 long chats (24.6 KB each encoded: 2.4 MB a room)...
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      rooms.add(longRoom());
      appendTimes(rooms.get(i), LONG_ROOM_CHATS, LONG);
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
    byte[] live = appendTimes(last, 1, "live");
    run(() -> hub.deliver(last, LONG_ROOM_CHATS + 1, null, live));

    // ...then, read a few messages at a time, the connection never holds a replayed message past its queue...
    List<String> received = new ArrayList<>();
    int expected = rooms.size() * LONG_ROOM_CHATS + 1;
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
      for (long seq = 1; seq <= (room.equals(last) ? LONG_ROOM_CHATS + 1 : LONG_ROOM_CHATS); seq++) {
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
    append(first, 1, 5);
    append(second, 1, 5);
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

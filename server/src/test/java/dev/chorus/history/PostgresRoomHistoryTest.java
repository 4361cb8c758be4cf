package dev.chorus.history;

import dev.chorus.support.Await;
import dev.chorus.support.Contexts;
import dev.chorus.support.FreePorts;
import dev.chorus.support.PostgresServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * History in a real PostgreSQL server: seqs, epochs and ids that survive reopening (the whole cluster
 * restarting), concurrent appends from many callers, an unreachable server at start, and one lost and back
 * while running.
 */
@Timeout(180)
class PostgresRoomHistoryTest extends RoomHistoryContract {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static PostgresServer postgres;
  private static Vertx vertx;
  private static Context context;

  @BeforeAll
  static void start() {
    postgres = PostgresServer.create();
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  RoomHistory store(int index) {
    return open();
  }

  @Override
  long roomsWithState(Collection<String> rooms) {
    return postgres.roomRows(rooms);
  }

  @Override
  <T> T await(Supplier<Future<T>> call) {
    return Contexts.call(context, call).await();
  }

  private PostgresRoomHistory open() {
    return await(() -> PostgresRoomHistory.open(vertx, postgres.url(), 0));
  }

  private static String room() {
    return "pg-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aVersion1DatabaseLosesTheRowsOfRoomsNeverWrittenToAndKeepsTheOthers() {
    String written = room();
    String joinedOnly = room();
    RoomHistory before = open();
    RoomHistory.Appended appended = await(() -> before.append(written, "c-1", "alice", "kept", 100));
    await(before::close);
    // As version 1 left it: a row for a room that was only joined, and no generation.
    postgres.query("INSERT INTO chorus_rooms (room, epoch, last_seq) VALUES ($1, 'joined-in-v1', 0)", joinedOnly);
    postgres.query("DROP TABLE chorus_generation");
    postgres.query("UPDATE chorus_schema SET version = 1");

    RoomHistory after = open();
    assertEquals(0, postgres.roomRows(List.of(joinedOnly)));
    assertEquals(new RoomHistory.Position(appended.epoch(), 1), await(() -> after.position(written)));
    assertEquals(0, await(() -> after.position(joinedOnly)).lastSeq());
    await(after::close);
  }

  @Test
  void seqsEpochsAndIdsOutliveTheNodesThatWroteThem() {
    String room = room();
    RoomHistory first = open();
    RoomHistory.Position empty = await(() -> first.position(room));
    assertEquals(0, empty.lastSeq());
    for (int i = 1; i <= 3; i++) {
      String text = "m" + i;
      RoomHistory.Appended appended = await(() -> first.append(room, "id-" + text, "alice", text, 100));
      assertEquals(i, appended.entry().seq());
      assertEquals(empty.epoch(), appended.epoch());
    }
    await(first::close);

    // The whole cluster stopped; a new node opens the same database.
    RoomHistory second = open();
    try {
      assertEquals(new RoomHistory.Position(empty.epoch(), 3), await(() -> second.position(room)));
      RoomHistory.Appended again = await(() -> second.append(room, "id-m2", "alice", "m2", 200));
      assertTrue(again.duplicate());
      assertEquals(2, again.entry().seq());
      assertEquals("m2", again.entry().message());
      assertEquals(100, again.entry().ts());
      assertEquals(4, await(() -> second.append(room, null, "bob", "m4", 300)).entry().seq());
      RoomHistory.Page page = await(() -> second.read(room, 1, 4, 2));
      assertEquals(empty.epoch(), page.epoch());
      assertEquals(List.of("m2", "m3"), page.entries().stream().map(HistoryEntry::message).toList());
      assertEquals("id-m2", page.entries().get(0).id());
      RoomHistory.Page unknown = await(() -> second.read(room(), 0, 10, 10));
      assertEquals(List.of(), unknown.entries());
      assertTrue(unknown.epoch() != null && unknown.epoch().length() <= RoomHistory.MAX_EPOCH_LENGTH);
    } finally {
      await(second::close);
    }
  }

  @Test
  void concurrentAppendsFromTwoNodesGetUniqueGaplessSeqsPerRoomAndOneSeqPerId() {
    RoomHistory a = open();
    RoomHistory b = open();
    try {
      List<String> rooms = List.of(room(), room(), room());
      List<Future<RoomHistory.Appended>> appends = new ArrayList<>();
      Contexts.run(context, () -> {
        for (int i = 0; i < 600; i++) {
          String room = rooms.get(i % rooms.size());
          appends.add((i % 2 == 0 ? a : b).append(room, "c-" + i, "alice", "m" + i, i));
        }
      });
      for (Future<RoomHistory.Appended> append : appends) {
        assertFalse(append.await().duplicate(), "every (room, id) here is sent once");
      }
      for (String room : rooms) {
        long last = await(() -> a.position(room)).lastSeq();
        assertEquals(200, last);
        List<Long> seqs = await(() -> b.read(room, 0, Long.MAX_VALUE, 1000)).entries().stream()
          .map(HistoryEntry::seq).toList();
        assertEquals(200, seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
          assertEquals(i + 1, seqs.get(i));
        }
      }
    } finally {
      await(a::close);
      await(b::close);
    }
  }

  @Test
  void theSameIdThroughTwoNodesAtOnceIsStoredOnce() {
    String room = room();
    RoomHistory a = open();
    RoomHistory b = open();
    try {
      List<Future<RoomHistory.Appended>> appends = new ArrayList<>();
      Contexts.run(context, () -> {
        for (int i = 0; i < 50; i++) {
          appends.add(a.append(room, "same-" + i, "alice", "m" + i, i));
          appends.add(b.append(room, "same-" + i, "alice", "m" + i, i));
        }
      });
      long duplicates = appends.stream().map(append -> append.await()).filter(RoomHistory.Appended::duplicate).count();
      assertEquals(50, duplicates);
      for (int i = 0; i < 100; i += 2) {
        assertEquals(appends.get(i).await().entry().seq(), appends.get(i + 1).await().entry().seq());
      }
      assertEquals(50, await(() -> a.position(room)).lastSeq());
    } finally {
      await(a::close);
      await(b::close);
    }
  }

  @Test
  void anUnreachableServerAtStartIsAClearFailure() {
    String url = "postgresql://chorus:x@127.0.0.1:" + FreePorts.next() + "/postgres";
    StoreUnreachable failure = assertThrows(StoreUnreachable.class, () -> PostgresRoomHistory.check(url));
    assertTrue(failure.getMessage().startsWith("cannot reach PostgreSQL at 127.0.0.1:"), failure.getMessage());
    assertFalse(failure.getMessage().contains(":x@"), "no password in the message");
  }

  @Test
  void aServerLostWhileRunningFailsAppendsAndIsUsedAgainOnceBack() {
    String room = room();
    RoomHistory history = open();
    try {
      long before = await(() -> history.append(room, "before", "alice", "before", 1)).entry().seq();
      postgres.stop();
      try {
        Throwable failed = assertThrows(Throwable.class,
          () -> await(() -> history.append(room, "during", "alice", "during", 2)));
        assertFalse(failed.getMessage().isEmpty());
        Await.until(() -> !history.reachable(), WAIT, "the store reported unreachable");
      } finally {
        postgres.start();
      }
      Await.until(history::reachable, WAIT, "the store reachable again");
      RoomHistory.Appended after = await(() -> history.append(room, "during", "alice", "during", 3));
      assertEquals(before + 1, after.entry().seq());
      assertFalse(after.duplicate());
      assertEquals(List.of("before", "during"), await(() -> history.read(room, 0, 100, 100)).entries().stream()
        .map(HistoryEntry::message).toList());
    } finally {
      await(history::close);
    }
  }
}

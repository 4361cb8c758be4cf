package dev.chorus.history;

import com.hazelcast.core.HazelcastInstance;
import dev.chorus.support.Await;
import dev.chorus.support.Contexts;
import dev.chorus.support.StandaloneHazelcast;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The room streams in a real two-member Hazelcast cluster: every member sequences a room's messages in one
 * order, and a message stored before its room's owner died is still stored once, under its seq and epoch.
 */
@Timeout(120)
class HazelcastRoomHistoryTest {

  private static final int SIZE = 10;
  private final List<HazelcastInstance> members = new ArrayList<>();
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void start() {
    members.addAll(StandaloneHazelcast.startCluster(2));
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    members.forEach(member -> member.getLifecycleService().terminate());
    if (vertx != null) {
      vertx.close().await();
    }
  }

  private RoomHistory history(HazelcastInstance member) {
    return new HazelcastRoomHistory(vertx, member, room -> SIZE, 86_400);
  }

  private <T> T await(Supplier<Future<T>> call) {
    return Contexts.call(context, call).await();
  }

  private static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void bothMembersSequenceOneStreamPerRoomUnderOneEpoch() {
    String room = room();
    RoomHistory a = history(members.get(0));
    RoomHistory b = history(members.get(1));
    RoomHistory.Position empty = await(() -> a.position(room));
    assertEquals(0, empty.lastSeq());
    assertNotNull(empty.epoch());
    assertTrue(empty.epoch().length() <= RoomHistory.MAX_EPOCH_LENGTH);
    for (int i = 1; i <= 6; i++) {
      String text = "m" + i;
      RoomHistory via = i % 2 == 0 ? a : b;
      RoomHistory.Appended appended = await(() -> via.append(room, null, "alice", text, 1));
      assertEquals(i, appended.entry().seq());
      assertEquals(empty.epoch(), appended.epoch());
      assertFalse(appended.duplicate());
    }
    RoomHistory.Page page = await(() -> b.read(room, 2, 5, 100));
    assertEquals(empty.epoch(), page.epoch());
    assertEquals(List.of("m3", "m4", "m5"), page.entries().stream().map(HistoryEntry::message).toList());
    assertEquals(new RoomHistory.Position(empty.epoch(), 6), await(() -> a.position(room)));
  }

  @Test
  void aMessageStoredBeforeItsOwnerDiedIsStoredOnceWithItsSeq() {
    String room = room();
    // The first operation assigns the partitions, if the cluster has not yet.
    await(() -> history(members.get(0)).append(room, null, "alice", "before", 1));
    Await.until(() -> members.get(0).getPartitionService().getPartition(room).getOwner() != null,
      Duration.ofSeconds(30), "the room's partition has an owner");
    HazelcastInstance owner = members.stream()
      .filter(member -> member.getPartitionService().getPartition(room).getOwner().localMember()).findFirst().orElseThrow();
    HazelcastInstance survivor = members.get(0) == owner ? members.get(1) : members.get(0);
    RoomHistory viaSurvivor = history(survivor);
    RoomHistory.Appended first = await(() -> viaSurvivor.append(room, "c-17", "alice", "hello", 2));
    assertEquals(2, first.entry().seq());

    owner.getLifecycleService().terminate();
    members.remove(owner);

    // The client did not hear its ack and sends the chat again, on another node.
    RoomHistory.Appended again = await(() -> viaSurvivor.append(room, "c-17", "alice", "hello", 3));
    assertTrue(again.duplicate());
    assertEquals(2, again.entry().seq());
    assertEquals(first.epoch(), again.epoch());
    assertEquals("hello", again.entry().message());
    RoomHistory.Appended next = await(() -> viaSurvivor.append(room, "c-18", "alice", "next", 4));
    assertEquals(3, next.entry().seq());
    assertEquals(first.epoch(), next.epoch());
    RoomHistory.Page page = await(() -> viaSurvivor.read(room, 0, Long.MAX_VALUE, 100));
    assertEquals(List.of("before", "hello", "next"), page.entries().stream().map(HistoryEntry::message).toList());
    assertEquals("c-17", page.entries().get(1).id());
  }
}

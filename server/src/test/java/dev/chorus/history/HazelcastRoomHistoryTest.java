package dev.chorus.history;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The room streams in a real two-member Hazelcast cluster: every member sequences a room's messages in one
 * order, and a message stored before its room's owner died is still stored once, under its seq and epoch.
 */
@Timeout(120)
class HazelcastRoomHistoryTest extends RoomHistoryContract {

  private static final int SIZE = 10;
  private static final Duration WAIT = Duration.ofSeconds(30);
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

  /** A history of {@code member} that forgets rooms idle for a second but those {@code occupied} names. */
  private RoomHistory forgetting(HazelcastInstance member, Set<String> occupied) {
    // Built on the test thread: the constructor blocks on Hazelcast (the generation), which an event loop must
    // not wait for; only the sweep is started on the context it runs on.
    HazelcastRoomHistory history = new HazelcastRoomHistory(vertx, member, room -> SIZE, 1);
    return Contexts.call(context, () -> {
      history.forgetIdleRooms(rooms -> Future.succeededFuture(rooms.stream().filter(occupied::contains)
        .collect(Collectors.toSet())));
      return history;
    });
  }

  private IMap<String, Object> streams() {
    return members.get(0).getMap(HazelcastRoomHistory.MAP);
  }


  @Override
  RoomHistory store(int index) {
    return history(members.get(index));
  }

  @Override
  long roomsWithState(Collection<String> rooms) {
    return rooms.stream().filter(streams()::containsKey).count();
  }

  @Override
  <T> T await(Supplier<Future<T>> call) {
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
  void anIdleRoomWithoutMembersIsForgottenAndItsNextMessageStartsANewEpoch() {
    String held = room();
    String idle = room();
    String busy = room();
    RoomHistory a = forgetting(members.get(0), Set.of(held));
    forgetting(members.get(1), Set.of(held));
    // held stores first: any sweep that finds idle idle finds held idle too.
    await(() -> a.append(held, null, "alice", "still here", 1));
    RoomHistory.Appended before = await(() -> a.append(idle, null, "alice", "bye", 1));
    Await.until(() -> {
      await(() -> a.append(busy, null, "bob", "still talking", 1));
      return !streams().containsKey(idle);
    }, WAIT, "the idle room forgotten");
    assertTrue(streams().containsKey(held), "a room with a member is kept");
    assertTrue(streams().containsKey(busy), "a room with recent messages is kept");
    RoomHistory.Position forgotten = await(() -> a.position(idle));
    assertEquals(0, forgotten.lastSeq());
    assertNotEquals(before.epoch(), forgotten.epoch());
    RoomHistory.Appended next = await(() -> a.append(idle, null, "alice", "back", 1));
    assertEquals(1, next.entry().seq());
    assertEquals(forgotten.epoch(), next.epoch());
  }

  @Test
  void aRoomIdleOnAMemberThatDiedIsForgottenByTheMemberThatTookItOver() {
    RoomHistory survivor = forgetting(members.get(0), Set.of());
    RoomHistory dying = forgetting(members.get(1), Set.of());
    String room;
    do {
      room = room();
      String appending = room;
      await(() -> dying.append(appending, null, "alice", "bye", 1));
    } while (!members.get(1).getPartitionService().getPartition(room).getOwner().localMember());
    // Stored an instant ago: the member dies well before the room is a second idle, so it never swept it.
    HazelcastInstance died = members.remove(1);
    died.getLifecycleService().terminate();
    String owned = room;
    Await.until(() -> !streams().containsKey(owned), WAIT, "the room forgotten by the surviving member");
    assertEquals(0, await(() -> survivor.position(owned)).lastSeq());
  }

  @Test
  void aStreamLostWithItsOwnerAndBackupStartsANewEpoch() throws InterruptedException {
    List<HazelcastInstance> three = StandaloneHazelcast.startCluster(3);
    members.addAll(three);
    HazelcastInstance survivor = three.get(2);
    RoomHistory history = history(survivor);
    Map<String, String> epochs = new HashMap<>();
    while (epochs.size() < 30) {
      String room = room();
      RoomHistory.Appended appended = await(() -> history.append(room, null, "alice", "m1", 1));
      if (!survivor.getPartitionService().getPartition(room).getOwner().localMember()) {
        epochs.put(room, appended.epoch());
      }
    }
    // Both at once: the survivor must not copy their partitions' backups over before the second dies.
    List<Thread> killers = three.subList(0, 2).stream()
      .map(member -> new Thread(() -> member.getLifecycleService().terminate())).toList();
    killers.forEach(Thread::start);
    for (Thread killer : killers) {
      killer.join();
    }
    members.removeAll(three.subList(0, 2));
    Await.until(() -> survivor.getCluster().getMembers().size() == 1, WAIT, "the survivor alone");
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, String> room : epochs.entrySet()) {
      RoomHistory.Appended next = await(() -> history.append(room.getKey(), null, "alice", "m2", 2));
      if (next.entry().seq() == 1) {
        lost.add(room.getKey());
      } else {
        assertEquals(room.getValue(), next.epoch(), "a stream that survived keeps its epoch");
      }
    }
    // A stream created before the survivor heard of the loss may have taken its old epoch for a moment.
    Await.until(() -> lost.stream().noneMatch(room -> epochs.get(room).equals(await(() -> history.position(room)).epoch())),
      WAIT, "every lost stream under a new epoch");
    for (String room : lost) {
      RoomHistory.Position position = await(() -> history.position(room));
      assertEquals(1, position.lastSeq(), "the stream created after the loss keeps its message");
    }
    assertFalse(lost.isEmpty(), "some stream had its owner and backup on the two members that died");
  }

  @Test
  void streamsOfAMemberThatDiesKeepTheirEpochAndEveryMessageOnTheSurvivors() {
    List<HazelcastInstance> three = StandaloneHazelcast.startCluster(3);
    members.addAll(three);
    HazelcastInstance dying = three.get(2);
    RoomHistory viaSurvivor = history(three.get(0));
    history(three.get(1));
    AtomicInteger lostPartitions = new AtomicInteger();
    three.subList(0, 2).forEach(member -> member.getMap(HazelcastRoomHistory.MAP)
      .addPartitionLostListener(event -> lostPartitions.incrementAndGet()));
    // Rooms the dying member owns, each past the ring's first size, one past the history size (it wraps).
    Map<String, String> epochs = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    while (epochs.size() < 20) {
      String room = room();
      if (!dying.getPartitionService().getPartition(room).getOwner().localMember()) {
        continue;
      }
      int count = epochs.isEmpty() ? SIZE + 3 : 5 + epochs.size() % 4;
      for (int i = 1; i <= count; i++) {
        String text = "m" + i;
        epochs.put(room, await(() -> viaSurvivor.append(room, null, "alice", text, 1)).epoch());
      }
      counts.put(room, count);
    }

    dying.getLifecycleService().terminate();
    members.remove(dying);

    for (Map.Entry<String, Integer> room : counts.entrySet()) {
      int count = room.getValue();
      RoomHistory.Appended next = await(() -> viaSurvivor.append(room.getKey(), null, "alice", "after", 2));
      assertEquals(new RoomHistory.Position(epochs.get(room.getKey()), count + 1),
        new RoomHistory.Position(next.epoch(), next.entry().seq()), "the stream goes on where it was");
      List<String> expected = new ArrayList<>();
      for (int i = Math.max(1, count + 2 - SIZE); i <= count; i++) {
        expected.add("m" + i);
      }
      expected.add("after");
      RoomHistory.Page page = await(() -> viaSurvivor.read(room.getKey(), 0, Long.MAX_VALUE, 100));
      assertEquals(epochs.get(room.getKey()), page.epoch());
      assertEquals(expected, page.entries().stream().map(HistoryEntry::message).toList());
    }
    assertEquals(0, lostPartitions.get(), "one member's death loses no partition");
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

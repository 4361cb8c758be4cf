package dev.chorus.chat;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.protocol.ChatError;
import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.PostgresServer;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static dev.chorus.support.Json.left;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a room holds in the store, seen from the wire: joins, {@code who}, resumes and history reads of room
 * names never written to store nothing (in cluster memory and in PostgreSQL), and with the memory store a
 * room without members left idle for history.idleRoomSeconds is forgotten, its old epoch then reset for a
 * client that resumes in it.
 */
@Timeout(180)
class RoomStateTest {

  private static final String TOKEN = "room-state-admin-token";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A node of its own, not yet started. */
  private static TestNode node() {
    return TestNode.inProcess().withoutRateLimit().env("ADMIN_TOKEN", TOKEN);
  }

  private static List<String> rooms(int count) {
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rooms.add("state-" + UUID.randomUUID().toString().substring(0, 8));
    }
    return rooms;
  }

  private static JsonObject message(String type, String room) {
    return new JsonObject().put("type", type).put("room", room);
  }

  private static JsonObject chat(String room, String id) {
    return message("chat", room).put("message", id).put("id", id);
  }

  private static JsonObject ack(String room, String id) {
    return message("ack", room).put("id", id);
  }

  /**
   * In each room: a join and a leave, a {@code who} (and one of a room no one joined), a resume from a seq and
   * epoch the room never had, and the admin API's history read, as clients and operators may do with any name.
   */
  private static void visitWithoutWriting(TestNode node, List<String> rooms) {
    Http admin = node.http().header("Authorization", "Bearer " + TOKEN);
    try (ChatClient alice = node.connect()) {
      for (String room : rooms) {
        alice.join("alice", room);
        alice.awaitJson(joined(room, "alice"));
        alice.send(message("leave", room));
        alice.awaitJson(left(room, "alice"));
        alice.send(message("who", room));
        alice.awaitJson(message("presence", room));
        alice.send(message("who", room + "-asked"));
        alice.awaitJson(message("presence", room + "-asked"));
        alice.send(message("join", room).put("name", "alice").put("since", 3).put("epoch", "an-epoch-of-old"));
        alice.awaitJson(error(ChatError.HISTORY_RESET, room));
        alice.send(message("leave", room));
        alice.awaitJson(left(room, "alice"));
        Http.Response history = admin.get("/api/rooms/" + room + "/history");
        assertEquals(200, history.status(), history.body());
        assertEquals(0, history.json().getJsonArray("messages").size());
      }
    }
  }

  /** Joins the room, chats once with an id, and checks that the ack counts in the epoch the join answered. */
  private static void firstMessageKeepsTheJoinsEpoch(TestNode node, String room) {
    try (ChatClient bob = node.connect()) {
      bob.join("bob", room);
      String epoch = bob.awaitJson(joined(room, "bob")).getString("epoch");
      bob.send(chat(room, "c-1"));
      JsonObject acked = bob.awaitJson(ack(room, "c-1"));
      assertEquals(1, acked.getLong("seq"));
      assertEquals(epoch, acked.getString("epoch"), "the first message's stream takes the epoch joins answered");
    }
  }

  private static HazelcastInstance member(TestNode node) {
    return Hazelcast.getAllHazelcastInstances().stream()
      .filter(instance -> instance.getConfig().getClusterName().equals(node.clusterName())).findFirst().orElseThrow();
  }

  private static Set<String> distributedObjects(HazelcastInstance member) {
    return member.getDistributedObjects().stream().map(DistributedObject::getName).collect(Collectors.toSet());
  }

  @Test
  void joinsWhosResumesAndHistoryReadsOfNewRoomsLeaveNoStateInTheCluster() {
    try (TestNode node = node().start()) {
      HazelcastInstance member = member(node);
      IMap<String, Object> streams = member.getMap(HazelcastRoomHistory.MAP);
      Set<String> objects = distributedObjects(member);
      List<String> rooms = rooms(40);

      visitWithoutWriting(node, rooms);

      assertEquals(0, streams.size(), () -> "rooms kept: " + streams.keySet());
      assertEquals(objects, distributedObjects(member), "no structure was created for the rooms");
      firstMessageKeepsTheJoinsEpoch(node, rooms.get(0));
      assertEquals(Set.of(rooms.get(0)), streams.keySet());
    }
  }

  @Test
  void joinsWhosResumesAndHistoryReadsOfNewRoomsAddNoRowInPostgres() {
    try (PostgresServer postgres = PostgresServer.create();
         TestNode node = node().env("HISTORY_STORE", "postgres").env("HISTORY_POSTGRES_URL", postgres.url()).start()) {
      List<String> rooms = rooms(40);

      visitWithoutWriting(node, rooms);

      assertEquals(0, postgres.roomRows(rooms), "no room got a row");
      firstMessageKeepsTheJoinsEpoch(node, rooms.get(0));
      assertEquals(1, postgres.roomRows(rooms));
    }
  }

  @Test
  void anIdleRoomWithoutMembersIsForgottenAndAResumeInItsOldEpochIsToldOfTheReset() {
    try (TestNode node = node().env("HISTORY_IDLE_ROOM_SECONDS", "1").start();
         ChatClient alice = node.connect(); ChatClient bob = node.connect(); ChatClient carol = node.connect()) {
      IMap<String, Object> streams = member(node).getMap(HazelcastRoomHistory.MAP);
      String held = rooms(1).get(0);
      String idle = rooms(1).get(0);
      // held stores first: a sweep that finds idle idle finds held idle too, but bob is in it.
      bob.join("bob", held);
      bob.awaitJson(joined(held, "bob"));
      bob.send(chat(held, "b-1"));
      bob.awaitJson(ack(held, "b-1"));
      alice.join("alice", idle);
      alice.awaitJson(joined(idle, "alice"));
      alice.send(chat(idle, "a-1"));
      JsonObject first = alice.awaitJson(ack(idle, "a-1"));
      String oldEpoch = first.getString("epoch");
      alice.send(message("leave", idle));
      alice.awaitJson(left(idle, "alice"));

      Await.until(() -> !streams.containsKey(idle), WAIT, "the idle room forgotten");
      assertTrue(streams.containsKey(held), "a room with a member is kept");

      carol.join("carol", idle);
      String newEpoch = carol.awaitJson(joined(idle, "carol")).getString("epoch");
      assertNotEquals(oldEpoch, newEpoch);
      carol.send(chat(idle, "c-1"));
      JsonObject next = carol.awaitJson(ack(idle, "c-1"));
      assertEquals(1, next.getLong("seq"));
      assertEquals(newEpoch, next.getString("epoch"));

      alice.send(message("join", idle).put("name", "alice").put("since", 1).put("epoch", oldEpoch));
      alice.expect(error(ChatError.HISTORY_RESET, idle));
      assertEquals("c-1", alice.expect(message("chat", idle)).getString("id"));
    }
  }
}

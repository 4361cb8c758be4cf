package dev.chorus.chat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chats with ids on a two-node cluster: acks with seq and epoch, a chat stored once whichever node it is sent
 * to again, epochs in join notices and the history API, resumes that name an epoch, and the admin API's ids.
 */
@Timeout(120)
class MessageIdsTest {

  private static final String TOKEN = "message-ids-admin-token-0123";
  private static final Duration QUIET = Duration.ofMillis(500);

  @RegisterExtension
  @Order(1)
  static final TestNode A = TestNode.inProcess().env("ADMIN_TOKEN", TOKEN);
  @RegisterExtension
  @Order(2)
  static final TestNode B = TestNode.inProcess().env("ADMIN_TOKEN", TOKEN).joining(A);

  private static String room() {
    return "ids-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject chatWithId(String room, String message, String id) {
    return new JsonObject().put("type", "chat").put("room", room).put("message", message).put("id", id);
  }

  private static JsonObject ack(String room, String id) {
    return new JsonObject().put("type", "ack").put("room", room).put("id", id);
  }

  /** Joins and returns the join notice, which names the room's epoch. */
  private static JsonObject join(ChatClient client, String name, String room) {
    client.join(name, room);
    return client.awaitJson(joined(room, name));
  }

  private static Http.Response admin(TestNode node, String method, String path, String body) {
    return node.http().header("Authorization", "Bearer " + TOKEN).send(method, path, body);
  }

  @Test
  void aChatWithAnIdIsAckedAndItsBroadcastCarriesTheId() {
    String room = room();
    try (ChatClient alice = A.connect(); ChatClient bob = B.connect()) {
      String epoch = join(alice, "alice", room).getString("epoch");
      assertNotNull(epoch);
      assertEquals(epoch, join(bob, "bob", room).getString("epoch"));
      alice.awaitJson(joined(room, "bob"));

      alice.send(chatWithId(room, "hello", "c-1"));
      JsonObject acked = alice.awaitJson(ack(room, "c-1"));
      assertEquals(1, acked.getLong("seq"));
      assertEquals(epoch, acked.getString("epoch"));
      assertFalse(acked.containsKey("duplicate"), acked.encode());
      JsonObject received = bob.awaitJson(chat(room, "alice", "hello"));
      assertEquals("c-1", received.getString("id"));
      assertEquals(1, received.getLong("seq"));
    }
  }

  @Test
  void aChatSentAgainOnAnotherNodeIsStoredOnceAndAckedAsADuplicate() {
    String room = room();
    try (ChatClient bob = A.connect()) {
      join(bob, "bob", room);
      long firstSeq;
      try (ChatClient alice = A.connect()) {
        join(alice, "alice", room);
        alice.send(chatWithId(room, "only once", "retry-7"));
        firstSeq = alice.awaitJson(ack(room, "retry-7")).getLong("seq");
      }
      bob.awaitJson(chat(room, "alice", "only once"));
      // The ack was lost with the connection; the client reconnects elsewhere and sends the chat again.
      try (ChatClient alice = B.connect()) {
        join(alice, "alice", room);
        alice.send(chatWithId(room, "only once", "retry-7"));
        JsonObject again = alice.awaitJson(ack(room, "retry-7"));
        assertEquals(firstSeq, again.getLong("seq"));
        assertTrue(again.getBoolean("duplicate"), again.encode());
        alice.send(chatWithId(room, "and then", "retry-8"));
        assertEquals(firstSeq + 1, alice.awaitJson(ack(room, "retry-8")).getLong("seq"));
      }
      // Bob heard the first copy only: the next chat he gets is the one after it.
      JsonObject next = bob.awaitJson(new JsonObject().put("type", "chat"));
      assertEquals("and then", next.getString("message"), next.encode());
      JsonArray messages = admin(A, "GET", "/api/rooms/" + room + "/history", null).json().getJsonArray("messages");
      assertEquals(2, messages.size(), messages.encode());
      assertEquals("retry-7", messages.getJsonObject(0).getString("id"));
    }
  }

  @Test
  void aChatStoredAfterItsSenderStoppedWaitingIsStillPublishedOnce() throws Exception {
    String room = room();
    try (ChatClient alice = A.connect(); ChatClient bob = B.connect()) {
      join(alice, "alice", room);
      join(bob, "bob", room);
      alice.awaitJson(joined(room, "bob"));
      // The room's partition is busy (as while its owner hangs until declared dead): the append waits.
      try (PartitionBlock block = PartitionBlock.of(A, room)) {
        alice.send(chatWithId(room, "late but stored", "late-1"));
        alice.awaitJson(error(ChatError.NOT_DELIVERED, room),
          Duration.ofMillis(RoomPublisher.ANSWER_WITHIN_MILLIS).plusSeconds(10));
      }
      // Once the partition goes on, the message is stored, so it is published, to everyone, once.
      JsonObject late = bob.awaitJson(chat(room, "alice", "late but stored"));
      assertEquals("late-1", late.getString("id"));
      assertEquals("late-1", alice.awaitJson(chat(room, "alice", "late but stored")).getString("id"));
      // Sent again, as the error invites: acked as the one already stored, not published again.
      alice.send(chatWithId(room, "late but stored", "late-1"));
      JsonObject again = alice.awaitJson(ack(room, "late-1"));
      assertEquals(late.getLong("seq"), again.getLong("seq"));
      assertTrue(again.getBoolean("duplicate"), again.encode());
      alice.send(chatWithId(room, "next", "late-2"));
      JsonObject next = bob.awaitJson(new JsonObject().put("type", "chat"));
      assertEquals("next", next.getString("message"), next.encode());
      assertEquals(late.getLong("seq") + 1, next.getLong("seq"));
    }
  }

  /**
   * Holds the Hazelcast partition thread that owns {@code key} (in a cluster of in-process nodes) until
   * closed: an entry processor on the key waits, and every later operation of that partition waits behind it.
   */
  private static final class PartitionBlock implements AutoCloseable {
    private static final Map<String, CountDownLatch> STARTED = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> RELEASES = new ConcurrentHashMap<>();
    private final String name = UUID.randomUUID().toString();
    private final CountDownLatch running = new CountDownLatch(1);

    static PartitionBlock of(TestNode node, String key) throws InterruptedException {
      HazelcastInstance member = Hazelcast.getAllHazelcastInstances().stream()
        .filter(instance -> instance.getConfig().getClusterName().equals(node.clusterName()))
        .findFirst().orElseThrow();
      PartitionBlock block = new PartitionBlock();
      RELEASES.put(block.name, new CountDownLatch(1));
      STARTED.put(block.name, block.running);
      member.getMap("test.partition-block").submitToKey(key, new Wait(block.name));
      assertTrue(block.running.await(10, TimeUnit.SECONDS), "the partition thread never ran the block");
      return block;
    }

    @Override
    public void close() {
      RELEASES.remove(name).countDown();
      STARTED.remove(name);
    }

    /** Waits on the partition thread for its block's release (members share this JVM, so the latches). */
    private record Wait(String block) implements EntryProcessor<Object, Object, Object>, Serializable {
      @Override
      public Object process(Map.Entry<Object, Object> entry) {
        CountDownLatch release = RELEASES.get(block);
        STARTED.get(block).countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }

      @Override
      public EntryProcessor<Object, Object, Object> getBackupProcessor() {
        return null;
      }
    }
  }

  @Test
  void anIdIsItsSendersAnotherSenderWithTheSameIdIsAnotherMessage() {
    String room = room();
    try (ChatClient alice = A.connect(); ChatClient bob = B.connect()) {
      join(alice, "alice", room);
      join(bob, "bob", room);
      alice.send(chatWithId(room, "alice's", "same-id"));
      JsonObject first = alice.awaitJson(ack(room, "same-id"));
      bob.send(chatWithId(room, "bob's", "same-id"));
      JsonObject second = bob.awaitJson(ack(room, "same-id"));
      assertFalse(second.containsKey("duplicate"), second.encode());
      assertEquals(first.getLong("seq") + 1, second.getLong("seq"));
      assertEquals("bob's", alice.awaitJson(chat(room, "bob", "bob's")).getString("message"));
    }
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"\"\"", "\"has space\"", "\"caf\\u00e9\"", "\"tab\\there\"", "17", "null",
    "\"0123456789012345678901234567890123456789012345678901234567890123x\""})
  void anInvalidIdIsRefusedAndNothingIsPublished(String id) {
    String room = room();
    try (ChatClient alice = A.connect()) {
      join(alice, "alice", room);
      alice.sendText("{\"type\":\"chat\",\"room\":\"" + room + "\",\"message\":\"x\",\"id\":" + id + "}");
      alice.expect(error(ChatError.INVALID_MESSAGE));
      alice.send(chatWithId(room, "valid", "~!-_.:/" + "a".repeat(57)));
      assertEquals("valid", alice.awaitJson(new JsonObject().put("type", "chat")).getString("message"));
    }
  }

  @Test
  void aResumeInAnotherEpochIsAResetFollowedByEverythingRetained() {
    String room = room();
    String epoch;
    try (ChatClient alice = A.connect()) {
      epoch = join(alice, "alice", room).getString("epoch");
      for (int i = 1; i <= 3; i++) {
        alice.send(chatWithId(room, "m" + i, "m" + i));
        alice.awaitJson(ack(room, "m" + i));
      }
    }
    String current = admin(A, "GET", "/api/rooms/" + room + "/history", null).json().getString("epoch");
    try (ChatClient sameEpoch = B.connect(); ChatClient otherEpoch = B.connect()) {
      sameEpoch.send(new JsonObject().put("type", "join").put("name", "same").put("room", room).put("since", 2)
        .put("epoch", current));
      assertEquals("m3", sameEpoch.awaitJson(new JsonObject().put("type", "chat")).getString("message"));

      otherEpoch.send(new JsonObject().put("type", "join").put("name", "other").put("room", room).put("since", 2)
        .put("epoch", "0123456789abcdef-not-this-one"));
      otherEpoch.awaitJson(error(ChatError.HISTORY_RESET, room));
      // Join notices may come in between; the chats come in seq order, each once.
      for (int i = 1; i <= 3; i++) {
        assertEquals(i, otherEpoch.awaitJson(new JsonObject().put("type", "chat")).getLong("seq"));
      }
      assertEquals(epoch, current);
    }
  }

  @Test
  void theAdminApiTakesAnIdAnd200sADuplicate() {
    String room = room();
    try (ChatClient watcher = A.connect()) {
      join(watcher, "watcher", room);
      String body = "{\"sender\":\"ops\",\"message\":\"deploy at noon\",\"id\":\"ops-1\"}";
      Http.Response created = admin(A, "POST", "/api/rooms/" + room + "/messages", body);
      assertEquals(201, created.status(), created.body());
      JsonObject first = created.json();
      assertNotNull(first.getString("epoch"));
      Http.Response duplicate = admin(B, "POST", "/api/rooms/" + room + "/messages", body);
      assertEquals(200, duplicate.status(), duplicate.body());
      assertEquals(first.getLong("seq"), duplicate.json().getLong("seq"));
      assertEquals(first.getLong("ts"), duplicate.json().getLong("ts"));
      assertEquals(first.getString("epoch"), duplicate.json().getString("epoch"));
      watcher.awaitJson(chat(room, "ops", "deploy at noon"));
      assertTrue(watcher.quietFor(QUIET), "a duplicate is not broadcast again");
      assertEquals(400, admin(A, "POST", "/api/rooms/" + room + "/messages",
        "{\"sender\":\"ops\",\"message\":\"x\",\"id\":\"no spaces allowed\"}").status());
      JsonObject history = admin(B, "GET", "/api/rooms/" + room + "/history", null).json();
      assertEquals(first.getString("epoch"), history.getString("epoch"));
      assertEquals(1, history.getJsonArray("messages").size());
    }
  }
}

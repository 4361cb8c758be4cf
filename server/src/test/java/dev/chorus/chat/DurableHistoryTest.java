package dev.chorus.chat;

import dev.chorus.protocol.ChatError;
import dev.chorus.history.RoomHistory;
import dev.chorus.support.Await;
import dev.chorus.support.Contexts;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.PostgresServer;
import dev.chorus.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * history.store postgres on whole nodes: a cluster that stops and starts again continues every room's seqs
 * in the same epoch, resumes and the history API reach past history.size, and PostgreSQL lost while running
 * refuses chats and readiness until it is back.
 */
@Timeout(180)
class DurableHistoryTest {

  private static final String TOKEN = "durable-history-admin-token";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.create();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** A one-node cluster of its own on the shared database; history.size 2, so PostgreSQL holds more. */
  private static TestNode node() {
    return TestNode.inProcess().env("HISTORY_STORE", "postgres").env("HISTORY_POSTGRES_URL", postgres.url())
      .env("HISTORY_SIZE", "2").env("ADMIN_TOKEN", TOKEN).start();
  }

  private static String room() {
    return "durable-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject chat(String room, String id) {
    return new JsonObject().put("type", "chat").put("room", room).put("message", id).put("id", id);
  }

  private static JsonObject ack(String room, String id) {
    return new JsonObject().put("type", "ack").put("room", room).put("id", id);
  }

  private static JsonObject anyChat() {
    return new JsonObject().put("type", "chat");
  }

  @Test
  void aClusterThatStopsAndStartsAgainContinuesEveryRoomInTheSameEpoch() {
    String room = room();
    String epoch;
    try (TestNode before = node(); ChatClient alice = before.connect()) {
      alice.join("alice", room);
      epoch = alice.awaitJson(joined(room, "alice")).getString("epoch");
      for (int i = 1; i <= 5; i++) {
        alice.send(chat(room, "m" + i));
        JsonObject acked = alice.awaitJson(ack(room, "m" + i));
        assertEquals(i, acked.getLong("seq"));
        assertEquals(epoch, acked.getString("epoch"));
      }
    }
    try (TestNode after = node(); ChatClient alice = after.connect(); ChatClient bob = after.connect()) {
      JsonObject history = after.http().header("Authorization", "Bearer " + TOKEN)
        .get("/api/rooms/" + room + "/history?since=0&limit=100").json();
      assertEquals(epoch, history.getString("epoch"));
      JsonArray messages = history.getJsonArray("messages");
      assertEquals(5, messages.size(), messages.encode());
      assertEquals("m1", messages.getJsonObject(0).getString("message"));

      bob.send(new JsonObject().put("type", "join").put("name", "bob").put("room", room).put("since", 1)
        .put("epoch", epoch));
      for (int i = 2; i <= 5; i++) {
        assertEquals("m" + i, bob.expect(anyChat()).getString("message"));
      }
      assertEquals(epoch, bob.expect(joined(room, "bob")).getString("epoch"));

      alice.join("alice", room);
      alice.awaitJson(joined(room, "alice"));
      alice.send(chat(room, "m3"));
      JsonObject duplicate = alice.awaitJson(ack(room, "m3"));
      assertEquals(3, duplicate.getLong("seq"));
      assertTrue(duplicate.getBoolean("duplicate"));
      alice.send(chat(room, "m6"));
      JsonObject next = alice.awaitJson(ack(room, "m6"));
      assertEquals(6, next.getLong("seq"));
      assertEquals(epoch, next.getString("epoch"));
      assertEquals("m6", bob.awaitJson(anyChat()).getString("message"));
    }
  }

  @Test
  void postgresLostWhileRunningRefusesChatsAndReadinessUntilItIsBack() {
    String room = room();
    try (TestNode node = node(); ChatClient alice = node.connect()) {
      alice.join("alice", room);
      alice.awaitJson(joined(room, "alice"));
      alice.send(chat(room, "before"));
      long before = alice.awaitJson(ack(room, "before")).getLong("seq");
      Http http = node.http();
      postgres.stop();
      try {
        alice.send(chat(room, "during"));
        alice.awaitJson(error(ChatError.NOT_DELIVERED, room), WAIT);
        Await.until(() -> http.status("/ready") == 503, WAIT, "/ready 503 without PostgreSQL");
        JsonObject ready = http.get("/ready").json();
        JsonObject check = ready.getJsonArray("checks").stream().map(JsonObject.class::cast)
          .filter(c -> "history".equals(c.getString("id"))).findFirst().orElseThrow();
        assertEquals("DOWN", check.getString("status"), ready.encode());
        assertEquals("postgres", check.getJsonObject("data").getString("store"));
      } finally {
        postgres.start();
      }
      Await.until(() -> http.status("/ready") == 200, WAIT, "/ready 200 once PostgreSQL is back");
      alice.send(chat(room, "during"));
      JsonObject acked = alice.awaitJson(ack(room, "during"));
      assertEquals(before + 1, acked.getLong("seq"));
      assertFalse(acked.containsKey("duplicate"));
    }
  }

  @Test
  void aResumeReachesEverythingRetainedPageAfterPage() {
    String room = room();
    int count = 2_345;
    try (TestNode node = node(); ChatClient late = node.connect()) {
      Contexts.call(node.vertx().getOrCreateContext(), () -> {
        List<Future<RoomHistory.Appended>> appends = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
          appends.add(node.node().history().append(room, null, "writer", "m" + i, i));
        }
        return Future.all(appends);
      }).await();
      late.send(new JsonObject().put("type", "join").put("name", "late").put("room", room).put("since", 0));
      for (int i = 1; i <= count; i++) {
        JsonObject message = late.expect(anyChat());
        assertEquals(i, message.getLong("seq"), message.encode());
      }
      late.expect(joined(room, "late"));
    }
  }
}

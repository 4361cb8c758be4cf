package dev.chorus.robustness;

import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static dev.chorus.support.Json.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything a connection is sent counts against its outbound limit (limits.writeQueueMaxBytes), not only
 * room deliveries: a client that asks for big answers (who, a replay of a full room) and never reads is
 * closed as a slow consumer, while everyone else keeps getting theirs, and who answers are bounded by
 * limits.maxWhoMembers. One node for the class with small limits, so that queues fill quickly; the rate
 * limit is lifted so that a flood fills them fast (OutboundFloodIT runs the attack under the rate limit).
 */
@Timeout(90)
class OutboundLimitTest {

  private static final int MAX_WHO = 5;
  private static final int QUEUE_BYTES = 16_384;
  private static final int CHAT_CHARS = 60_000;
  private static final String META = "{\"bio\":\"" + "b".repeat(240) + "\"}";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit()
    .env("WRITE_QUEUE_MAX_BYTES", String.valueOf(QUEUE_BYTES))
    .env("SLOW_CONSUMER_TIMEOUT_MS", "1000")
    .env("MAX_WHO_MEMBERS", String.valueOf(MAX_WHO))
    .env("MAX_CHAT_CHARS", String.valueOf(CHAT_CHARS));

  private static final List<ChatClient> crowd = new ArrayList<>();
  private static ChatClient bystander;

  /** A room of MAX_WHO + 2 members with long names and meta, and a bystander in a room of its own. */
  @BeforeAll
  static void fillTheCrowd() {
    for (int i = 0; i < MAX_WHO + 2; i++) {
      ChatClient member = NODE.connect();
      member.send(join(longName(i), "crowd").put("meta", new JsonObject(META)));
      member.awaitJson(new JsonObject().put("type", "status").put("room", "crowd").put("name", longName(i)));
      crowd.add(member);
    }
    bystander = NODE.connect();
    bystander.join("bystander", "calm");
    bystander.awaitJson(new JsonObject().put("type", "status").put("room", "calm").put("name", "bystander"));
  }

  @AfterEach
  void everyoneElseIsStillServed() {
    String line = "still-here-" + System.nanoTime();
    crowd.get(0).chat("crowd", line);
    crowd.get(crowd.size() - 1).awaitJson(chat("crowd", longName(0), line));
  }

  private static String longName(int i) {
    return String.format("member-%025d", i);
  }

  private static JsonObject join(String name, String room) {
    return new JsonObject().put("type", "join").put("name", name).put("room", room);
  }

  private static double slowConsumerCloses() {
    Counter counter = NODE.node().metrics().registry().find("chorus.slow.client.disconnects").counter();
    return counter == null ? 0 : counter.count();
  }

  private static int crowdCount() {
    ChatClient asker = crowd.get(1);
    asker.send(new JsonObject().put("type", "who").put("room", "crowd"));
    return asker.awaitJson(new JsonObject().put("type", "presence").put("room", "crowd")).getInteger("count");
  }

  @Test
  void whoListsAtMostMaxWhoMembersAndAlwaysTheRoomsCount() {
    ChatClient asker = crowd.get(0);
    asker.send(new JsonObject().put("type", "who").put("room", "crowd"));
    JsonObject cut = asker.awaitJson(new JsonObject().put("type", "presence").put("room", "crowd"));
    assertEquals(MAX_WHO, cut.getJsonArray("members").size());
    assertEquals(MAX_WHO, cut.getJsonArray("details").size());
    assertEquals(MAX_WHO + 2, cut.getInteger("count"));
    assertEquals(true, cut.getBoolean("truncated"));
    assertEquals(longName(0), cut.getJsonArray("members").getString(0), "the first names in sorted order");

    bystander.send(new JsonObject().put("type", "who").put("room", "calm"));
    JsonObject whole = bystander.awaitJson(new JsonObject().put("type", "presence").put("room", "calm"));
    assertEquals(new JsonArray().add("bystander"), whole.getJsonArray("members"));
    assertEquals(1, whole.getInteger("count"));
    assertNull(whole.getValue("truncated"), "only a cut answer says so");
  }

  @Test
  void clientAskingForAnswersItNeverReadsIsClosedWhileTheBystanderGetsEveryAck() {
    double before = slowConsumerCloses();
    try (RawWebSocket attacker = NODE.raw("/chat")) {
      attacker.sendText(join("attacker", "crowd").put("meta", new JsonObject(META)).encode());
      String who = new JsonObject().put("type", "who").put("room", "crowd").encode();
      int acks = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (slowConsumerCloses() == before) {
        assertTrue(System.nanoTime() < deadline, "the attacker not closed after asking " + acks * 10 + " times");
        // About 1000 who a second, never reading an answer: the answers outgrow the kernel's buffers in seconds.
        for (int i = 0; i < 10 && sent(attacker, who); i++) {
          LockSupport.parkNanos(1_000_000);
        }
        String id = "ack-" + acks++;
        bystander.send(new JsonObject().put("type", "chat").put("room", "calm").put("message", id).put("id", id));
        bystander.awaitJson(new JsonObject().put("type", "ack").put("room", "calm").put("id", id));
      }
      attacker.awaitEof(Duration.ofSeconds(10));
    }
    assertEquals(before + 1, slowConsumerCloses(), "closed 1008 slow consumer, and only the attacker");
    Await.until(() -> crowdCount() == MAX_WHO + 2, Duration.ofSeconds(10), "the attacker gone from the crowd");
  }

  @Test
  void replayOfAFullRoomToAClientThatNeverReadsIsPacedThenClosed() {
    int messages = fillArchive();
    ChatClient reader = NODE.connect();
    try {
      reader.send(join("reader", "archive").put("since", 0));
      for (int i = 0; i < messages; i++) {
        JsonObject replayed = reader.awaitJson(new JsonObject().put("type", "chat").put("room", "archive"));
        assertEquals(i + 1, replayed.getLong("seq"), "a reader gets the whole replay, in order, once");
      }
    } finally {
      reader.close();
    }
    double before = slowConsumerCloses();
    try (RawWebSocket sleeper = NODE.raw("/chat")) {
      sleeper.sendText(join("sleeper", "archive").put("since", 0).encode());
      Await.until(() -> slowConsumerCloses() > before, Duration.ofSeconds(20),
        "the client that never reads its replay closed as a slow consumer");
      sleeper.awaitEof(Duration.ofSeconds(10));
    }
    assertEquals(before + 1, slowConsumerCloses());
  }

  /** Fills the room "archive" with chats of CHAT_CHARS characters, far beyond the queue; returns how many. */
  private static int fillArchive() {
    int messages = 150;
    ChatClient writer = NODE.connect();
    try {
      writer.join("writer", "archive");
      String big = "x".repeat(CHAT_CHARS - 10);
      for (int i = 0; i < messages; i++) {
        String id = "big-" + i;
        writer.send(new JsonObject().put("type", "chat").put("room", "archive").put("message", big).put("id", id));
        writer.awaitJson(new JsonObject().put("type", "ack").put("room", "archive").put("id", id));
      }
      assertFalse(writer.isClosed());
    } finally {
      writer.close();
    }
    return messages;
  }

  /** Sends {@code text}; false once the server has closed the connection (the write fails). */
  private static boolean sent(RawWebSocket socket, String text) {
    try {
      socket.sendText(text);
      return true;
    } catch (UncheckedIOException closed) {
      return false;
    }
  }
}

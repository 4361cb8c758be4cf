package dev.chorus.webhooks;

import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import dev.chorus.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks to a real HTTP receiver in the test process: signed batches of room events, once each, in order
 * per room, through receiver failures and a receiver that does not answer.
 */
@Timeout(90)
class WebhooksTest {

  private static final String SECRET = "webhook-secret-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static WebhookReceiver receiver;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().configure(env -> {
    receiver = WebhookReceiver.startFor(env, SECRET);
    env.put("WEBHOOK_TIMEOUT_MILLIS", "500");
  });

  @AfterAll
  static void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private static String room() {
    return "hooks-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The accepted events of one room, in order, once the receiver has {@code count} of them. */
  private static List<JsonObject> eventsOf(String room, int count) {
    Await.until(() -> receiver.events().stream().filter(e -> room.equals(e.getString("room"))).count() >= count, WAIT,
      count + " events of " + room + " (have " + receiver.events().stream().filter(e -> room.equals(e.getString("room")))
        .map(e -> e.getString("type")).toList() + ")");
    return receiver.events().stream().filter(e -> room.equals(e.getString("room"))).toList();
  }

  private static double retries() {
    return NODE.node().metrics().registry().get("chorus.webhook.retries").counter().count();
  }

  private static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  @Test
  void aRoomsLifeArrivesSignedInOrderOnceEach() {
    String room = room();
    String roomEpoch;
    int refusedBefore = receiver.badSignatures();
    try (ChatClient alice = NODE.connect()) {
      alice.send(new JsonObject().put("type", "join").put("name", "alice").put("room", room));
      String epoch = alice.expect(joined(room, "alice")).getString("epoch");
      alice.send(new JsonObject().put("type", "chat").put("room", room).put("message", "hello hooks").put("id", "h-1"));
      // The ack and the broadcast, in either order.
      List<String> replies = List.of(alice.nextJson().getString("type"), alice.nextJson().getString("type"));
      assertEquals(Set.of("ack", "chat"), Set.copyOf(replies), replies.toString());
      // Sent again: a duplicate, with no second event.
      alice.send(new JsonObject().put("type", "chat").put("room", room).put("message", "hello hooks").put("id", "h-1"));
      alice.awaitJson(new JsonObject().put("type", "ack").put("id", "h-1").put("duplicate", true));
      // Typing is ephemeral: no event.
      alice.send(new JsonObject().put("type", "typing").put("room", room));
      alice.send(new JsonObject().put("type", "leave").put("room", room));
      roomEpoch = epoch;
    }
    eventsOf(room, 5);
    // Events go out in the log's order: once a later event of another room is in, no duplicate can follow.
    String sentinel = room();
    try (ChatClient late = NODE.connect()) {
      late.send(new JsonObject().put("type", "join").put("name", "late").put("room", sentinel));
      late.expect(joined(sentinel, "late"));
    }
    eventsOf(sentinel, 2);
    List<JsonObject> events = eventsOf(room, 5);
    assertEquals(List.of("room.occupied", "member.joined", "message.published", "member.left", "room.vacated"),
      types(events));
    JsonObject published = events.get(2);
    assertEquals("alice", published.getString("name"));
    assertEquals("hello hooks", published.getString("message"));
    assertEquals(1L, published.getLong("seq"));
    assertEquals("h-1", published.getString("messageId"));
    assertEquals(roomEpoch, published.getString("epoch"));
    assertEquals("alice", events.get(1).getString("name"));
    Set<String> ids = new HashSet<>();
    for (JsonObject event : events) {
      assertTrue(ids.add(event.getString("id")), "ids are unique: " + event.encode());
      assertTrue(event.getLong("ts") > 0);
    }
    assertEquals(refusedBefore, receiver.badSignatures(), "every request from the node verifies");
  }

  @Test
  void requestsAreSignedOverAFreshTimestampSoACapturedOneGrowsStale() {
    String room = room();
    int before = receiver.signed().size();
    try (ChatClient dave = NODE.connect()) {
      dave.send(new JsonObject().put("type", "join").put("name", "dave").put("room", room));
      dave.expect(joined(room, "dave"));
    }
    eventsOf(room, 4);
    WebhookReceiver.Signed captured = receiver.signed().get(before);
    assertTrue(captured.timestamp() != null && captured.timestamp().matches("\\d+"), "Chorus-Timestamp: " + captured);
    long timestamp = Long.parseLong(captured.timestamp());
    assertTrue(Math.abs(Instant.now().getEpochSecond() - timestamp) <= 10, "epoch seconds at sending: " + timestamp);
    assertTrue(WebhookReceiver.verified(SECRET, captured.timestamp(), captured.signature(), captured.body()));
    // The signature covers the timestamp: a replayer cannot make a captured request look new.
    assertFalse(WebhookReceiver.verified(SECRET, String.valueOf(timestamp + 1), captured.signature(), captured.body()));
    // And the receiver refuses a rightly signed request older than five minutes.
    String stale = String.valueOf(Instant.now().getEpochSecond() - WebhookReceiver.MAX_AGE_SECONDS - 1);
    Http.Response replayed = Http.to("127.0.0.1", receiver.port()).header("Content-Type", "application/json")
      .header("Chorus-Timestamp", stale)
      .header("Chorus-Signature", "sha256=" + WebhookReceiver.signature(SECRET, stale, captured.body()))
      .post("/hooks", new String(captured.body(), StandardCharsets.UTF_8));
    assertEquals(401, replayed.status());
  }

  @Test
  void failedAndUnansweredDeliveriesAreRetriedUntilAccepted() {
    String room = room();
    double before = retries();
    receiver.hangNext(1);
    receiver.failNext(2);
    try (ChatClient bob = NODE.connect()) {
      bob.send(new JsonObject().put("type", "join").put("name", "bob").put("room", room));
      bob.expect(joined(room, "bob"));
    }
    List<JsonObject> events = eventsOf(room, 4);
    assertEquals(List.of("room.occupied", "member.joined", "member.left", "room.vacated"), types(events));
    assertTrue(retries() - before >= 3, "retries counted: " + (retries() - before));
  }

  @Test
  void eventsWaitForAKilledReceiverAndArriveWhenItIsBack() {
    String room = room();
    double before = retries();
    receiver.kill();
    try {
      try (ChatClient erin = NODE.connect()) {
        erin.send(new JsonObject().put("type", "join").put("name", "erin").put("room", room));
        erin.expect(joined(room, "erin"));
      }
      Await.until(() -> retries() > before, WAIT, "deliveries to the dead receiver fail and are retried");
    } finally {
      receiver.restart();
    }
    assertEquals(List.of("room.occupied", "member.joined", "member.left", "room.vacated"), types(eventsOf(room, 4)));
  }

  @Test
  void manyEventsGoOutInBatchesOfAtMostAHundred() {
    String room = room();
    // The receiver refuses while 250 chats pile up in the log, then takes them: full batches of 100.
    receiver.failNext(Integer.MAX_VALUE);
    int batchesBefore = receiver.batchSizes().size();
    try (ChatClient carol = NODE.connect()) {
      carol.send(new JsonObject().put("type", "join").put("name", "carol").put("room", room));
      carol.expect(joined(room, "carol"));
      for (int i = 0; i < 250; i++) {
        carol.chat(room, "m" + i);
      }
      carol.awaitJson(chat(room, "carol", "m249"));
      receiver.failNext(0);
      List<JsonObject> events = eventsOf(room, 252);
      List<String> messages = events.stream().filter(e -> "message.published".equals(e.getString("type")))
        .map(e -> e.getString("message")).toList();
      assertEquals(250, messages.size());
      for (int i = 0; i < 250; i++) {
        assertEquals("m" + i, messages.get(i), "in order");
      }
    }
    List<Integer> sizes = receiver.batchSizes().subList(batchesBefore, receiver.batchSizes().size());
    assertTrue(sizes.stream().allMatch(size -> size <= 100), sizes.toString());
    assertTrue(sizes.contains(100), "the backlog went out in full batches: " + sizes);
  }
}

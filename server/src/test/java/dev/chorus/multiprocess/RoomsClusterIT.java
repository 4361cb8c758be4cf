package dev.chorus.multiprocess;

import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Json;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Rooms, presence and history across separate JVMs: two steady nodes, plus a third per test that gets
 * killed -9 where the test needs a node to die.
 */
@Timeout(300)
class RoomsClusterIT {

  /** The two steady nodes; their clients publish steadily, faster than the default rate limit. */
  @RegisterExtension
  @Order(1)
  static final TestNode FIRST = TestNode.process("rooms-first").withoutRateLimit();
  @RegisterExtension
  @Order(2)
  static final TestNode SECOND = TestNode.process("rooms-second").withoutRateLimit().joining(FIRST);

  /** A third node of the cluster, for a test to kill. */
  private static TestNode startVictim(String name) {
    return TestNode.process(name).withoutRateLimit().joining(FIRST).start();
  }

  private static ChatClient joined(TestNode node, String name, String room) {
    ChatClient client = node.connect();
    client.join(name, room);
    client.awaitJson(Json.joined(room, name));
    return client;
  }

  @Test
  void roomsStayApartAcrossNodes() {
    try (ChatClient alice = joined(FIRST, "alice", "red"); ChatClient carol = joined(SECOND, "carol", "red");
         ChatClient bob = joined(SECOND, "bob", "blue")) {
      // Join notices are not sequenced with chat: carol's crosses the cluster while alice's chat is local.
      alice.awaitJson(Json.joined("red", "carol"));
      alice.chat("for red only");
      carol.awaitJson(chat("red", "alice", "for red only"));
      alice.awaitJson(chat("red", "alice", "for red only"));
      bob.assertQuietFor(Duration.ofMillis(300), "red reached blue");
      bob.chat("for blue only");
      bob.awaitJson(chat("blue", "bob", "for blue only"));
      carol.assertQuietFor(Duration.ofMillis(500), "blue reached red on the same node");
      alice.assertQuietFor(Duration.ofMillis(300), "blue reached red on the other node");
    }
  }

  @Test
  void presenceIsClusterWide() {
    try (ChatClient zoe = joined(FIRST, "zoe", "team"); ChatClient adam = joined(SECOND, "adam", "team")) {
      zoe.awaitJson(Json.joined("team", "adam"));
      zoe.send(new JsonObject().put("type", "who").put("room", "team"));
      zoe.awaitJson(presence("team", "adam", "zoe"));
      adam.send(new JsonObject().put("type", "who"));
      adam.awaitJson(presence("team", "adam", "zoe"));
    }
  }

  @Test
  void presenceForgetsTheMembersOfAKilledNode() {
    try (TestNode victim = startVictim("rooms-presence-victim");
         ChatClient alice = joined(FIRST, "alice", "fragile")) {
      ChatClient dave = daveJoinsAlice(victim, alice, "fragile");

      long killed = System.nanoTime();
      victim.process().kill();
      awaitWho(alice, "fragile", new JsonArray().add("alice"), Duration.ofSeconds(20),
        "dave gone after his node was killed");
      System.out.printf("presence forgot the killed node's member after %d ms%n", (System.nanoTime() - killed) / 1_000_000);
      dave.close();
    }
  }

  @Test
  void aFrozenNodesMembersComeBackWhenItMergesAndGoWhenItDiesLater() {
    try (TestNode victim = startVictim("rooms-frozen-victim");
         ChatClient alice = joined(FIRST, "alice", "frozen")) {
      ChatClient dave = daveJoinsAlice(victim, alice, "frozen");
      JsonArray both = new JsonArray().add("alice").add("dave");
      JsonArray aliceAlone = new JsonArray().add("alice");

      // Frozen past the heartbeat timeout, the node is dropped and its member forgotten; dave's socket stays open.
      victim.process().freeze();
      long frozen = System.nanoTime();
      awaitWho(alice, "frozen", aliceAlone, Duration.ofSeconds(40), "dave gone after his node froze");
      System.out.printf("presence forgot the frozen node's member after %d ms%n", (System.nanoTime() - frozen) / 1_000_000);

      // Thawed, it merges back (a new Hazelcast UUID) and puts dave back, with his connection as it was.
      victim.process().thaw();
      long thawed = System.nanoTime();
      awaitWho(alice, "frozen", both, Duration.ofSeconds(90), "dave back after his node merged");
      System.out.printf("presence had the merged node's member back %d ms after the thaw%n",
        (System.nanoTime() - thawed) / 1_000_000);
      assertEquals(both, who(dave, "frozen"));

      // Its death after the merge still forgets him: his entry is known by the node's id, not its first UUID.
      victim.process().kill();
      awaitWho(alice, "frozen", aliceAlone, Duration.ofSeconds(20), "dave gone after his merged node was killed");
      dave.close();
    }
  }

  /** Dave joins alice's room on {@code node}; alice sees him join, and both are the room's members. */
  private static ChatClient daveJoinsAlice(TestNode node, ChatClient alice, String room) {
    ChatClient dave = joined(node, "dave", room);
    alice.awaitJson(Json.joined(room, "dave"));
    assertEquals(new JsonArray().add("alice").add("dave"), who(alice, room));
    return dave;
  }

  /** Asks for the room's members until they are {@code expected}. */
  private static void awaitWho(ChatClient client, String room, JsonArray expected, Duration limit, String failure) {
    Await.until(() -> who(client, room).equals(expected), limit, failure);
  }

  /** Asks for the room's members; the answer is the next presence message. */
  private static JsonArray who(ChatClient client, String room) {
    client.send(new JsonObject().put("type", "who").put("room", room));
    return client.awaitJson(new JsonObject().put("type", "presence").put("room", room)).getJsonArray("members");
  }

  @Test
  void resumeAfterTheNodeWasKilledDeliversEveryMessageOnceInOrder() throws Exception {
    int total = 300;
    String room = "resume";
    try (TestNode victim = startVictim("rooms-resume-victim");
         ChatClient publisher = joined(FIRST, "publisher", room)) {
      ChatClient reader = joined(victim, "reader", room);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread sending = new Thread(() -> {
        try {
          for (int i = 0; i < total; i++) {
            publisher.chat(room, "p-" + i);
            Thread.sleep(15); // pacing, not waiting: a steady publisher
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "steady-publisher");
      sending.start();

      List<JsonObject> received = new ArrayList<>();
      while (received.size() < 60) {
        collectChat(reader, received);
      }
      victim.process().kill();
      reader.awaitClose(Duration.ofSeconds(30));
      while (!reader.quietFor(Duration.ofMillis(1))) {
        collectChat(reader, received);
      }
      long since = received.get(received.size() - 1).getLong("seq");

      try (ChatClient resumed = SECOND.connect()) {
        resumed.resume("reader", room, since);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!("p-" + (total - 1)).equals(received.get(received.size() - 1).getString("message"))) {
          if (System.nanoTime() > deadline) {
            fail("the last message never arrived; got " + received.size());
          }
          collectChat(resumed, received);
        }
        sending.join();
        assertNull(failure.get());
        for (ChatClient.Received late; (late = resumed.poll(Duration.ofMillis(500))) != null; ) {
          assertNotEquals("chat", late.json().getString("type"), "a chat message arrived after the last one: " + late.data());
        }
      }

      long previousSeq = 0;
      for (int i = 0; i < received.size(); i++) {
        JsonObject message = received.get(i);
        assertEquals("p-" + i, message.getString("message"), "message " + i + " of " + received.size()
          + " (resumed after seq " + since + ")");
        assertTrue(message.getLong("seq") > previousSeq, "seq not increasing at " + message.encode());
        previousSeq = message.getLong("seq");
      }
      assertEquals(total, received.size());
      System.out.printf("resume: %d messages exactly once, in order; killed after seq %d%n", total, since);
    }
  }

  /** Takes the next message; keeps it if it is a chat message. */
  private static void collectChat(ChatClient client, List<JsonObject> into) {
    JsonObject message = client.next(Duration.ofSeconds(30)).json();
    if ("chat".equals(message.getString("type"))) {
      into.add(message);
    } else if ("error".equals(message.getString("type"))) {
      fail("error while collecting: " + message.encode());
    }
  }
}

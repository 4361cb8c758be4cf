package dev.chorus.chat;

import dev.chorus.support.ChatClient;
import dev.chorus.support.Json;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.chorus.protocol.ChatError.HISTORY_GAP;
import static dev.chorus.protocol.ChatError.HISTORY_RESET;
import static dev.chorus.protocol.ChatError.INVALID_ROOM;
import static dev.chorus.protocol.ChatError.NOT_IN_ROOM;
import static dev.chorus.protocol.ChatError.ROOM_REQUIRED;
import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.left;
import static dev.chorus.support.Json.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rooms, seq/ts, presence and resume on one in-process node. Each test uses its own rooms. */
@Timeout(120)
class RoomsTest {

  /** Small, so a resume can reach beyond what is retained. */
  private static final int HISTORY_SIZE = 100;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit()
    .env("HISTORY_SIZE", String.valueOf(HISTORY_SIZE));

  private static ChatClient joined(ChatClient client, String name, String room) {
    client.join(name, room);
    client.awaitJson(Json.joined(room, name));
    return client;
  }

  @Test
  void roomsStayApart() {
    try (ChatClient alice = joined(NODE.connect(), "alice", "red");
         ChatClient bob = joined(NODE.connect(), "bob", "blue"); ChatClient lurker = NODE.connect()) {
      alice.chat("red", "only red");
      alice.awaitJson(chat("red", "alice", "only red"));
      bob.chat("only blue");
      bob.awaitJson(chat("blue", "bob", "only blue"));
      assertTrue(alice.quietFor(Duration.ofMillis(500)), "blue reached red");
      assertTrue(bob.quietFor(Duration.ofMillis(200)), "red reached blue");
      assertTrue(lurker.quietFor(Duration.ofMillis(200)), "a room reached the lobby");
    }
  }

  @Test
  void joinedConnectionNoLongerHearsTheLobby() {
    try (ChatClient speaker = joined(NODE.connect(), "speaker", "lobby"); ChatClient roomer = NODE.connect()) {
      speaker.chat("first");
      roomer.awaitJson(chat("lobby", "speaker", "first"));
      joined(roomer, "roomer", "elsewhere");
      speaker.chat("second");
      speaker.awaitJson(chat("lobby", "speaker", "second"));
      assertTrue(roomer.quietFor(Duration.ofMillis(500)), "the lobby reached a connection in another room");
    }
  }

  @Test
  void chatMessagesCarryConsecutiveSeqAndServerTime() {
    long before = System.currentTimeMillis();
    try (ChatClient alice = joined(NODE.connect(), "alice", "seq")) {
      for (int i = 0; i < 3; i++) {
        alice.chat("m" + i);
      }
      long previous = 0;
      for (int i = 0; i < 3; i++) {
        JsonObject message = alice.awaitJson(chat("seq", "alice", "m" + i));
        assertEquals(previous + 1, message.getLong("seq"));
        assertTrue(message.getLong("ts") >= before - 1000, message.encode());
        previous = message.getLong("seq");
      }
    }
  }

  @Test
  void connectionInSeveralRoomsMustNameTheRoom() {
    try (ChatClient alice = joined(joined(NODE.connect(), "alice", "one"), "alice", "two")) {
      alice.chat("which?");
      alice.awaitJson(error(ROOM_REQUIRED));
      alice.chat("two", "this one");
      alice.awaitJson(chat("two", "alice", "this one"));
      alice.chat("three", "not joined");
      alice.awaitJson(error(NOT_IN_ROOM, "three"));
    }
  }

  @ParameterizedTest(name = "room \"{0}\"")
  @ValueSource(strings = {"", "has space", "slash/no", "ünïcode",
    "x1234567890123456789012345678901234567890123456789012345678901234"})
  void invalidRoomNameIsRefused(String room) {
    try (ChatClient client = NODE.connect()) {
      client.join("alice", room);
      client.awaitJson(error(INVALID_ROOM));
    }
  }

  @Test
  void whoListsTheRoomsMembersSortedAndLeaveRemovesThem() {
    try (ChatClient carol = joined(NODE.connect(), "carol", "who");
         ChatClient alice = joined(NODE.connect(), "alice", "who");
         ChatClient bob = joined(NODE.connect(), "bob", "who")) {
      bob.send(new JsonObject().put("type", "who").put("room", "who"));
      bob.awaitJson(presence("who", "alice", "bob", "carol"));
      bob.send(new JsonObject().put("type", "leave").put("room", "who"));
      bob.awaitJson(left("who", "bob"));
      carol.awaitJson(left("who", "bob"));
      alice.send(new JsonObject().put("type", "who"));
      alice.awaitJson(presence("who", "alice", "carol"));
    }
  }

  @Test
  void resumeReplaysTheMissedMessagesThenLiveOnes() {
    try (ChatClient alice = joined(NODE.connect(), "alice", "replay")) {
      for (int i = 1; i <= 5; i++) {
        alice.chat("m" + i);
        alice.awaitJson(chat("replay", "alice", "m" + i));
      }
      try (ChatClient bob = NODE.connect()) {
        bob.resume("bob", "replay", 2);
        for (int seq = 3; seq <= 5; seq++) {
          assertEquals(seq, bob.awaitJson(chat("replay", "alice", "m" + seq)).getLong("seq"));
        }
        alice.chat("m6");
        assertEquals(6, bob.awaitJson(new JsonObject().put("type", "chat")).getLong("seq"));
      }
    }
  }

  @Test
  void resumeBeyondWhatIsRetainedSaysSoAndSendsTheRest() {
    int sent = HISTORY_SIZE + 5;
    try (ChatClient alice = joined(NODE.connect(), "alice", "gap")) {
      for (int i = 1; i <= sent; i++) {
        alice.chat("m" + i);
      }
      alice.awaitJson(chat("gap", "alice", "m" + sent));
      try (ChatClient bob = NODE.connect()) {
        bob.resume("bob", "gap", 0);
        bob.awaitJson(error(HISTORY_GAP, "gap"));
        for (int seq = sent - HISTORY_SIZE + 1; seq <= sent; seq++) {
          JsonObject message = bob.nextJson();
          assertEquals(seq, message.getLong("seq"), message.encode());
        }
      }
    }
  }

  @Test
  void resumeFromASeqTheRoomNeverReachedSaysHistoryWasResetAndSendsAll() {
    try (ChatClient alice = joined(NODE.connect(), "alice", "reset")) {
      alice.chat("only");
      alice.awaitJson(chat("reset", "alice", "only"));
      try (ChatClient bob = NODE.connect()) {
        bob.resume("bob", "reset", 500);
        bob.awaitJson(error(HISTORY_RESET, "reset"));
        assertEquals(1, bob.awaitJson(chat("reset", "alice", "only")).getLong("seq"));
      }
    }
  }

  @Test
  void resumeWhilePublishingDeliversEveryMessageExactlyOnceInOrder() throws Exception {
    int total = HISTORY_SIZE - 10;
    try (ChatClient alice = joined(NODE.connect(), "alice", "seam"); ChatClient bob = NODE.connect()) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread publisher = new Thread(() -> {
        try {
          for (int i = 1; i <= total; i++) {
            alice.chat("m" + i);
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      publisher.start();
      alice.awaitJson(chat("seam", "alice", "m" + (total / 3)));
      bob.resume("bob", "seam", 0);
      List<Long> seqs = new ArrayList<>();
      while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < total) {
        JsonObject message = bob.nextJson();
        if ("chat".equals(message.getString("type"))) {
          assertEquals("m" + message.getLong("seq"), message.getString("message"), message.encode());
          seqs.add(message.getLong("seq"));
        }
      }
      publisher.join();
      assertNull(failure.get());
      for (int i = 0; i < seqs.size(); i++) {
        assertEquals(i + 1, seqs.get(i), "seqs received: " + seqs);
      }
      assertTrue(bob.quietFor(Duration.ofMillis(300)), "more than the published messages arrived");
    }
  }
}

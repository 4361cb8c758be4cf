package dev.chorus.rooms;

import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.SettingsFiles;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rooms named [namespace:]name, with each namespace's options from rooms.namespaces in the settings file. */
@Timeout(60)
class NamespacesTest {

  private static final String TOKEN = "namespaces-admin-token-0123456789";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().env("ADMIN_TOKEN", TOKEN)
    .configure(env -> env.put("CHORUS_CONFIG", SettingsFiles.write("""
      {"rooms": {"namespaces": {
        "team": {},
        "news": {"publish": "server"},
        "live": {"history": false},
        "small": {"historySize": 3},
        "quiet": {"presence": false}
      }}}""")));

  private static double denials(String reason) {
    var counter = NODE.node().metrics().registry().find("chorus.denials").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private static Http admin() {
    return NODE.http().header("Authorization", "Bearer " + TOKEN);
  }

  private static JsonObject join(String name, String room) {
    return new JsonObject().put("type", "join").put("name", name).put("room", room);
  }

  private static ChatClient joinedTo(String name, String room) {
    ChatClient client = NODE.connect();
    client.send(join(name, room));
    client.expect(joined(room, name));
    return client;
  }

  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {"nosuch:room", "a b:room", ":room", "team:", "team:a:b", "thirty-three-characters-namespace:x",
    "team:name with space"})
  void aRoomOfAnUnknownNamespaceOrABadNameIsAnInvalidRoomName(String room) {
    try (ChatClient client = NODE.connect()) {
      client.send(join("alice", room));
      JsonObject refused = client.expect(error(ChatError.INVALID_ROOM));
      assertFalse(refused.containsKey("room"), refused.encode());
      assertFalse(client.isClosed(), "the connection stays open");
    }
  }

  @Test
  void aRoomOfAConfiguredNamespaceBehavesLikeAnyRoom() {
    try (ChatClient alice = joinedTo("alice", "team:eng"); ChatClient bob = joinedTo("bob", "team:eng")) {
      alice.expect(joined("team:eng", "bob"));
      alice.chat("team:eng", "hello team");
      JsonObject received = bob.expect(chat("team:eng", "alice", "hello team"));
      assertTrue(received.getLong("seq") >= 1);
    }
  }

  @Test
  void inAServerPublishedRoomAClientsChatIsRefusedAndTheAdminApiPublishes() {
    double before = denials("publish_not_allowed");
    try (ChatClient reader = joinedTo("reader", "news:today")) {
      reader.chat("news:today", "me too");
      reader.expect(error(ChatError.NOT_ALLOWED_TO_PUBLISH, "news:today"));
      Http.Response published = admin().post("/api/rooms/news:today/messages",
        new JsonObject().put("sender", "editor").put("message", "extra, extra").encode());
      assertEquals(201, published.status(), published.body());
      reader.expect(chat("news:today", "editor", "extra, extra"));
    }
    assertEquals(before + 1, denials("publish_not_allowed"));
  }

  @Test
  void aRoomWithoutHistoryDeliversLiveWithoutSeqAndIgnoresSince() {
    try (ChatClient alice = joinedTo("alice", "live:feed")) {
      alice.chat("live:feed", "now");
      JsonObject received = alice.expect(chat("live:feed", "alice", "now"));
      assertFalse(received.containsKey("seq"), received.encode());
      assertTrue(received.containsKey("ts"));
      try (ChatClient late = NODE.connect()) {
        late.send(join("late", "live:feed").put("since", 0));
        // Nothing is replayed: the join notice comes first.
        late.expect(joined("live:feed", "late"));
      }
      Http.Response published = admin().post("/api/rooms/live:feed/messages",
        new JsonObject().put("sender", "ops").put("message", "live only").encode());
      assertEquals(201, published.status(), published.body());
      assertFalse(published.json().containsKey("seq"), published.body());
      alice.awaitJson(chat("live:feed", "ops", "live only"));
    }
    Http.Response history = admin().get("/api/rooms/live:feed/history");
    assertEquals(404, history.status(), "nothing is retained: " + history.body());
  }

  @Test
  void aNamespacesHistorySizeBoundsWhatAResumeGets() {
    try (ChatClient alice = joinedTo("alice", "small:room")) {
      for (int i = 1; i <= 5; i++) {
        alice.chat("small:room", "m" + i);
        alice.expect(chat("small:room", "alice", "m" + i));
      }
    }
    try (ChatClient late = NODE.connect()) {
      late.send(join("late", "small:room").put("since", 0));
      late.expect(error(ChatError.HISTORY_GAP, "small:room"));
      for (int i = 3; i <= 5; i++) {
        late.expect(chat("small:room", "alice", "m" + i));
      }
    }
  }

  @Test
  void aRoomWithPresenceOffSendsNoNoticesAndRefusesWho() {
    try (ChatClient alice = NODE.connect(); ChatClient bob = NODE.connect()) {
      alice.send(join("alice", "quiet:room"));
      bob.send(join("bob", "quiet:room"));
      // No join notices: the who's answer is the first thing each hears, and nothing else comes.
      alice.assertQuietFor(Duration.ofMillis(500), "no join notice in a room with presence off");
      alice.send(new JsonObject().put("type", "who").put("room", "quiet:room"));
      alice.expect(error(ChatError.PRESENCE_OFF, "quiet:room"));
      bob.send(new JsonObject().put("type", "who").put("room", "quiet:room"));
      bob.expect(error(ChatError.PRESENCE_OFF, "quiet:room"));
      alice.chat("quiet:room", "psst");
      alice.expect(chat("quiet:room", "alice", "psst"));
      bob.expect(chat("quiet:room", "alice", "psst"));
      bob.send(new JsonObject().put("type", "leave").put("room", "quiet:room"));
      bob.assertQuietFor(Duration.ofMillis(500), "no leave notice for the leaver");
      alice.chat("quiet:room", "gone?");
      alice.expect(chat("quiet:room", "alice", "gone?"));
      alice.assertQuietFor(Duration.ofMillis(300), "no leave notice for the others");
      assertEquals(404, admin().get("/api/rooms/quiet:room/members").status());
    }
  }

  @Test
  void aRefusedFirstJoinLeavesTheNameOpen() {
    try (ChatClient client = NODE.connect()) {
      client.send(join("alice", "nosuch:room"));
      client.expect(error(ChatError.INVALID_ROOM));
      client.send(join("bob", "team:first-join"));
      client.expect(joined("team:first-join", "bob"));
    }
  }

  @Test
  void theAdminApiRefusesAnUnknownNamespace() {
    Http.Response refused = admin().post("/api/rooms/nosuch:room/messages",
      new JsonObject().put("sender", "ops").put("message", "hi").encode());
    assertEquals(400, refused.status());
    assertTrue(refused.body().contains("nosuch"), refused.body());
  }
}

package dev.chorus.rooms;

import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.SettingsFiles;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static dev.chorus.support.Json.left;
import static dev.chorus.support.Json.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Private rooms (namespaces "team" and "dm"): joined only with a grant, the connection token's rooms claim
 * or a room token in the join; everything else is refused with "Not allowed in that room." and the
 * connection stays open.
 */
@Timeout(60)
class PrivateRoomsTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().env("JWT_SECRET", SECRET)
    .configure(env -> env.put("CHORUS_CONFIG", SettingsFiles.write("""
      {"rooms": {"namespaces": {"team": {"private": true}, "dm": {"private": true}, "open": {}}}}""")));

  private static JWTAuth issuer;
  private static JWTAuth stranger;

  @BeforeAll
  static void createIssuers() {
    issuer = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    stranger = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET + "-but-another-one")));
  }

  /** A connection authenticated as {@code user}, whose token's rooms claim is {@code rooms} (none if null). */
  private static ChatClient connect(String user, List<String> rooms) {
    JsonObject claims = new JsonObject().put("sub", user);
    if (rooms != null) {
      claims.put("rooms", new JsonArray(rooms));
    }
    ChatClient client = NODE.connect("/chat?token=" + issuer.generateToken(claims, new JWTOptions().setExpiresInSeconds(300)));
    return client;
  }

  private static String roomToken(JWTAuth auth, String room, String user, long expiresInSeconds) {
    JsonObject claims = new JsonObject().put("room", room).put("sub", user)
      .put("exp", System.currentTimeMillis() / 1000 + expiresInSeconds);
    return auth.generateToken(claims, new JWTOptions());
  }

  private static JsonObject join(String room) {
    return new JsonObject().put("type", "join").put("name", "ignored").put("room", room);
  }

  private static double denials(String reason) {
    var counter = NODE.node().metrics().registry().find("chorus.denials").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  /** The connection is still open and serving: a public room can still be joined. */
  private static void stillServes(ChatClient client, String user) {
    client.send(join("open:hall"));
    client.expect(joined("open:hall", user));
  }

  @Test
  void withoutAGrantAJoinIsRefusedAndTheConnectionStaysOpen() {
    double before = denials("no_grant");
    try (ChatClient bob = connect("bob", null)) {
      bob.send(join("team:eng"));
      bob.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:eng"));
      stillServes(bob, "bob");
    }
    assertEquals(before + 1, denials("no_grant"));
  }

  @Test
  void theTokensRoomsClaimGrantsExactNamesAndPrefixes() {
    try (ChatClient alice = connect("alice", List.of("team:eng", "team:proj-*", "dm:alice.bob"))) {
      alice.send(join("team:eng"));
      alice.expect(joined("team:eng", "alice"));
      alice.send(join("team:proj-x"));
      alice.expect(joined("team:proj-x", "alice"));
      alice.send(join("dm:alice.bob"));
      alice.expect(joined("dm:alice.bob", "alice"));
      alice.send(join("team:ops"));
      alice.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:ops"));
      alice.send(join("dm:alice.carol"));
      alice.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "dm:alice.carol"));
    }
  }

  @Test
  void aValidRoomTokenGrantsItsRoomToItsUser() {
    try (ChatClient carol = connect("carol", null)) {
      carol.send(join("team:design").put("token", roomToken(issuer, "team:design", "carol", 60)));
      carol.expect(joined("team:design", "carol"));
      carol.chat("team:design", "in");
      carol.expect(chat("team:design", "carol", "in"));
    }
  }

  @Test
  void aRoomTokenNamesTheUsersSubNotTheNameItShows() {
    String token = issuer.generateToken(new JsonObject().put("sub", "u-zoe-77").put("name", "Zoe"),
      new JWTOptions().setExpiresInSeconds(300));
    try (ChatClient zoe = NODE.connect("/chat?token=" + token)) {
      zoe.send(join("team:zoe").put("token", roomToken(issuer, "team:zoe", "Zoe", 60)));
      zoe.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:zoe"));
      zoe.send(join("team:zoe").put("token", roomToken(issuer, "team:zoe", "u-zoe-77", 60)));
      zoe.expect(joined("team:zoe", "Zoe").put("user", "u-zoe-77"));
    }
  }

  @Test
  void badRoomTokensAreRefusedByReason() {
    double invalid = denials("invalid_room_token");
    double mismatch = denials("room_token_mismatch");
    try (ChatClient erin = connect("erin", null)) {
      List<String> invalidTokens = List.of(roomToken(issuer, "team:eng", "erin", -60),
        roomToken(stranger, "team:eng", "erin", 60), "not.a.jwt",
        issuer.generateToken(new JsonObject().put("room", "team:eng").put("sub", "erin"), new JWTOptions()));
      for (String token : invalidTokens) {
        erin.send(join("team:eng").put("token", token));
        erin.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:eng"));
      }
      for (String token : List.of(roomToken(issuer, "team:eng", "mallory", 60), roomToken(issuer, "team:ops", "erin", 60))) {
        erin.send(join("team:eng").put("token", token));
        erin.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:eng"));
      }
      stillServes(erin, "erin");
    }
    assertEquals(invalid + 4, denials("invalid_room_token"));
    assertEquals(mismatch + 2, denials("room_token_mismatch"));
  }

  @Test
  void whoOnAPrivateRoomNeedsAGrantOrMembership() {
    try (ChatClient frank = connect("frank", List.of("team:sales")); ChatClient gina = connect("gina", null)) {
      frank.send(join("team:sales"));
      frank.expect(joined("team:sales", "frank"));
      gina.send(new JsonObject().put("type", "who").put("room", "team:sales"));
      gina.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:sales"));
      gina.send(join("team:sales").put("token", roomToken(issuer, "team:sales", "gina", 60)));
      gina.expect(joined("team:sales", "gina"));
      gina.send(new JsonObject().put("type", "who").put("room", "team:sales"));
      gina.expect(presence("team:sales", "frank", "gina"));
      try (ChatClient watcher = connect("watcher", List.of("team:*"))) {
        watcher.send(new JsonObject().put("type", "who").put("room", "team:sales"));
        watcher.expect(presence("team:sales", "frank", "gina"));
      }
    }
  }

  @Test
  void aClaimWithoutAStarGrantsThatNameOnly() {
    try (ChatClient ivan = connect("ivan", List.of("team:ivan"))) {
      ivan.send(join("team:ivanhoe"));
      ivan.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:ivanhoe"));
      ivan.send(join("team:ivan"));
      ivan.expect(joined("team:ivan", "ivan"));
    }
  }

  @Test
  void aResumeOfAPrivateRoomWithoutAGrantReplaysNothing() {
    try (ChatClient owner = connect("judy", List.of("team:secret"))) {
      owner.send(join("team:secret"));
      owner.expect(joined("team:secret", "judy"));
      owner.chat("team:secret", "the plan");
      owner.expect(chat("team:secret", "judy", "the plan"));
      try (ChatClient snoop = connect("karl", null)) {
        snoop.send(join("team:secret").put("since", 0));
        snoop.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:secret"));
        stillServes(snoop, "karl");
      }
    }
  }

  @Test
  void aRoomTokenIsNoConnectionToken() {
    String roomToken = roomToken(issuer, "team:eng", "leo", 60);
    try (ChatClient client = NODE.connect("/chat?token=" + roomToken)) {
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(10)));
      assertEquals("authentication failed", client.closeReason());
    }
  }

  @Test
  void aRefreshWhoseClaimNoLongerGrantsARoomTakesTheConnectionOutOfIt() {
    try (ChatClient mia = connect("mia", List.of("team:mia-eng", "team:mia-ops")); ChatClient stays = connect("ned", List.of("team:*"))) {
      for (String room : List.of("team:mia-eng", "team:mia-ops")) {
        mia.send(join(room));
        mia.expect(joined(room, "mia"));
      }
      stays.send(join("team:mia-eng"));
      stays.expect(joined("team:mia-eng", "ned"));
      String narrower = issuer.generateToken(new JsonObject().put("sub", "mia").put("rooms", new JsonArray().add("team:mia-ops")),
        new JWTOptions().setExpiresInSeconds(300));
      mia.send(new JsonObject().put("type", "refresh").put("token", narrower));
      mia.awaitJson(new JsonObject().put("type", "refreshed"));
      mia.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, "team:mia-eng"));
      stays.awaitJson(left("team:mia-eng", "mia"));
      stays.chat("team:mia-eng", "mia cannot read this");
      stays.expect(chat("team:mia-eng", "ned", "mia cannot read this"));
      mia.chat("team:mia-ops", "still in ops");
      mia.expect(chat("team:mia-ops", "mia", "still in ops"));
    }
  }
}

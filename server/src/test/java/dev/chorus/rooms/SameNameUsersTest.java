package dev.chorus.rooms;

import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
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

import static dev.chorus.support.Json.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * With JWT on the user is the token's sub and its name only the name shown: two people named "Alice" are two
 * users. Their chats, notices and presence entries say which one ({@code "user"}), and the users API reaches
 * each by sub.
 */
@Timeout(60)
class SameNameUsersTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final String ADMIN = "same-name-admin-token-0123456789";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().env("JWT_SECRET", SECRET)
    .env("ADMIN_TOKEN", ADMIN);

  private static JWTAuth issuer;

  @BeforeAll
  static void createIssuer() {
    issuer = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
  }

  private static Http admin() {
    return NODE.http().header("Authorization", "Bearer " + ADMIN);
  }

  /** A connection of user {@code sub}, shown as "Alice", that joined {@code room} and saw its own notice. */
  private static ChatClient alice(String sub, String room) {
    String token = issuer.generateToken(new JsonObject().put("sub", sub).put("name", "Alice"), new JWTOptions());
    ChatClient client = NODE.connect("/chat?token=" + token);
    client.join("whoever", room);
    client.awaitJson(new JsonObject().put("type", "status").put("room", room).put("name", "Alice").put("user", sub));
    return client;
  }

  private static JsonObject oneConnectionOfAlice(String sub) {
    return new JsonObject().put("name", "Alice").put("user", sub).put("connections", 1).put("meta", new JsonObject());
  }

  @Test
  void chatsNoticesAndPresenceSayWhichAliceItIs() {
    try (ChatClient first = alice("idp|1001", "alices"); ChatClient second = alice("idp|2002", "alices")) {
      first.awaitJson(new JsonObject().put("type", "status").put("name", "Alice").put("user", "idp|2002"));
      first.chat("alices", "from the first");
      second.awaitJson(chat("alices", "Alice", "from the first").put("user", "idp|1001"));
      second.chat("alices", "from the second");
      first.awaitJson(chat("alices", "Alice", "from the second").put("user", "idp|2002"));

      second.send(new JsonObject().put("type", "who").put("room", "alices"));
      JsonObject presence = second.awaitJson(new JsonObject().put("type", "presence"));
      assertEquals(new JsonArray().add(oneConnectionOfAlice("idp|1001")).add(oneConnectionOfAlice("idp|2002")),
        presence.getJsonArray("details"));
    }
  }

  @Test
  void aReplayAndTheHistoryApiStillSayWhichAliceSentIt() {
    try (ChatClient first = alice("idp|7007", "kept")) {
      first.chat("kept", "remember me");
      first.awaitJson(chat("kept", "Alice", "remember me").put("user", "idp|7007"));
      String token = issuer.generateToken(new JsonObject().put("sub", "idp|8008").put("name", "Alice"), new JWTOptions());
      try (ChatClient late = NODE.connect("/chat?token=" + token)) {
        late.resume("whoever", "kept", 0);
        late.awaitJson(chat("kept", "Alice", "remember me").put("user", "idp|7007"));
      }
      JsonObject stored = admin().get("/api/rooms/kept/history").json().getJsonArray("messages").getJsonObject(0);
      assertEquals("Alice", stored.getString("sender"));
      assertEquals("idp|7007", stored.getString("user"));
    }
  }

  @Test
  void aDirectMessageBySubReachesThatAliceOnly() {
    try (ChatClient first = alice("idp|3003", "dm-room"); ChatClient second = alice("idp|4004", "dm-room")) {
      Http.Response sent = admin().post("/api/users/idp%7C3003/messages",
        new JsonObject().put("sender", "ops").put("message", "for the first Alice").encode());
      assertEquals(202, sent.status(), sent.body());
      assertEquals(1, sent.json().getInteger("connections"));
      first.awaitJson(new JsonObject().put("type", "direct").put("message", "for the first Alice"));
      // The other Alice gets no direct message: everything up to the answer to her who is something else.
      second.send(new JsonObject().put("type", "who").put("room", "dm-room"));
      for (JsonObject next = second.nextJson(); !"presence".equals(next.getString("type")); next = second.nextJson()) {
        assertNotEquals("direct", next.getString("type"), next.encode());
      }
      assertEquals(404, admin().get("/api/users/Alice").status(), "a name is no user");
    }
  }

  @Test
  void aDisconnectBySubClosesThatAliceOnly() {
    try (ChatClient first = alice("idp|5005", "bye-room"); ChatClient second = alice("idp|6006", "bye-room")) {
      Http.Response closed = admin().send("DELETE", "/api/users/idp%7C6006/connections", null);
      assertEquals(200, closed.status(), closed.body());
      assertEquals(new JsonObject().put("user", "idp|6006").put("closed", 1), closed.json());
      assertEquals(4001, second.awaitClose(Duration.ofSeconds(10)));
      first.awaitJson(new JsonObject().put("type", "status").put("message", "Alice left the chat.").put("user", "idp|6006"));
      assertFalse(first.isClosed());
    }
  }
}

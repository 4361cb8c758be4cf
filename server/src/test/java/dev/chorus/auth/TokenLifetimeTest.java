package dev.chorus.auth;

import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNode;
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

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A connection lives as long as its token: closed with 4002 when exp passes (no leeway on this node), unless a
 * refresh with the same user's (sub's) valid token came first; a bad refresh closes with 1008.
 */
@Timeout(60)
class TokenLifetimeTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("JWT_SECRET", SECRET).env("JWT_LEEWAY_SECONDS", "0");

  private static JWTAuth issuer;

  @BeforeAll
  static void createIssuer() {
    issuer = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
  }

  /** A token for {@code user} that expires at {@code exp} (epoch seconds). */
  private static String token(String user, long exp) {
    return issuer.generateToken(new JsonObject().put("sub", user).put("exp", exp), new JWTOptions());
  }

  private static long inSeconds(long seconds) {
    return System.currentTimeMillis() / 1000 + seconds;
  }

  private static ChatClient connected(String user, long exp) {
    ChatClient client = NODE.connect("/chat?token=" + token(user, exp));
    client.join(user);
    client.awaitJson(joined(user));
    return client;
  }

  @Test
  void aConnectionWhoseTokenExpiresIsClosedWith4002() {
    try (ChatClient client = connected("alice", inSeconds(4))) {
      assertEquals(4002, client.awaitClose(WAIT));
      assertEquals("token expired", client.closeReason());
    }
  }

  @Test
  void aRefreshWithTheSameUsersTokenKeepsTheConnectionPastTheOldExpiry() {
    long firstExp = inSeconds(4);
    try (ChatClient client = connected("bob", firstExp)) {
      long nextExp = inSeconds(600);
      client.send(new JsonObject().put("type", "refresh").put("token", token("bob", nextExp)));
      JsonObject refreshed = client.awaitJson(new JsonObject().put("type", "refreshed"));
      assertEquals(nextExp, refreshed.getLong("exp"));
      Await.until(() -> System.currentTimeMillis() > firstExp * 1000 + 1000, WAIT, "the first token's expiry passed");
      client.chat("still here");
      client.awaitJson(new JsonObject().put("type", "chat").put("message", "still here"));
      assertFalse(client.isClosed());
    }
  }

  @Test
  void aRefreshWithAnotherUsersTokenClosesWith1008() {
    try (ChatClient client = connected("carol", inSeconds(600))) {
      client.send(new JsonObject().put("type", "refresh").put("token", token("mallory", inSeconds(600))));
      assertEquals(1008, client.awaitClose(WAIT));
      assertEquals("authentication failed", client.closeReason());
    }
  }

  @Test
  void aRefreshGoesBySubSoTheNameShownMayChange() {
    String first = issuer.generateToken(new JsonObject().put("sub", "u-gil").put("name", "Gil"), new JWTOptions());
    try (ChatClient client = NODE.connect("/chat?token=" + first)) {
      client.join("ignored");
      client.awaitJson(joined("Gil"));
      String renamed = issuer.generateToken(new JsonObject().put("sub", "u-gil").put("name", "Gilbert"),
        new JWTOptions());
      client.send(new JsonObject().put("type", "refresh").put("token", renamed));
      client.awaitJson(new JsonObject().put("type", "refreshed"));
      assertFalse(client.isClosed());
    }
  }

  @Test
  void aRefreshWithAnotherSubClosesWith1008EvenUnderTheSameName() {
    String first = issuer.generateToken(new JsonObject().put("sub", "u-hal-1").put("name", "Hal"), new JWTOptions());
    try (ChatClient client = NODE.connect("/chat?token=" + first)) {
      client.join("ignored");
      client.awaitJson(joined("Hal"));
      String other = issuer.generateToken(new JsonObject().put("sub", "u-hal-2").put("name", "Hal"), new JWTOptions());
      client.send(new JsonObject().put("type", "refresh").put("token", other));
      assertEquals(1008, client.awaitClose(WAIT));
      assertEquals("authentication failed", client.closeReason());
    }
  }

  @Test
  void aRefreshWithABadTokenClosesWith1008() {
    try (ChatClient client = connected("dave", inSeconds(600))) {
      client.send(new JsonObject().put("type", "refresh").put("token", "not.a.token"));
      assertEquals(1008, client.awaitClose(WAIT));
      assertEquals("authentication failed", client.closeReason());
    }
  }

  @Test
  void aRefreshWithAnExpiredTokenClosesWith1008() {
    try (ChatClient client = connected("erin", inSeconds(600))) {
      client.send(new JsonObject().put("type", "refresh").put("token", token("erin", inSeconds(-60))));
      assertEquals(1008, client.awaitClose(WAIT));
    }
  }

  @Test
  void aTokenWhoseExpIsNoNumberIsRefusedWith1008() {
    String token = issuer.generateToken(new JsonObject().put("sub", "fay").put("exp", "soon"), new JWTOptions());
    try (ChatClient client = NODE.connect("/chat?token=" + token)) {
      assertEquals(1008, client.awaitClose(WAIT));
    }
  }
}

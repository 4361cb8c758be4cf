package dev.chorus.auth;

import dev.chorus.support.ChatClient;
import dev.chorus.support.Json;
import dev.chorus.support.RawWebSocket;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.chorus.protocol.ChatError.AUTH_REQUIRED;
import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static dev.chorus.support.Json.presence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JWT enabled with an HS256 secret: tokens in ?token= or a first auth message; the token's name is shown, its
 * sub is the user.
 */
@Timeout(60)
class JwtAuthTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("JWT_SECRET", SECRET);

  private static JWTAuth issuer;
  private static JWTAuth otherIssuer;

  @BeforeAll
  static void createIssuers() {
    issuer = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    otherIssuer = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET + "-but-another-one")));
  }

  /** A token whose user is {@code "sub-" + name}, shown as {@code name}. */
  private static String token(JWTAuth auth, String name, int expiresInSeconds) {
    return auth.generateToken(new JsonObject().put("sub", "sub-" + name).put("name", name),
      new JWTOptions().setExpiresInSeconds(expiresInSeconds));
  }

  @Test
  void tokenInQueryAuthenticatesAndItsNameWinsOverTheJoinName() {
    String token = URLEncoder.encode(token(issuer, "verified-alice", 60), StandardCharsets.UTF_8);
    try (ChatClient client = NODE.connect("/chat?token=" + token)) {
      client.join("mallory");
      client.awaitJson(joined("verified-alice"));
      client.chat("hi");
      client.awaitJson(chat("verified-alice", "hi").put("user", "sub-verified-alice"));
    }
  }

  @Test
  void aTokenWithoutSubIsClosedWith1008EvenWithAName() {
    String nameOnly = issuer.generateToken(new JsonObject().put("name", "nameless"), new JWTOptions());
    try (RawWebSocket raw = NODE.raw("/chat?token=" + nameOnly)) {
      assertEquals(1008, raw.awaitCloseCode());
    }
  }

  @Test
  void verifiedNameWinsInEveryRoomAndForPresence() {
    String token = URLEncoder.encode(token(issuer, "verified-carol", 60), StandardCharsets.UTF_8);
    try (ChatClient client = NODE.connect("/chat?token=" + token)) {
      client.join("mallory", "jwt-room");
      client.awaitJson(joined("jwt-room", "verified-carol"));
      client.join("trudy", "jwt-other");
      client.awaitJson(joined("jwt-other", "verified-carol"));
      client.send(new JsonObject().put("type", "who").put("room", "jwt-other"));
      client.awaitJson(presence("jwt-other", "verified-carol"));
    }
  }

  @Test
  void firstAuthMessageAuthenticates() {
    try (ChatClient client = NODE.connect()) {
      client.send(new JsonObject().put("type", "auth").put("token", token(issuer, "verified-bob", 60)));
      client.join("anything");
      client.awaitJson(joined("verified-bob"));
    }
  }

  @Test
  void unauthenticatedConnectionHearsNothingUntilItAuthenticates() {
    try (ChatClient eavesdropper = NODE.connect();
         ChatClient speaker = NODE.connect("/chat?token=" + token(issuer, "verified-dan", 60))) {
      speaker.join("dan");
      speaker.awaitJson(joined("verified-dan"));
      speaker.chat("secret");
      speaker.awaitJson(chat("verified-dan", "secret"));
      eavesdropper.assertQuietFor(java.time.Duration.ofMillis(500), "an unauthenticated connection heard the lobby");

      eavesdropper.send(new JsonObject().put("type", "auth").put("token", token(issuer, "verified-erin", 60)));
      // The lobby subscription starts asynchronously after verification: speak until it is heard.
      long deadline = System.nanoTime() + ChatClient.DEFAULT_WAIT.toNanos();
      boolean heard = false;
      while (!heard && System.nanoTime() < deadline) {
        speaker.chat("now you may");
        ChatClient.Received received = eavesdropper.poll(java.time.Duration.ofMillis(250));
        heard = received != null && Json.matches(chat("verified-dan", "now you may"), received.json());
      }
      assertTrue(heard, "an authenticated connection never heard the lobby");
    }
  }

  @Test
  void messagesBeforeAuthenticationGetAuthRequired() {
    try (ChatClient client = NODE.connect()) {
      client.join("eve");
      client.awaitJson(error(AUTH_REQUIRED));
      client.chat("hello");
      client.awaitJson(error(AUTH_REQUIRED));
    }
  }

  @Test
  void tokenSignedWithAnotherKeyIsClosedWith1008() {
    try (ChatClient client = NODE.connect()) {
      client.send(new JsonObject().put("type", "auth").put("token", token(otherIssuer, "forger", 60)));
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(10)));
    }
  }

  @Test
  void garbageTokenInQueryIsClosedWith1008() {
    try (RawWebSocket raw = NODE.raw("/chat?token=not.a.jwt")) {
      assertEquals(1008, raw.awaitCloseCode());
    }
  }

  @Test
  void expiredTokenIsClosedWith1008() {
    String expired = issuer.generateToken(new JsonObject().put("sub", "late")
      .put("exp", System.currentTimeMillis() / 1000 - 3600), new JWTOptions());
    try (ChatClient client = NODE.connect()) {
      client.send(new JsonObject().put("type", "auth").put("token", expired));
      assertEquals(1008, client.awaitClose(Duration.ofSeconds(10)));
    }
  }
}

package dev.chorus.auth;

import dev.chorus.support.ChatClient;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * security.authTimeoutSeconds: with JWT on, a /chat connection that has not authenticated within the deadline
 * is closed with 1008 "authentication timeout", though it answers every ping and keeps sending messages; an
 * authenticated one lives on.
 */
@Timeout(60)
class AuthDeadlineTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("JWT_SECRET", SECRET).env("AUTH_TIMEOUT_SECONDS", "2")
    .env("PING_INTERVAL_SECONDS", "1").env("IDLE_TIMEOUT_SECONDS", "30");

  @Test
  void aConnectionThatNeverAuthenticatesIsClosedAtTheDeadlineThoughItAnswersPings() {
    try (RawWebSocket raw = RawWebSocket.upgraded(NODE.port(), "/chat")) {
      long start = System.nanoTime();
      int pongs = 0;
      RawWebSocket.Frame close;
      while (true) {
        RawWebSocket.Frame frame = raw.readFrame();
        assertNotNull(frame, "the connection ended without a Close");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(),
          "still open after 10 s, " + pongs + " pings answered");
        if (frame.opcode() == RawWebSocket.PING) {
          raw.sendFrame(RawWebSocket.PONG, true, frame.payload());
          // A data frame too: before authentication it earns an error, not more time.
          raw.sendText("{\"type\":\"join\",\"name\":\"lurker\"}");
          pongs++;
        } else if (frame.opcode() == RawWebSocket.CLOSE) {
          close = frame;
          break;
        }
      }
      Duration open = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(1008, close.closeCode());
      assertEquals("authentication timeout",
        new String(Arrays.copyOfRange(close.payload(), 2, close.payload().length), StandardCharsets.UTF_8));
      assertTrue(pongs >= 1, "the socket answered pings before the deadline");
      assertTrue(open.compareTo(Duration.ofMillis(1500)) > 0 && open.compareTo(Duration.ofSeconds(10)) < 0,
        "closed after " + open);
    }
  }

  @Test
  void anAuthenticatedConnectionOutlivesTheDeadline() {
    JWTAuth issuer = JWTAuth.create(NODE.vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    String token = issuer.generateToken(new JsonObject().put("sub", "patient-ann"),
      new JWTOptions().setExpiresInSeconds(600));
    try (ChatClient late = NODE.connect("/chat");
         ChatClient client = NODE.connect("/chat?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))) {
      // The other socket authenticates by message just before its deadline; both outlive it.
      late.sendText(new JsonObject().put("type", "auth").put("token", token).encode());
      client.join("patient-ann");
      client.awaitJson(joined("patient-ann"));
      // Past the deadline, reading whatever the lobby broadcasts meanwhile.
      long pastDeadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      for (long left; (left = pastDeadline - System.nanoTime()) > 0; ) {
        late.poll(Duration.ofNanos(left));
      }
      assertFalse(late.isClosed(), "closed: " + late.closeReason());
      client.chat("still here");
      client.awaitJson(chat("patient-ann", "still here"));
      late.join("ignored");
      late.awaitJson(joined("patient-ann"));
    }
  }
}

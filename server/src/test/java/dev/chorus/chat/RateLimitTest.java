package dev.chorus.chat;

import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static dev.chorus.protocol.ChatError.INVALID_MESSAGE;
import static dev.chorus.protocol.ChatError.RATE_LIMITED;
import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The per-connection rate limit, on a node with a slow refill (2/s) so the outcome does not depend on how
 * fast a loaded machine processes a burst; a bystander keeps receiving throughout.
 */
@Timeout(60)
class RateLimitTest {

  private static final int BURST = 10;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("RATE_MESSAGES_PER_SECOND", "2")
    .env("RATE_BURST", String.valueOf(BURST)).env("RATE_ABUSE_REJECTIONS", "40");

  private static ChatClient bystander;
  private static int checks;

  @BeforeAll
  static void joinBystander() {
    bystander = NODE.connect();
    bystander.join("bystander");
    bystander.awaitJson(joined("bystander"));
  }

  @AfterAll
  static void closeBystander() {
    if (bystander != null) {
      bystander.close();
    }
  }

  @AfterEach
  void bystanderKeepsReceiving() {
    try (ChatClient speaker = NODE.connect()) {
      String name = "speaker-" + (++checks);
      speaker.join(name);
      speaker.chat("check");
      bystander.awaitJson(chat(name, "check"));
    }
  }

  private static byte[] chatFrames(int count) {
    Random random = new Random();
    byte[] payload = "{\"type\":\"chat\",\"message\":\"spam\"}".getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      out.writeBytes(RawWebSocket.frame(RawWebSocket.TEXT, true, 0, true, payload, random));
    }
    return out.toByteArray();
  }

  /** The exact text frame of an error reply. */
  private static String errorFrame(ChatError error) {
    return "{\"type\":\"error\",\"message\":\"" + error.text() + "\"}";
  }

  @Test
  void burstBeyondTheBucketGetsRateLimitedReplies() {
    try (RawWebSocket raw = NODE.raw("/chat")) {
      raw.send(chatFrames(BURST + 5));
      for (int i = 0; i < BURST; i++) {
        assertEquals(errorFrame(INVALID_MESSAGE), raw.awaitText("error").text(),
          "message " + i + " is within the burst");
      }
      assertEquals(errorFrame(RATE_LIMITED), raw.awaitText("error").text());
    }
  }

  @Test
  void joinedClientBeyondTheBucketGetsRateLimitedReply() {
    try (ChatClient client = NODE.connect()) {
      client.join("chatty");
      client.awaitJson(joined("chatty"));
      for (int i = 0; i < BURST + 2; i++) {
        client.chat("line " + i);
      }
      client.awaitJson(error(RATE_LIMITED));
    }
  }

  @Test
  void typingCountsAgainstTheRateLimit() {
    try (ChatClient client = NODE.connect()) {
      client.join("typist");
      client.awaitJson(joined("typist"));
      // Typing beyond one a second is dropped silently, but every one takes from the bucket.
      JsonObject typing = new JsonObject().put("type", "typing");
      for (int i = 0; i < BURST + 2; i++) {
        client.send(typing);
      }
      client.awaitJson(error(RATE_LIMITED));
    }
  }

  @Test
  void sustainedFloodIsClosedWith1008() {
    try (RawWebSocket raw = NODE.raw("/chat")) {
      raw.send(chatFrames(BURST + 100));
      assertEquals(1008, raw.awaitCloseCode());
    }
  }
}

package dev.chorus.chat;

import dev.chorus.ChorusNode;
import dev.chorus.support.ChatClient;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNodes;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The per-connection rate limit, on a node with a slow refill (2/s) so the outcome does not depend on how
 * fast a loaded machine processes a burst; a bystander keeps receiving throughout.
 */
@Timeout(60)
class RateLimitTest {

  private static final int BURST = 10;

  private static Vertx clients;
  private static ChorusNode node;
  private static ChatClient bystander;
  private static int checks;

  @BeforeAll
  static void start() {
    clients = Vertx.vertx();
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("RATE_MESSAGES_PER_SECOND", "2");
    env.put("RATE_BURST", String.valueOf(BURST));
    env.put("RATE_ABUSE_REJECTIONS", "40");
    node = TestNodes.start(TestNodes.settings(env));
    bystander = ChatClient.connect(clients, node.settings().http().port(), "/chat");
    bystander.join("bystander");
    bystander.awaitJson(status("bystander joined the chat."));
  }

  @AfterAll
  static void stop() {
    if (bystander != null) {
      bystander.close();
    }
    TestNodes.stop(node);
    clients.close().await();
  }

  @AfterEach
  void bystanderKeepsReceiving() {
    try (ChatClient speaker = ChatClient.connect(clients, node.settings().http().port(), "/chat")) {
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

  @Test
  void burstBeyondTheBucketGetsRateLimitedReplies() {
    try (RawWebSocket raw = RawWebSocket.upgraded(node.settings().http().port(), "/chat")) {
      raw.send(chatFrames(BURST + 5));
      for (int i = 0; i < BURST; i++) {
        assertEquals("{\"type\":\"error\",\"message\":\"Invalid message format or not joined.\"}",
          raw.awaitText("error").text(), "message " + i + " is within the burst");
      }
      assertEquals("{\"type\":\"error\",\"message\":\"Too many messages: slow down.\"}", raw.awaitText("error").text());
    }
  }

  @Test
  void joinedClientBeyondTheBucketGetsRateLimitedReply() {
    try (ChatClient client = ChatClient.connect(clients, node.settings().http().port(), "/chat")) {
      client.join("chatty");
      client.awaitJson(status("chatty joined the chat."));
      for (int i = 0; i < BURST + 2; i++) {
        client.chat("line " + i);
      }
      client.awaitJson(dev.chorus.support.Json.error("Too many messages: slow down."));
    }
  }

  @Test
  void sustainedFloodIsClosedWith1008() {
    try (RawWebSocket raw = RawWebSocket.upgraded(node.settings().http().port(), "/chat")) {
      raw.send(chatFrames(BURST + 100));
      assertEquals(1008, raw.awaitCloseCode());
    }
  }
}

package dev.chorus.robustness;

import dev.chorus.ChorusNode;
import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random frames and JSON for a fixed time (default 8 s, -Dchorus.fuzz.seconds): the node stays ready, a
 * bystander keeps its chat, and the connection count returns to zero. The seed is printed to replay a failure
 * with -Dchorus.fuzz.seed.
 */
@Timeout(120)
class FuzzTest {

  private static final String[] JSON_PARTS = {"{", "}", "[", "]", ",", ":", "\"type\"", "\"join\"", "\"chat\"",
    "\"auth\"", "\"name\"", "\"message\"", "\"token\"", "null", "true", "1e999", "-0", "\"\\u0000\"", "\"\\ud800\"",
    "\"é\"", "\"\u2028\"", "12345678901234567890", "\"" + "x".repeat(300) + "\""};

  /** How often the bystander must receive a fresh line during the fuzzing. */
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("PING_INTERVAL_SECONDS", "1").env("IDLE_TIMEOUT_SECONDS", "3");

  @Test
  void randomInputNeverTakesTheNodeDown() throws Exception {
    long seed = Long.getLong("chorus.fuzz.seed", System.nanoTime());
    long seconds = Long.getLong("chorus.fuzz.seconds", 8);
    System.out.println("FuzzTest seed " + seed);
    Random random = new Random(seed);
    ChorusNode node = NODE.node();
    int port = NODE.port();
    int connections = 0;
    try (ChatClient bystander = NODE.connect(); ChatClient speaker = NODE.connect()) {
      bystander.join("bystander");
      speaker.join("speaker");
      bystander.awaitJson(joined("speaker"));
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      long nextCheck = System.nanoTime();
      while (System.nanoTime() < deadline) {
        fuzzOneConnection(port, random);
        connections++;
        // Paced by time, not by connections: the speaker must stay under the default rate limit
        // (20/s, bursts of 40) however fast the fuzz connections go.
        if (System.nanoTime() >= nextCheck) {
          speaker.chat("still here " + connections);
          bystander.awaitJson(chat("speaker", "still here " + connections));
          nextCheck = System.nanoTime() + CHECK_INTERVAL.toNanos();
        }
      }
      assertEquals(200, NODE.http().status("/ready"));
      try (ChatClient fresh = NODE.connect()) {
        fresh.join("fresh");
        fresh.awaitJson(joined("fresh"));
      }
    } finally {
      Await.until(() -> node.upgrades().openConnections() == 0, Duration.ofSeconds(20),
        "connection count back to 0 (is " + node.upgrades().openConnections() + ")");
      assertEquals(200, NODE.http().status("/ready"));
    }
    assertTrue(connections > 20, "only " + connections + " fuzz connections in " + seconds + " s");
    System.out.println("FuzzTest: " + connections + " connections, closed for protocol errors: "
      + node.metrics().registry().find("chorus.errors").tag("kind", "protocol_error").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum());
  }

  private static void fuzzOneConnection(int port, Random random) {
    try (RawWebSocket raw = RawWebSocket.open(port)) {
      if (random.nextInt(10) == 0) {
        byte[] garbage = new byte[random.nextInt(200)];
        random.nextBytes(garbage);
        raw.send(("GET /chat HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
        raw.send(garbage);
        return;
      }
      if (raw.handshake(RawWebSocket.upgradeRequest(port, "/chat", "")) != 101) {
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int frames = 1 + random.nextInt(30);
      for (int i = 0; i < frames; i++) {
        out.writeBytes(randomFrame(random));
      }
      byte[] bytes = out.toByteArray();
      if (random.nextInt(5) == 0) {
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)); // cut mid-frame
      }
      raw.send(bytes);
    } catch (UncheckedIOException e) {
      // the server closed first: fine
    }
  }

  private static byte[] randomFrame(Random random) {
    int kind = random.nextInt(10);
    byte[] payload;
    if (kind < 5) {
      StringBuilder json = new StringBuilder();
      int parts = random.nextInt(12);
      for (int i = 0; i < parts; i++) {
        json.append(JSON_PARTS[random.nextInt(JSON_PARTS.length)]);
      }
      payload = json.toString().getBytes(StandardCharsets.UTF_8);
    } else {
      payload = new byte[random.nextInt(kind == 9 ? 70_000 : 300)];
      random.nextBytes(payload);
    }
    int opcode = random.nextInt(4) == 0 ? random.nextInt(16) : RawWebSocket.TEXT;
    boolean fin = random.nextInt(6) != 0;
    int rsv = random.nextInt(8) == 0 ? random.nextInt(8) : 0;
    boolean masked = random.nextInt(12) != 0;
    return RawWebSocket.frame(opcode, fin, rsv, masked, payload, random);
  }
}

package dev.chorus.echo;

import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EchoEndpointTest {

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess();

  @Test
  void textComesBackVerbatimAsText() {
    try (ChatClient client = NODE.connect("/echo")) {
      client.sendText("Hello, WebSocket! \u00e9\u4e16\u754c \uD83D\uDE00");
      ChatClient.Received echo = client.next();
      assertTrue(echo.text());
      assertEquals("Hello, WebSocket! \u00e9\u4e16\u754c \uD83D\uDE00", echo.data().toString());
    }
  }

  @Test
  void binaryComesBackVerbatimAsBinary() {
    byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 127, -128};
    try (ChatClient client = NODE.connect("/echo")) {
      client.sendBinary(Buffer.buffer(bytes));
      ChatClient.Received echo = client.next();
      assertFalse(echo.text());
      assertArrayEquals(bytes, echo.data().getBytes());
    }
  }

  @Test
  void sixtyKilobyteMessagesComeBackWhole() {
    byte[] bytes = new byte[60_000];
    new Random(42).nextBytes(bytes);
    String text = "x".repeat(60_000);
    try (ChatClient client = NODE.connect("/echo")) {
      client.sendBinary(Buffer.buffer(bytes));
      client.sendText(text);
      assertArrayEquals(bytes, client.next().data().getBytes());
      assertEquals(text, client.next().data().toString());
    }
  }

  @Test
  void messagesComeBackInOrder() {
    try (ChatClient client = NODE.connect("/echo")) {
      for (int i = 0; i < 200; i++) {
        client.sendText("m" + i);
      }
      for (int i = 0; i < 200; i++) {
        assertEquals("m" + i, client.next().data().toString());
      }
      client.assertQuietFor(Duration.ofMillis(200), "an echo beyond the messages sent");
    }
  }

  @Test
  void messageOverTheLimitClosesWith1009() {
    try (ChatClient client = NODE.connect("/echo")) {
      client.sendBinary(Buffer.buffer(new byte[NODE.node().settings().server().maxMessageBytes() + 1]));
      assertEquals(1009, client.awaitClose(Duration.ofSeconds(10)));
    }
  }
}

package dev.chorus.http;

import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * server.handshakeTimeoutSeconds: an HTTP connection must send a whole request within the deadline of its
 * opening or its previous answer; a WebSocket is not held to it.
 */
@Timeout(60)
class HandshakeDeadlineTest {

  private static final Duration WITHIN = Duration.ofSeconds(8);

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("HANDSHAKE_TIMEOUT_SECONDS", "2");

  @Test
  void aHalfSentRequestIsClosedAtTheDeadline() {
    try (RawWebSocket raw = RawWebSocket.open(NODE.port())) {
      raw.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      raw.awaitEof(WITHIN);
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAtTheDeadlineAfterItsAnswer() {
    try (RawWebSocket raw = RawWebSocket.open(NODE.port())) {
      assertEquals(200, raw.handshake("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
      raw.awaitEof(WITHIN);
    }
  }

  @Test
  void aWebSocketOutlivesTheDeadline() {
    try (RawWebSocket echo = RawWebSocket.upgraded(NODE.port(), "/echo")) {
      long pastDeadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < pastDeadline) {
        echo.sendText("alive");
        echo.awaitText("alive");
      }
    }
  }
}

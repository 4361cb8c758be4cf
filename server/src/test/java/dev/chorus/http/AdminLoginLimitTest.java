package dev.chorus.http;

import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Failed admin authentications per client address: after admin.maxFailuresPerMinute wrong bearer tokens
 * within a minute the address gets 429, its right token included, while another address is served.
 */
@Timeout(60)
class AdminLoginLimitTest {

  private static final String TOKEN = "test-admin-token-0123456789";

  private static final int MAX_FAILURES = 3;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("ADMIN_TOKEN", TOKEN)
    .env("ADMIN_MAX_FAILURES_PER_MINUTE", String.valueOf(MAX_FAILURES));

  private static int get(String authorization) {
    return NODE.http().header("Authorization", authorization).get("/api/rooms").status();
  }

  @Test
  void wrongTokensFromOneAddressEndIn429WhileAnotherAddressIsServed() {
    for (int i = 0; i < MAX_FAILURES; i++) {
      assertEquals(401, get("Bearer guess-" + i));
    }
    assertEquals(429, get("Bearer guess-again"));
    assertEquals(429, get("Bearer " + TOKEN), "the right token waits out the block too");

    try (RawWebSocket other = RawWebSocket.openFrom("127.0.0.2", NODE.port())) {
      assertEquals(200, other.handshake("GET /api/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + TOKEN + "\r\n\r\n"));
    }
  }
}

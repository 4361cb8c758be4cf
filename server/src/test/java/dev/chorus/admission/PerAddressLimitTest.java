package dev.chorus.admission;

import dev.chorus.support.Await;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * limits.maxConnectionsPerAddress: past it an upgrade from the same client address gets 429 while other
 * addresses connect. The address is the TCP peer (127.0.0.1, 127.0.0.2 as another client), or behind a proxy
 * of server.trustedProxies (127.0.0.3 here) the client X-Forwarded-For names; anyone else's X-Forwarded-For
 * is ignored.
 */
@Timeout(60)
class PerAddressLimitTest {

  private static final int LIMIT = 3;
  private static final String PROXY = "127.0.0.3";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().perTest()
    .env("MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(LIMIT)).env("TRUSTED_PROXIES", PROXY + "/32");

  private final List<RawWebSocket> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() {
    sockets.forEach(RawWebSocket::close);
  }

  /** The status of an upgrade to /echo from {@code source} with {@code extraHeaders}; a 101 stays open. */
  private int upgrade(String source, String extraHeaders) {
    RawWebSocket raw = RawWebSocket.openFrom(source, NODE.port());
    sockets.add(raw);
    return raw.handshake(RawWebSocket.upgradeRequest(NODE.port(), "/echo", extraHeaders));
  }

  @Test
  void anAddressPastItsLimitGets429WhileAnotherAddressConnects() {
    for (int i = 0; i < LIMIT; i++) {
      assertEquals(101, upgrade("127.0.0.1", ""));
    }
    assertEquals(429, upgrade("127.0.0.1", ""));
    assertEquals(101, upgrade("127.0.0.2", ""));

    sockets.get(0).close();
    Await.until(() -> upgrade("127.0.0.1", "") == 101, Duration.ofSeconds(10), "a closed socket frees its slot");
  }

  @Test
  void xForwardedForFromAnUntrustedPeerIsIgnored() {
    for (int i = 0; i < LIMIT; i++) {
      assertEquals(101, upgrade("127.0.0.1", "X-Forwarded-For: 198.51.100." + i + "\r\n"));
    }
    assertEquals(429, upgrade("127.0.0.1", "X-Forwarded-For: 198.51.100.99\r\n"));
  }

  @Test
  void behindATrustedProxyTheForwardedClientIsCounted() {
    for (int i = 0; i < LIMIT; i++) {
      assertEquals(101, upgrade(PROXY, "X-Forwarded-For: 6.6.6.6, 198.51.100.1\r\n"));
    }
    assertEquals(429, upgrade(PROXY, "X-Forwarded-For: 198.51.100.1\r\n"));
    assertEquals(101, upgrade(PROXY, "X-Forwarded-For: 198.51.100.1, 198.51.100.2\r\n"),
      "the last untrusted hop is the client");
    assertEquals(101, upgrade("127.0.0.1", ""), "the proxy's own address holds nothing");
  }
}

package dev.chorus.admission;

import dev.chorus.support.LogLines;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Without security.allowedOrigins a node admits upgrades only from its own origins (http.publicHost, and
 * localhost, a loopback address or one of the machine's addresses on its HTTP port), on the wire: raw upgrade requests with chosen Host and Origin
 * headers, as a browser under DNS rebinding or another local page would send them.
 */
class OwnOriginsTest {

  private static final String PUBLIC_HOST = "chat.example.test";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("HTTP_PUBLIC_HOST", PUBLIC_HOST);

  private static int upgrade(String host, String origin) {
    String request = RawWebSocket.upgradeRequest(NODE.port(), "/chat", "Origin: " + origin + "\r\n")
      .replace("Host: 127.0.0.1:" + NODE.port() + "\r\n", "Host: " + host + "\r\n");
    try (RawWebSocket raw = RawWebSocket.open(NODE.port())) {
      return raw.handshake(request);
    }
  }

  @ParameterizedTest(name = "Host {0}, Origin {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
    "127.0.0.1:%PORT%         | http://127.0.0.1:%PORT%         | 101",
    "localhost:%PORT%         | http://localhost:%PORT%         | 101",
    "[::1]:%PORT%             | http://[::1]:%PORT%             | 101",
    "chat.example.test:%PORT% | http://chat.example.test:%PORT% | 101",
    "chat.example.test        | https://chat.example.test       | 101",
    "127.0.0.1:%PORT%         | http://localhost:3000           | 403",
    "localhost:3000           | http://localhost:3000           | 403",
    "127.0.0.1:%PORT%         | http://127.0.0.1:5173           | 403",
    "evil.example:%PORT%      | http://evil.example:%PORT%      | 403",
    "evil.example             | http://evil.example             | 403",
    "127.0.0.1:%PORT%         | http://evil.example:%PORT%      | 403",
    "1.2.3.4:%PORT%           | http://1.2.3.4:%PORT%           | 403",
    "127.0.0.1:%PORT%         | http://10.0.0.1:%PORT%          | 403",
    "0.0.0.0:%PORT%           | http://0.0.0.0:%PORT%           | 403",
    "127.0.0.1:%PORT%         | http://[fe80::1%25eth0]:%PORT%  | 403"})
  void onlyTheNodesOwnOriginsMayUpgrade(String host, String origin, int status) {
    String port = String.valueOf(NODE.port());
    assertEquals(status, upgrade(host.replace("%PORT%", port), origin.replace("%PORT%", port)));
  }

  @Test
  void anAddressOfTheMachineOnTheNodesPortIsOwn() throws Exception {
    // The page as a colleague opens it, by one of the machine's non-loopback addresses.
    InetAddress address = OriginPolicy.interfaceAddresses().stream()
      .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
    Assumptions.assumeTrue(address != null, "the machine has a non-loopback IPv4 address");
    String own = address.getHostAddress() + ":" + NODE.port();
    assertEquals(101, upgrade(own, "http://" + own));
    assertEquals(403, upgrade(own, "http://" + address.getHostAddress() + ":" + (NODE.port() + 1)));
  }

  @Test
  void refusedOriginsAreLoggedOnceNotPerRequest() {
    // A fresh node: the class's node may have logged its one line of the minute already.
    try (LogLines lines = LogLines.of(ForeignOriginLog.class); TestNode node = TestNode.inProcess().start()) {
      String origin = "http://rebound-" + UUID.randomUUID() + ".example:" + node.port();
      for (int i = 0; i < 5; i++) {
        try (RawWebSocket raw = RawWebSocket.open(node.port())) {
          String request = RawWebSocket.upgradeRequest(node.port(), "/chat", "Origin: " + origin + "\r\n");
          assertEquals(403, raw.handshake(request));
        }
      }
      Counter refused = node.node().metrics().registry().find("chorus.upgrades.refused").tag("status", "403").counter();
      assertEquals(5, refused.count());
      assertEquals(1, lines.messages().stream()
        .filter(line -> line.contains(origin) && line.contains("security.allowedOrigins")).count());
    }
  }
}

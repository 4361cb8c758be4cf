package dev.chorus.admission;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OriginPolicyTest {

  /** The machine's interface addresses in these tests. */
  private static final Set<InetAddress> INTERFACES = Set.of(address("192.168.1.20"), address("fd00::20"));
  /** The upgrade's connection's local address in these tests: an address the machine's listing missed. */
  private static final String LOCAL = "10.9.9.9";

  /** A node on HTTP port 8080 whose http.publicHost is chat.example.com. */
  private final OriginPolicy own = new OriginPolicy(List.of(), "chat.example.com", 8080, INTERFACES);

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @ParameterizedTest(name = "default: Origin {0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
    "NULL                                  | true",
    "http://localhost:8080                 | true",
    "http://127.0.0.1:8080                 | true",
    "http://[::1]:8080                     | true",
    "https://192.168.1.20:8080             | true",
    "http://[fd00::20]:8080                | true",
    "http://10.9.9.9:8080                  | true",
    "http://127.0.0.2:8080                 | true",
    "http://[::ffff:127.0.0.1]:8080        | true",
    "http://1.2.3.4:8080                   | false",
    "http://10.0.0.1:8080                  | false",
    "http://0.0.0.0:8080                   | false",
    "http://[::]:8080                      | false",
    "http://[fe80::1%25eth0]:8080          | false",
    "http://[fd00::21]:8080                | false",
    "http://192.168.1.21:8080              | false",
    "http://192.168.1.20:8081              | false",
    "http://010.9.9.9:8080                 | false",
    "http://999.1.1.1:8080                 | false",
    "http://0x7f000001:8080                | false",
    "http://2130706433:8080                | false",
    "HTTP://LOCALHOST:8080                 | true",
    "http://chat.example.com:8080          | true",
    "https://chat.example.com              | true",
    "http://chat.example.com               | true",
    "HTTPS://Chat.Example.com              | true",
    "http://localhost:3000                 | false",
    "http://localhost                      | false",
    "http://127.0.0.1:5173                 | false",
    "http://[::1]:8000                     | false",
    "http://chat.example.com:9999          | false",
    "http://evil.example:8080              | false",
    "http://evil.example                   | false",
    "http://app.localhost:8080             | false",
    "http://127.0.0.1.evil.example:8080    | false",
    "https://chat.example.com.evil.example | false",
    "null                                  | false",
    "file://                               | false",
    "ws://localhost:8080                   | false"})
  void defaultAllowsOnlyTheNodesOwnOrigins(String origin, boolean allowed) {
    assertEquals(allowed, own.allows(origin, LOCAL));
  }

  @Test
  void withoutAPublicHostOnlyLocalhostAndTheNodesAddressesOnItsPortAreOwn() {
    OriginPolicy policy = new OriginPolicy(List.of(), "", 8080, Set.of());
    assertTrue(policy.allows("http://localhost:8080", LOCAL));
    assertTrue(policy.allows("http://[::1]:8080", "0:0:0:0:0:0:0:1"));
    assertTrue(policy.allows("http://[fd00::20]:8080", "fd00:0:0:0:0:0:0:20%eth0"));
    assertFalse(policy.allows("http://chat.example.com:8080", LOCAL));
    assertFalse(policy.allows("http://chat.example.com", LOCAL));
    assertFalse(policy.allows("http://192.168.1.20:8080", LOCAL));
    assertFalse(policy.allows("http://10.9.9.9:8080", null));
  }

  @Test
  void listAllowsExactlyTheListedOrigins() {
    OriginPolicy policy = new OriginPolicy(List.of("https://chat.example.com"), "api.example.com", 8080, INTERFACES);
    assertTrue(policy.allows("https://chat.example.com", LOCAL));
    assertTrue(policy.allows("HTTPS://CHAT.EXAMPLE.COM", LOCAL));
    assertFalse(policy.allows("http://chat.example.com", LOCAL));
    assertFalse(policy.allows("http://localhost:8080", LOCAL));
    assertFalse(policy.allows("https://api.example.com", LOCAL));
  }

  @Test
  void starAllowsAny() {
    assertTrue(new OriginPolicy(List.of("*"), "", 8080, Set.of()).allows("https://anything.example", LOCAL));
  }
}

package dev.chorus.admission;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OriginPolicyTest {

  /** A node on HTTP port 8080 whose http.publicHost is chat.example.com. */
  private final OriginPolicy own = new OriginPolicy(List.of(), "chat.example.com", 8080);

  @ParameterizedTest(name = "default: Origin {0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
    "NULL                                  | true",
    "http://localhost:8080                 | true",
    "http://127.0.0.1:8080                 | true",
    "http://[::1]:8080                     | true",
    "https://192.168.1.20:8080             | true",
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
    assertEquals(allowed, own.allows(origin));
  }

  @Test
  void withoutAPublicHostOnlyLoopbackAndIpLiteralsOnTheNodesPortAreOwn() {
    OriginPolicy policy = new OriginPolicy(List.of(), "", 8080);
    assertTrue(policy.allows("http://localhost:8080"));
    assertFalse(policy.allows("http://chat.example.com:8080"));
    assertFalse(policy.allows("http://chat.example.com"));
  }

  @Test
  void listAllowsExactlyTheListedOrigins() {
    OriginPolicy policy = new OriginPolicy(List.of("https://chat.example.com"), "api.example.com", 8080);
    assertTrue(policy.allows("https://chat.example.com"));
    assertTrue(policy.allows("HTTPS://CHAT.EXAMPLE.COM"));
    assertFalse(policy.allows("http://chat.example.com"));
    assertFalse(policy.allows("http://localhost:8080"));
    assertFalse(policy.allows("https://api.example.com"));
  }

  @Test
  void starAllowsAny() {
    assertTrue(new OriginPolicy(List.of("*"), "", 8080).allows("https://anything.example"));
  }
}

package dev.chorus.admission;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OriginPolicyTest {

  @ParameterizedTest(name = "default: Origin {0}, Host {1} -> {2}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
    "NULL                         | chat.example.com      | true",
    "https://chat.example.com     | chat.example.com      | true",
    "http://chat.example.com:8080 | chat.example.com:8080 | true",
    "HTTP://Chat.Example.com      | chat.example.com      | true",
    "http://localhost:3000        | chat.example.com      | true",
    "http://127.0.0.1:5173        | chat.example.com      | true",
    "http://[::1]:8000            | chat.example.com      | true",
    "https://evil.example         | chat.example.com      | false",
    "http://chat.example.com:9999 | chat.example.com:8080 | false",
    "https://chat.example.com.evil.example | chat.example.com | false",
    "null                         | chat.example.com      | false",
    "file://                      | chat.example.com      | false",
    "https://evil.example         | NULL                  | false"})
  void defaultAllowsSameOriginAndLocalhost(String origin, String host, boolean allowed) {
    assertEquals(allowed, new OriginPolicy(List.of()).allows(origin, host));
  }

  @Test
  void listAllowsExactlyTheListedOrigins() {
    OriginPolicy policy = new OriginPolicy(List.of("https://chat.example.com"));
    assertTrue(policy.allows("https://chat.example.com", "api.example.com"));
    assertTrue(policy.allows("HTTPS://CHAT.EXAMPLE.COM", "api.example.com"));
    assertFalse(policy.allows("http://chat.example.com", "api.example.com"));
    assertFalse(policy.allows("http://localhost:3000", "api.example.com"));
    assertFalse(policy.allows("https://api.example.com", "api.example.com"));
  }

  @Test
  void starAllowsAny() {
    assertTrue(new OriginPolicy(List.of("*")).allows("https://anything.example", "chat.example.com"));
  }
}

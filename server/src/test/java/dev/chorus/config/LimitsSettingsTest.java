package dev.chorus.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limits and security settings: packaged defaults, environment overrides, validation. */
class LimitsSettingsTest {

  private static final Path NO_FILE = Path.of("target");

  @Test
  void defaultsAreTheDocumentedOnes() {
    Settings settings = SettingsLoader.load(Map.of(), NO_FILE);
    assertEquals(new Settings.Limits(100000, 4096, 32, 16, 20, 40, 50, 1048576, 5000, 20, 60, 100, 100), settings.limits());
    assertEquals(List.of(), settings.security().allowedOrigins());
    assertFalse(settings.security().jwtEnabled());
    assertFalse(settings.security().tlsEnabled());
  }

  @Test
  void environmentOverridesLimitsAndOrigins() {
    Settings settings = SettingsLoader.load(Map.of("MAX_CONNECTIONS", "5", "ALLOWED_ORIGINS",
      "https://a.example, https://b.example:8443", "JWT_SECRET", "x".repeat(32)), NO_FILE);
    assertEquals(5, settings.limits().maxConnections());
    assertEquals(List.of("https://a.example", "https://b.example:8443"), settings.security().allowedOrigins());
    assertTrue(settings.security().jwtEnabled());
  }

  @Test
  void theProxyProtocolNeedsTlsToEndAtTheProxy() {
    SettingsException refused = assertThrows(SettingsException.class, () -> SettingsLoader.load(Map.of(
      "PROXY_PROTOCOL", "true", "TLS_KEY_PATH", "pom.xml", "TLS_CERT_PATH", "pom.xml"), NO_FILE));
    assertEquals("server.proxyProtocol (PROXY_PROTOCOL) cannot be combined with security.tlsKeyPath (TLS_KEY_PATH): "
      + "terminate TLS at the proxy", refused.getMessage());
    assertTrue(SettingsLoader.load(Map.of("PROXY_PROTOCOL", "true", "TRUSTED_PROXIES", "10.0.0.0/8,192.0.2.1"), NO_FILE)
      .server().proxyProtocol());
  }

  @Test
  void printedSettingsNeverShowTheJwtSecret() {
    String secret = "a-secret-that-must-not-reach-any-log";
    Settings settings = SettingsLoader.load(Map.of("JWT_SECRET", secret), NO_FILE);
    assertFalse(settings.toString().contains(secret), settings.toString());
    assertTrue(settings.security().toString().contains("jwtSecret=(set)"), settings.security().toString());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "MAX_CONNECTIONS        | 0                  | limits.maxConnections (MAX_CONNECTIONS) must be 1 to 1000000, got 0",
    "IDLE_TIMEOUT_SECONDS   | 20                 | limits.idleTimeoutSeconds (IDLE_TIMEOUT_SECONDS) must be greater than limits.pingIntervalSeconds (PING_INTERVAL_SECONDS), got 20",
    "ALLOWED_ORIGINS        | evil.example       | security.allowedOrigins (ALLOWED_ORIGINS) must list scheme://host[:port] origins or *, got 'evil.example'",
    "JWT_SECRET             | short              | security.jwtSecret (JWT_SECRET) must be at least 32 characters",
    "TLS_KEY_PATH           | pom.xml            | security.tlsKeyPath (TLS_KEY_PATH) and security.tlsCertPath (TLS_CERT_PATH) must be set together",
    "JWT_PUBLIC_KEY_PATH    | no/such/file.pem   | security.jwtPublicKeyPath (JWT_PUBLIC_KEY_PATH) must name a readable file, got 'no/such/file.pem'"})
  void badValuesFailNamingTheSetting(String variable, String value, String message) {
    SettingsException e = assertThrows(SettingsException.class,
      () -> SettingsLoader.load(Map.of(variable, value), NO_FILE));
    assertEquals(message, e.getMessage());
  }
}

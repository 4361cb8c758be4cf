package dev.chorus.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each record's constructor refuses a bad component, naming the setting and its variable, however it is built. */
class SettingsRecordsTest {

  private static void refused(String message, Executable construction) {
    assertEquals(message, assertThrows(SettingsException.class, construction).getMessage());
  }

  @Test
  void http() {
    refused("http.port (HTTP_PORT) must be a port number 1-65535, got 0", () -> new Settings.Http("0.0.0.0", 0, "", false));
    refused("http.host (HTTP_HOST) must not be empty", () -> new Settings.Http(" ", 8080, "", false));
  }

  @Test
  void metrics() {
    refused("metrics.port (METRICS_PORT) must be a port number 0-65535, got 65536",
      () -> new Settings.Metrics(65536, "127.0.0.1"));
    refused("metrics.host (METRICS_HOST) must not be empty", () -> new Settings.Metrics(9100, ""));
  }

  @Test
  void cluster() {
    refused("cluster.name (CLUSTER_NAME) must not be empty",
      () -> new Settings.Cluster("", "127.0.0.1", 5701, List.of(), 0, "", ""));
    refused("cluster.host (CLUSTER_HOST) must be an address peers can reach, not 0.0.0.0",
      () -> new Settings.Cluster("chorus", "0.0.0.0", 5701, List.of(), 0, "", ""));
    refused("cluster.port (CLUSTER_PORT) must be a port number 1-65535, got 65536",
      () -> new Settings.Cluster("chorus", "127.0.0.1", 65536, List.of(), 0, "", ""));
    refused("cluster.eventBusPort (EVENTBUS_PORT) must be a port number 0-65535, got -1",
      () -> new Settings.Cluster("chorus", "127.0.0.1", 5701, List.of(), -1, "", ""));
    refused("cluster.members (CLUSTER_MEMBERS) must list host[:port] entries, got ':5701'",
      () -> new Settings.Cluster("chorus", "127.0.0.1", 5701, List.of(":5701"), 0, "", ""));
    refused("cluster.members (CLUSTER_MEMBERS) port of '10.0.0.1:70000' must be a port number 1-65535, got 70000",
      () -> new Settings.Cluster("chorus", "127.0.0.1", 5701, List.of("10.0.0.1:70000"), 0, "", ""));
  }

  @Test
  void server() {
    refused("server.instances (SERVER_INSTANCES) must be 0 (one per core) to 256, got 257",
      () -> new Settings.Server(257, 65536, 10, 10, false, 0, false, List.of(), 10));
    refused("server.maxMessageBytes (MAX_MESSAGE_BYTES) must be 125 to 16777216, got 16777217",
      () -> new Settings.Server(0, 16777217, 10, 10, false, 0, false, List.of(), 10));
    refused("server.shutdownTimeoutSeconds (SHUTDOWN_TIMEOUT_SECONDS) must be 0 to 3600, got -1",
      () -> new Settings.Server(0, 65536, -1, 10, false, 0, false, List.of(), 10));
    refused("server.memoryReturnSeconds (MEMORY_RETURN_SECONDS) must be 0 to 3600, got 3601",
      () -> new Settings.Server(0, 65536, 10, 3601, false, 0, false, List.of(), 10));
    refused("server.writeDelayMillis (WRITE_DELAY_MILLIS) must be 0 to 100, got 101",
      () -> new Settings.Server(0, 65536, 10, 10, false, 101, false, List.of(), 10));
    refused("server.trustedProxies (TRUSTED_PROXIES) must list IP addresses or CIDR ranges, got 'proxy.example'",
      () -> new Settings.Server(0, 65536, 10, 10, false, 0, false, List.of("10.0.0.0/8", "proxy.example"), 10));
    refused("server.trustedProxies (TRUSTED_PROXIES) must list IP addresses or CIDR ranges, got '10.0.0.0/33'",
      () -> new Settings.Server(0, 65536, 10, 10, false, 0, false, List.of("10.0.0.0/33"), 10));
    refused("server.handshakeTimeoutSeconds (HANDSHAKE_TIMEOUT_SECONDS) must be 1 to 3600, got 0",
      () -> new Settings.Server(0, 65536, 10, 10, false, 0, false, List.of(), 0));
  }

  @Test
  void history() {
    refused("history.size (HISTORY_SIZE) must be 1 to 100000, got 0",
      () -> new Settings.History(0, Settings.History.MEMORY, "", 0, 86_400));
    refused("history.idleRoomSeconds (HISTORY_IDLE_ROOM_SECONDS) must be 1 to 31536000, got 0",
      () -> new Settings.History(1000, Settings.History.MEMORY, "", 0, 0));
  }

  @Test
  void admin() {
    refused("admin.token (ADMIN_TOKEN) must be empty (API off) or at least 16 printable ASCII characters without "
      + "spaces", () -> new Settings.Admin("tab\tin-a-long-token", 10));
    refused("admin.maxFailuresPerMinute (ADMIN_MAX_FAILURES_PER_MINUTE) must be 1 to 10000, got 0",
      () -> new Settings.Admin("", 0));
  }

  @Test
  void limits() {
    refused("limits.writeQueueMaxBytes (WRITE_QUEUE_MAX_BYTES) must be 1024 to 1073741824, got 1023",
      () -> new Settings.Limits(100000, 4096, 32, 16, 20, 40, 50, 1023, 5000, 20, 60, 100, 100));
    refused("limits.slowConsumerTimeoutMillis (SLOW_CONSUMER_TIMEOUT_MS) must be 100 to 3600000, got 99",
      () -> new Settings.Limits(100000, 4096, 32, 16, 20, 40, 50, 1048576, 99, 20, 60, 100, 100));
    refused("limits.idleTimeoutSeconds (IDLE_TIMEOUT_SECONDS) must be greater than limits.pingIntervalSeconds "
      + "(PING_INTERVAL_SECONDS), got 10", () -> new Settings.Limits(100000, 4096, 32, 16, 20, 40, 50, 1048576, 5000, 20, 10, 100, 100));
    refused("limits.maxWhoMembers (MAX_WHO_MEMBERS) must be 1 to 10000, got 0",
      () -> new Settings.Limits(100000, 4096, 32, 16, 20, 40, 50, 1048576, 5000, 20, 60, 0, 100));
    refused("limits.maxConnectionsPerAddress (MAX_CONNECTIONS_PER_ADDRESS) must be 0 to 1000000, got -1",
      () -> new Settings.Limits(100000, 4096, 32, 16, 20, 40, 50, 1048576, 5000, 20, 60, 100, -1));
  }

  @Test
  void security() {
    refused("security.allowedOrigins (ALLOWED_ORIGINS) must list scheme://host[:port] origins or *, got 'ftp://x'",
      () -> new Settings.Security(List.of("ftp://x"), "", "", "", "", "", "", 30, 10));
    refused("security.jwtSecret (JWT_SECRET) and security.jwtPublicKeyPath (JWT_PUBLIC_KEY_PATH) must not both be set",
      () -> new Settings.Security(List.of(), "x".repeat(32), "pom.xml", "", "", "", "", 30, 10));
    refused("security.tlsCertPath (TLS_CERT_PATH) must name a readable file, got 'no/such/cert.pem'",
      () -> new Settings.Security(List.of(), "", "", "pom.xml", "no/such/cert.pem", "", "", 30, 10));
    refused("security.jwtLeewaySeconds (JWT_LEEWAY_SECONDS) must be 0 to 600, got -1",
      () -> new Settings.Security(List.of(), "", "", "", "", "", "", -1, 10));
    refused("security.authTimeoutSeconds (AUTH_TIMEOUT_SECONDS) must be 1 to 3600, got 0",
      () -> new Settings.Security(List.of(), "", "", "", "", "", "", 30, 0));
  }

  @Test
  void logging() {
    refused("logging.format (LOG_FORMAT) must be text or json, got 'xml'", () -> new Settings.Logging("xml"));
  }

  @Test
  void everySettingHasItsOwnVariable() {
    List<String> variables = Setting.ALL.stream().map(Setting::variable).toList();
    assertEquals(variables.size(), variables.stream().distinct().count(), variables.toString());
    assertEquals(false, variables.contains(SettingsLoader.CONFIG_FILE_ENV));
  }
}

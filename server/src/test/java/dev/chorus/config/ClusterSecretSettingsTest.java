package dev.chorus.config;

import dev.chorus.support.TestNodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cluster.secret (CLUSTER_SECRET) and cluster.secretFile (CLUSTER_SECRET_FILE): required off loopback, checked, hidden. */
class ClusterSecretSettingsTest {

  private static final Path NO_FILE = Path.of("target");
  private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

  @TempDir
  Path dir;

  private static Settings load(Map<String, String> env) {
    return SettingsLoader.load(env, NO_FILE);
  }

  private static String refusal(Map<String, String> env) {
    return assertThrows(SettingsException.class, () -> load(env)).getMessage();
  }

  /** An address of this machine that is not loopback; the test is skipped on a machine without one. */
  private static String nonLoopbackAddress() {
    String address = TestNodes.nonLoopbackAddress();
    Assumptions.assumeTrue(address != null, "this machine has no non-loopback IPv4 address");
    return address;
  }

  @Test
  void onLoopbackTheSecretIsOptional() {
    Settings.Cluster cluster = load(Map.of()).cluster();
    assertFalse(cluster.sealed());
    assertEquals("", cluster.secretValue());
  }

  @Test
  void offLoopbackANodeWithoutSecretIsRefusedNamingBothSettings() {
    String host = nonLoopbackAddress();
    assertEquals("cluster.secret (CLUSTER_SECRET) or cluster.secretFile (CLUSTER_SECRET_FILE) must be set when "
      + "cluster.host (CLUSTER_HOST) is not a loopback address", refusal(Map.of("CLUSTER_HOST", host)));
    assertTrue(load(Map.of("CLUSTER_HOST", host, "CLUSTER_SECRET", SECRET)).cluster().sealed());
  }

  @Test
  void aShortSecretIsRefused() throws IOException {
    assertEquals("cluster.secret (CLUSTER_SECRET) must be at least 32 characters",
      refusal(Map.of("CLUSTER_SECRET", "x".repeat(31))));
    Path file = Files.writeString(dir.resolve("short"), "x".repeat(31) + "\n");
    assertEquals("cluster.secretFile (CLUSTER_SECRET_FILE) must hold at least 32 characters",
      refusal(Map.of("CLUSTER_SECRET_FILE", file.toString())), "the newline does not count");
  }

  @Test
  void bothOrAnUnreadableFileAreRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("secret"), SECRET);
    assertEquals("cluster.secret (CLUSTER_SECRET) and cluster.secretFile (CLUSTER_SECRET_FILE) must not both be set",
      refusal(Map.of("CLUSTER_SECRET", SECRET, "CLUSTER_SECRET_FILE", file.toString())));
    String missing = dir.resolve("missing").toString();
    assertEquals("cluster.secretFile (CLUSTER_SECRET_FILE) must name a readable file, got '" + missing + "'",
      refusal(Map.of("CLUSTER_SECRET_FILE", missing)));
  }

  @Test
  void theFileHoldsTheSecretWithoutItsTrailingNewline() throws IOException {
    Path file = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    Settings.Cluster cluster = load(Map.of("CLUSTER_SECRET_FILE", file.toString())).cluster();
    assertTrue(cluster.sealed());
    assertEquals(SECRET, cluster.secretValue());
  }

  @Test
  void theSecretIsNeverPrinted() throws IOException {
    Map<String, String> env = new HashMap<>(Map.of("CLUSTER_SECRET", SECRET));
    assertFalse(load(env).toString().contains(SECRET), "the secret leaked into toString");
    Path file = Files.writeString(dir.resolve("secret"), SECRET);
    assertFalse(load(Map.of("CLUSTER_SECRET_FILE", file.toString())).toString().contains(SECRET));
  }
}

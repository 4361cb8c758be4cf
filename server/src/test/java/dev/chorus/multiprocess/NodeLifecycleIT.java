package dev.chorus.multiprocess;

import dev.chorus.support.ChatClient;
import dev.chorus.support.FreePorts;
import dev.chorus.support.Http;
import dev.chorus.support.NodeProcess;
import dev.chorus.support.TestNode;
import dev.chorus.support.TestNodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up and shutdown of the jar as operators run it. */
@Timeout(120)
class NodeLifecycleIT {

  /** A running node for the tests that do not stop theirs. */
  @RegisterExtension
  static final TestNode NODE = TestNode.process("lifecycle");

  @Test
  void sigtermClosesSocketsWith1001AndExitsZero() {
    try (TestNode started = TestNode.process("sigterm").start()) {
      NodeProcess node = started.process();
      assertEquals(200, node.http().status("/health"));
      ChatClient chat = started.connect();
      ChatClient echo = started.connect("/echo");
      chat.join("leaver");
      chat.awaitJson(joined("leaver"));

      node.terminate();

      assertEquals(1001, chat.awaitClose(Duration.ofSeconds(20)));
      assertEquals(1001, echo.awaitClose(Duration.ofSeconds(20)));
      assertEquals(0, node.awaitExit(Duration.ofSeconds(30)), node.log());
      assertTrue(node.log().contains("Left the cluster"), node.log());
    }
  }

  @Test
  void unknownPathIs404AndReadyIs200() {
    Http http = NODE.process().http();
    assertEquals(200, http.status("/ready"));
    assertEquals(200, http.status("/health"));
    assertEquals(404, http.status("/nope"));
    assertEquals(404, http.status("/chat/extra"));
  }

  @Test
  void badSettingStopsStartUpWithOneLineNamingIt() {
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("HTTP_PORT", "eighty");
    try (NodeProcess node = NodeProcess.start("bad-setting", env)) {
      assertEquals(2, node.awaitExit(Duration.ofSeconds(30)));
      String log = node.log().strip();
      assertEquals("chorus: HTTP_PORT must be an integer, got 'eighty'", log);
    }
  }

  @Test
  void offLoopbackWithoutAClusterSecretStopsStartUpWithExit2AndOneLine() {
    String host = TestNodes.nonLoopbackAddress();
    Assumptions.assumeTrue(host != null, "this machine has no non-loopback IPv4 address");
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("CLUSTER_HOST", host);
    env.put("CLUSTER_SECRET", "");
    try (NodeProcess node = NodeProcess.start("no-cluster-secret", env)) {
      assertEquals(2, node.awaitExit(Duration.ofSeconds(30)), node.log());
      assertEquals("chorus: cluster.secret (CLUSTER_SECRET) or cluster.secretFile (CLUSTER_SECRET_FILE) must be set "
        + "when cluster.host (CLUSTER_HOST) is not a loopback address", node.log().strip());
    }
  }

  @Test
  void postgresUnreachableAtStartStopsStartUpWithExit2AndOneLine() {
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("HISTORY_STORE", "postgres");
    env.put("HISTORY_POSTGRES_URL", "postgresql://chorus:secret@127.0.0.1:" + FreePorts.next() + "/chorus");
    try (NodeProcess node = NodeProcess.start("no-postgres", env)) {
      assertEquals(2, node.awaitExit(Duration.ofSeconds(60)), node.log());
      List<String> chorusLines = node.log().lines().filter(line -> line.startsWith("chorus:")).toList();
      assertEquals(1, chorusLines.size(), node.log());
      assertTrue(chorusLines.get(0).startsWith("chorus: cannot reach PostgreSQL at 127.0.0.1:"), node.log());
      assertFalse(node.log().contains("secret"), "the password is never printed");
      assertFalse(node.log().contains("Members {"), "the node never joined a cluster");
    }
  }

  @Test
  void takenHttpPortStopsStartUpWithOneClearLine() {
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("HTTP_PORT", String.valueOf(NODE.port()));
    try (NodeProcess second = NodeProcess.start("port-taker", env)) {
      assertEquals(1, second.awaitExit(Duration.ofSeconds(60)));
      assertTrue(second.log().contains("chorus: the node could not start: "), second.log());
    }
  }
}

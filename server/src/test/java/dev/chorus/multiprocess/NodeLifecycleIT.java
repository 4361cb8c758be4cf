package dev.chorus.multiprocess;

import dev.chorus.support.ChatClient;
import dev.chorus.support.NodeProcess;
import dev.chorus.support.TestNodes;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static dev.chorus.support.Json.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up and shutdown of the jar as operators run it. */
@Timeout(120)
class NodeLifecycleIT {

  private static Vertx clients;

  @BeforeAll
  static void startClients() {
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stopClients() {
    clients.close().await();
  }

  @Test
  void sigtermClosesSocketsWith1001AndExitsZero() {
    String cluster = TestNodes.uniqueClusterName();
    Map<String, String> env = TestNodes.environment(cluster, "");
    try (NodeProcess node = NodeProcess.start("sigterm", env).awaitReady(Duration.ofSeconds(60))) {
      assertEquals(200, node.httpStatus("/health"));
      ChatClient chat = ChatClient.connect(clients, node.httpPort(), "/chat");
      ChatClient echo = ChatClient.connect(clients, node.httpPort(), "/echo");
      chat.join("leaver");
      chat.awaitJson(status("leaver joined the chat."));

      node.terminate();

      assertEquals(1001, chat.awaitClose(Duration.ofSeconds(20)));
      assertEquals(1001, echo.awaitClose(Duration.ofSeconds(20)));
      assertEquals(0, node.awaitExit(Duration.ofSeconds(30)), node.log());
      assertTrue(node.log().contains("Left the cluster"), node.log());
    }
  }

  @Test
  void unknownPathIs404AndReadyIs200() {
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    try (NodeProcess node = NodeProcess.start("paths", env).awaitReady(Duration.ofSeconds(60))) {
      assertEquals(200, node.httpStatus("/ready"));
      assertEquals(200, node.httpStatus("/health"));
      assertEquals(404, node.httpStatus("/nope"));
      assertEquals(404, node.httpStatus("/chat/extra"));
    }
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
  void takenHttpPortStopsStartUpWithOneClearLine() {
    Map<String, String> firstEnv = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    try (NodeProcess first = NodeProcess.start("port-owner", firstEnv).awaitReady(Duration.ofSeconds(60))) {
      Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
      env.put("HTTP_PORT", String.valueOf(first.httpPort()));
      try (NodeProcess second = NodeProcess.start("port-taker", env)) {
        assertEquals(1, second.awaitExit(Duration.ofSeconds(60)));
        assertTrue(second.log().contains("chorus: the node could not start: "), second.log());
      }
    }
  }
}

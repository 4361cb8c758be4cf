package dev.chorus.multiprocess;

import dev.chorus.support.NodeProcess;
import dev.chorus.support.TestNodes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The log of the jar as operators run it: JSON lines on request, and the shutdown lines are never lost. */
@Timeout(120)
class LoggingIT {

  @Test
  void jsonFormatWritesOneObjectPerLineUpToTheLastShutdownLine() {
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("LOG_FORMAT", "json");
    try (NodeProcess node = NodeProcess.start("json-log", env).awaitReady(Duration.ofSeconds(60))) {
      node.terminate();
      assertEquals(0, node.awaitExit(Duration.ofSeconds(30)), node.log());

      List<String> lines = node.log().lines().filter(line -> !line.isBlank()).toList();
      assertFalse(lines.isEmpty());
      for (String line : lines) {
        try {
          JsonObject event = new JsonObject(line);
          assertTrue(event.containsKey("ts") && event.containsKey("level") && event.containsKey("message"), line);
        } catch (RuntimeException e) {
          fail("not a JSON log line: " + line + "\nwhole log:\n" + node.log());
        }
      }
      assertTrue(lines.stream().anyMatch(line -> line.contains("Shutting down")), node.log());
      assertTrue(lines.get(lines.size() - 1).contains("Left the cluster"), node.log());
    }
  }

  @Test
  void textFormatKeepsHazelcastToItsMemberList() {
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    try (NodeProcess node = NodeProcess.start("text-log", env).awaitReady(Duration.ofSeconds(60))) {
      node.terminate();
      assertEquals(0, node.awaitExit(Duration.ofSeconds(30)), node.log());
      String log = node.log();
      assertTrue(log.contains("Members {size:1"), log);
      assertTrue(log.contains("INFO  [ChorusNode] Chorus node"), log);
      assertFalse(log.contains("|-INFO in ch.qos.logback"), "no Logback status chatter:\n" + log);
      assertFalse(log.contains("com.hazelcast.config"), "Hazelcast start-up chatter:\n" + log);
      assertTrue(log.lines().count() < 20, "a short start-up log:\n" + log);
    }
  }
}

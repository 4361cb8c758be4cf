package dev.chorus.multiprocess;

import dev.chorus.support.NodeProcess;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The log of the jar as operators run it: JSON lines on request, and the shutdown lines are never lost. */
@Timeout(120)
class LoggingIT {

  @Test
  void jsonFormatWritesOneObjectPerLineUpToTheLastShutdownLine() {
    try (TestNode started = TestNode.process("json-log").env("LOG_FORMAT", "json").start()) {
      NodeProcess node = started.process();
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
    try (TestNode started = TestNode.process("text-log").start()) {
      NodeProcess node = started.process();
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

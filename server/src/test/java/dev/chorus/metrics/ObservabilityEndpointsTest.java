package dev.chorus.metrics;

import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.chorus.protocol.ChatError.INVALID_JSON;
import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** GET /metrics, /health, /ready and / on a running node; the draining test runs last. */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityEndpointsTest {

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess();

  @Test
  @Order(1)
  void metricsCountConnectionsMessagesDeliveriesErrorsAndLatency() {
    try (ChatClient alice = NODE.connect(); ChatClient echo = NODE.connect("/echo")) {
      alice.join("alice");
      alice.chat("hi");
      alice.awaitJson(chat("alice", "hi"));
      alice.sendText("not json");
      alice.awaitJson(error(INVALID_JSON));

      String metrics = get("/metrics").body();
      assertEquals(1.0, value(metrics, "chorus_connections{endpoint=\"chat\"}"));
      assertEquals(1.0, value(metrics, "chorus_connections{endpoint=\"echo\"}"));
      assertEquals(1.0, value(metrics, "chorus_rooms"));
      assertEquals(3.0, value(metrics, "chorus_messages_received_total"));
      assertEquals(2.0, value(metrics, "chorus_messages_published_total"), "the join notice and the chat");
      assertEquals(2.0, value(metrics, "chorus_deliveries_total"));
      assertEquals(2.0, value(metrics, "chorus_publish_to_deliver_seconds_count"));
      assertEquals(1.0, value(metrics, "chorus_errors_total{kind=\"invalid_json\"}"));
      assertEquals(0.0, value(metrics, "chorus_slow_client_disconnects_total"));
      assertEquals(1.0, value(metrics, "chorus_cluster_members"));
      assertTrue(metrics.contains("vertx_http_server_active_ws_connections"), "Vert.x's own metrics are exposed");
      assertTrue(metrics.contains("vertx_eventbus_published_total"), "Vert.x's event-bus metrics are exposed");
    }
    awaitMetric("chorus_connections{endpoint=\"chat\"}", 0.0);
    awaitMetric("chorus_rooms", 0.0);
  }

  @Test
  @Order(2)
  void readyAndHealthAnswerJsonPerCheck() {
    Http.Response ready = get("/ready");
    assertEquals(200, ready.status());
    JsonObject body = new JsonObject(ready.body());
    assertEquals("UP", body.getString("status"));
    assertEquals(4, body.getJsonArray("checks").size(), body.encode());
    JsonObject cluster = body.getJsonArray("checks").getJsonObject(0);
    assertEquals("cluster", cluster.getString("id"));
    assertEquals(1, cluster.getJsonObject("data").getInteger("members"));
    JsonObject history = body.getJsonArray("checks").getJsonObject(3);
    assertEquals("history", history.getString("id"));
    assertEquals("memory", history.getJsonObject("data").getString("store"));
    assertEquals(200, get("/health").status());
  }

  @Test
  @Order(3)
  void rootServesTheBrowserClient() {
    Http.Response page = get("/");
    assertEquals(200, page.status());
    assertTrue(page.header("content-type").startsWith("text/html"));
    assertTrue(page.body().contains("chorus-client.js"));
    assertEquals(200, get("/chorus-client.js").status());
    assertEquals(404, get("/nope.js").status());
  }

  @Test
  @Order(4)
  void drainingNodeIsNotReadyButAlive() {
    NODE.node().readiness().markDraining();
    Http.Response ready = get("/ready");
    assertEquals(503, ready.status());
    assertEquals("DOWN", new JsonObject(ready.body()).getString("status"));
    assertEquals(200, get("/health").status());
  }

  private static Http.Response get(String path) {
    return NODE.http().get(path);
  }

  /** The value of one sample line, e.g. {@code chorus_rooms 1.0}. */
  private static double value(String metrics, String sample) {
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(metrics);
    if (!line.find()) {
      fail("no sample " + sample + " in:\n" + metrics);
    }
    return Double.parseDouble(line.group(1));
  }

  private static void awaitMetric(String sample, double expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    double last = Double.NaN;
    while (System.nanoTime() < deadline) {
      last = value(get("/metrics").body(), sample);
      if (last == expected) {
        return;
      }
      Thread.onSpinWait();
    }
    fail(sample + " stayed " + last + ", expected " + expected);
  }
}

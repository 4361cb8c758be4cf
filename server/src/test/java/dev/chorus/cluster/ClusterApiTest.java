package dev.chorus.cluster;

import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** GET /api/cluster on two in-process nodes: members, HTTP addresses, client counts, departures. */
@Timeout(120)
class ClusterApiTest {

  @RegisterExtension
  static final TestNode FIRST = TestNode.inProcess();

  @Test
  void listsEveryMemberWithItsAddressClientsAndUptimeAndDropsADepartedOne() {
    try (TestNode second = TestNode.inProcess().joining(FIRST).env("HTTP_PUBLIC_HOST", "chat-b.example").start()) {
      int firstPort = FIRST.port();
      int secondPort = second.port();

      ChatClient one = second.connect();
      ChatClient two = second.connect("/echo");
      String secondAddress = "chat-b.example:" + secondPort;
      JsonObject view = awaitView(v -> v.getJsonArray("members").size() == 2
        && member(v, secondAddress) != null && member(v, secondAddress).getInteger("clients") == 2);

      JsonObject self = view.getJsonArray("members").getJsonObject(0);
      assertEquals(view.getString("nodeId"), self.getString("nodeId"), "the oldest member, this node, comes first");
      assertEquals("127.0.0.1:" + firstPort, self.getString("httpAddress"));
      assertEquals(0, self.getInteger("clients"));
      assertTrue(self.getLong("uptimeSeconds") >= 0);
      assertNotNull(member(view, secondAddress).getString("nodeId"));

      one.close();
      two.close();
      awaitView(v -> member(v, secondAddress) != null && member(v, secondAddress).getInteger("clients") == 0);

      second.stop();
      awaitView(v -> v.getJsonArray("members").size() == 1 && member(v, secondAddress) == null);
    }
  }

  private static JsonObject member(JsonObject view, String httpAddress) {
    JsonArray members = view.getJsonArray("members");
    for (int i = 0; i < members.size(); i++) {
      if (httpAddress.equals(members.getJsonObject(i).getString("httpAddress"))) {
        return members.getJsonObject(i);
      }
    }
    return null;
  }

  /** Polls the first node's GET /api/cluster until the condition holds; fails with the last view after 20 s. */
  private static JsonObject awaitView(Predicate<JsonObject> condition) {
    Http http = FIRST.http().timeout(Duration.ofSeconds(2));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      try {
        Http.Response response = http.get("/api/cluster");
        assertEquals(200, response.status(), response.body());
        assertTrue(response.header("Content-Type").startsWith("application/json"));
        last = response.json();
        if (condition.test(last)) {
          return last;
        }
        Thread.sleep(100);
      } catch (UncheckedIOException e) {
        last = new JsonObject().put("error", e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return fail("condition not met; last view: " + (last == null ? "none" : last.encode()));
  }
}

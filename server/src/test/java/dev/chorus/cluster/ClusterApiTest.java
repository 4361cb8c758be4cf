package dev.chorus.cluster;

import dev.chorus.ChorusNode;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** GET /api/cluster on two in-process nodes: members, HTTP addresses, client counts, departures. */
@Timeout(120)
class ClusterApiTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void listsEveryMemberWithItsAddressClientsAndUptimeAndDropsADepartedOne() {
    String cluster = TestNodes.uniqueClusterName();
    Map<String, String> firstEnv = TestNodes.environment(cluster, "");
    ChorusNode first = null;
    ChorusNode second = null;
    Vertx clients = Vertx.vertx();
    try {
      first = TestNodes.start(TestNodes.settings(firstEnv));
      Map<String, String> secondEnv = TestNodes.environment(cluster, "127.0.0.1:" + firstEnv.get("CLUSTER_PORT"));
      secondEnv.put("HTTP_PUBLIC_HOST", "chat-b.example");
      second = TestNodes.start(TestNodes.settings(secondEnv));
      int firstPort = Integer.parseInt(firstEnv.get("HTTP_PORT"));
      int secondPort = Integer.parseInt(secondEnv.get("HTTP_PORT"));

      ChatClient one = ChatClient.connect(clients, secondPort, "/chat");
      ChatClient two = ChatClient.connect(clients, secondPort, "/echo");
      String secondAddress = "chat-b.example:" + secondPort;
      JsonObject view = awaitView(firstPort, v -> v.getJsonArray("members").size() == 2
        && member(v, secondAddress) != null && member(v, secondAddress).getInteger("clients") == 2);

      JsonObject self = view.getJsonArray("members").getJsonObject(0);
      assertEquals(view.getString("nodeId"), self.getString("nodeId"), "the oldest member, this node, comes first");
      assertEquals("127.0.0.1:" + firstPort, self.getString("httpAddress"));
      assertEquals(0, self.getInteger("clients"));
      assertTrue(self.getLong("uptimeSeconds") >= 0);
      assertNotNull(member(view, secondAddress).getString("nodeId"));

      one.close();
      two.close();
      awaitView(firstPort, v -> member(v, secondAddress) != null && member(v, secondAddress).getInteger("clients") == 0);

      TestNodes.stop(second);
      second = null;
      awaitView(firstPort, v -> v.getJsonArray("members").size() == 1 && member(v, secondAddress) == null);
    } finally {
      TestNodes.stop(second);
      TestNodes.stop(first);
      clients.close().await();
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

  /** Polls GET /api/cluster until the condition holds; fails with the last view after 20 s. */
  private static JsonObject awaitView(int port, Predicate<JsonObject> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/api/cluster")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        last = new JsonObject(response.body());
        if (condition.test(last)) {
          return last;
        }
        Thread.sleep(100);
      } catch (IOException e) {
        last = new JsonObject().put("error", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return fail("condition not met; last view: " + (last == null ? "none" : last.encode()));
  }
}

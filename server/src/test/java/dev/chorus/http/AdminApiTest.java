package dev.chorus.http;

import dev.chorus.ChorusNode;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin HTTP API: bearer token, publishing into a room, rooms, members and history. */
@Timeout(120)
class AdminApiTest {

  private static final String TOKEN = "test-admin-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Vertx clients;
  private static ChorusNode node;

  @BeforeAll
  static void start() {
    clients = Vertx.vertx();
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("ADMIN_TOKEN", TOKEN);
    node = TestNodes.start(TestNodes.settings(env));
  }

  @AfterAll
  static void stop() {
    TestNodes.stop(node);
    clients.close().await();
  }

  private static HttpResponse<String> call(ChorusNode target, String method, String path, String authorization, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.settings().http().port() + path))
      .timeout(Duration.ofSeconds(10))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> authorized(String method, String path, String body) {
    return call(node, method, path, "Bearer " + TOKEN, body);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "no header        | ",
    "wrong token      | Bearer not-the-token-at-all",
    "token not bearer | Basic test-admin-token-0123456789",
    "prefix of token  | Bearer test-admin-token"})
  void missingOrWrongTokenIs401(String description, String authorization) {
    for (String path : new String[] {"/api/rooms", "/api/rooms/dev/members", "/api/rooms/dev/history"}) {
      HttpResponse<String> response = call(node, "GET", path, authorization, null);
      assertEquals(401, response.statusCode(), path + ": " + response.body());
    }
    assertEquals(401, call(node, "POST", "/api/rooms/dev/messages", authorization,
      "{\"sender\":\"ops\",\"message\":\"x\"}").statusCode());
  }

  @Test
  void withoutAdminTokenTheApiIsOffAnd403() {
    ChorusNode tokenless = TestNodes.startAlone();
    try {
      assertEquals(403, call(tokenless, "GET", "/api/rooms", null, null).statusCode());
      assertEquals(403, call(tokenless, "GET", "/api/rooms", "Bearer " + TOKEN, null).statusCode());
      assertEquals(403, call(tokenless, "POST", "/api/rooms/dev/messages", "Bearer " + TOKEN,
        "{\"sender\":\"ops\",\"message\":\"x\"}").statusCode());
    } finally {
      TestNodes.stop(tokenless);
    }
  }

  @Test
  void postedMessageReachesTheRoomAndItsHistory() {
    try (ChatClient alice = ChatClient.connect(clients, node.settings().http().port(), "/chat")) {
      alice.join("alice", "ops-room");
      alice.awaitJson(status("ops-room", "alice", "alice joined the chat."));

      HttpResponse<String> posted = authorized("POST", "/api/rooms/ops-room/messages",
        "{\"sender\":\"ops\",\"message\":\"maintenance at noon\"}");
      assertEquals(201, posted.statusCode(), posted.body());
      JsonObject receipt = new JsonObject(posted.body());
      JsonObject delivered = alice.awaitJson(chat("ops-room", "ops", "maintenance at noon"));
      assertEquals(receipt.getLong("seq"), delivered.getLong("seq"));
      assertEquals(receipt.getLong("ts"), delivered.getLong("ts"));

      alice.chat("ack");
      alice.awaitJson(chat("ops-room", "alice", "ack"));
      JsonArray messages = new JsonObject(authorized("GET", "/api/rooms/ops-room/history", null).body())
        .getJsonArray("messages");
      assertEquals(2, messages.size(), messages.encode());
      assertEquals("maintenance at noon", messages.getJsonObject(0).getString("message"));
      assertEquals("ack", messages.getJsonObject(1).getString("message"));

      JsonArray after = new JsonObject(authorized("GET", "/api/rooms/ops-room/history?since="
        + receipt.getLong("seq") + "&limit=10", null).body()).getJsonArray("messages");
      assertEquals(1, after.size(), after.encode());
      assertEquals("ack", after.getJsonObject(0).getString("message"));
    }
  }

  @Test
  void roomsAndMembersListWhoIsWhere() {
    try (ChatClient bob = ChatClient.connect(clients, node.settings().http().port(), "/chat");
         ChatClient amy = ChatClient.connect(clients, node.settings().http().port(), "/chat")) {
      bob.join("bob", "listed");
      bob.awaitJson(status("listed", "bob", "bob joined the chat."));
      amy.join("amy", "listed");
      amy.awaitJson(status("listed", "amy", "amy joined the chat."));

      HttpResponse<String> members = authorized("GET", "/api/rooms/listed/members", null);
      assertEquals(200, members.statusCode());
      assertEquals(new JsonArray().add("amy").add("bob"), new JsonObject(members.body()).getJsonArray("members"));

      JsonArray rooms = new JsonObject(authorized("GET", "/api/rooms", null).body()).getJsonArray("rooms");
      assertTrue(rooms.contains(new JsonObject().put("room", "listed").put("members", 2)), rooms.encode());
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
    "POST | /api/rooms/bad%20room/messages | {\"sender\":\"ops\",\"message\":\"x\"}",
    "POST | /api/rooms/dev/messages        | {\"message\":\"no sender\"}",
    "POST | /api/rooms/dev/messages        | not json",
    "POST | /api/rooms/dev/messages        | {\"sender\":\"o\\u0007ps\",\"message\":\"bell in the sender\"}",
    "POST | /api/rooms/dev/messages        | {\"sender\":\"a-sender-name-of-thirty-five-chars\",\"message\":\"x\"}",
    "GET  | /api/rooms/dev/history?limit=0 | ",
    "GET  | /api/rooms/dev/history?since=x | "})
  void badRequestsAre400(String method, String path, String body) {
    assertEquals(400, authorized(method, path, body).statusCode());
  }

  @Test
  void messageOverTheChatLengthLimitIs400AndAtTheLimitIsPublished() {
    String body = "{\"sender\":\"ops\",\"message\":\"%s\"}";
    assertEquals(400, authorized("POST", "/api/rooms/long/messages", String.format(body, "x".repeat(4097))).statusCode());
    assertEquals(201, authorized("POST", "/api/rooms/long/messages", String.format(body, "x".repeat(4096))).statusCode());
  }
}

package dev.chorus.http;

import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin HTTP API: bearer token, publishing into a room, rooms, members and history. */
@Timeout(120)
class AdminApiTest {

  private static final String TOKEN = "test-admin-token-0123456789";
  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("ADMIN_TOKEN", TOKEN);

  private static Http.Response call(TestNode target, String method, String path, String authorization, String body) {
    Http http = target.http();
    return (authorization == null ? http : http.header("Authorization", authorization)).send(method, path, body);
  }

  private static Http.Response authorized(String method, String path, String body) {
    return call(NODE, method, path, "Bearer " + TOKEN, body);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "no header        | ",
    "wrong token      | Bearer not-the-token-at-all",
    "token not bearer | Basic test-admin-token-0123456789",
    "prefix of token  | Bearer test-admin-token"})
  void missingOrWrongTokenIs401(String description, String authorization) {
    for (String path : new String[] {"/api/rooms", "/api/rooms/dev/members", "/api/rooms/dev/history"}) {
      Http.Response response = call(NODE, "GET", path, authorization, null);
      assertEquals(401, response.status(), path + ": " + response.body());
    }
    assertEquals(401, call(NODE, "POST", "/api/rooms/dev/messages", authorization,
      "{\"sender\":\"ops\",\"message\":\"x\"}").status());
  }

  @Test
  void withoutAdminTokenTheApiIsOffAnd403() {
    try (TestNode tokenless = TestNode.inProcess().start()) {
      assertEquals(403, call(tokenless, "GET", "/api/rooms", null, null).status());
      assertEquals(403, call(tokenless, "GET", "/api/rooms", "Bearer " + TOKEN, null).status());
      assertEquals(403, call(tokenless, "POST", "/api/rooms/dev/messages", "Bearer " + TOKEN,
        "{\"sender\":\"ops\",\"message\":\"x\"}").status());
    }
  }

  @Test
  void postedMessageReachesTheRoomAndItsHistory() {
    try (ChatClient alice = NODE.connect()) {
      alice.join("alice", "ops-room");
      alice.awaitJson(joined("ops-room", "alice"));

      Http.Response posted = authorized("POST", "/api/rooms/ops-room/messages",
        "{\"sender\":\"ops\",\"message\":\"maintenance at noon\"}");
      assertEquals(201, posted.status(), posted.body());
      JsonObject receipt = posted.json();
      JsonObject delivered = alice.awaitJson(chat("ops-room", "ops", "maintenance at noon"));
      assertEquals(receipt.getLong("seq"), delivered.getLong("seq"));
      assertEquals(receipt.getLong("ts"), delivered.getLong("ts"));

      alice.chat("ack");
      alice.awaitJson(chat("ops-room", "alice", "ack"));
      JsonArray messages = authorized("GET", "/api/rooms/ops-room/history", null).json().getJsonArray("messages");
      assertEquals(2, messages.size(), messages.encode());
      assertEquals("maintenance at noon", messages.getJsonObject(0).getString("message"));
      assertEquals("ack", messages.getJsonObject(1).getString("message"));

      JsonArray after = authorized("GET", "/api/rooms/ops-room/history?since=" + receipt.getLong("seq") + "&limit=10",
        null).json().getJsonArray("messages");
      assertEquals(1, after.size(), after.encode());
      assertEquals("ack", after.getJsonObject(0).getString("message"));
    }
  }

  @Test
  void roomsAndMembersListWhoIsWhere() {
    try (ChatClient bob = NODE.connect(); ChatClient amy = NODE.connect()) {
      bob.join("bob", "listed");
      bob.awaitJson(joined("listed", "bob"));
      amy.join("amy", "listed");
      amy.awaitJson(joined("listed", "amy"));

      Http.Response members = authorized("GET", "/api/rooms/listed/members", null);
      assertEquals(200, members.status());
      assertEquals(new JsonArray().add("amy").add("bob"), members.json().getJsonArray("members"));

      JsonArray rooms = authorized("GET", "/api/rooms", null).json().getJsonArray("rooms");
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
    assertEquals(400, authorized(method, path, body).status());
  }

  @Test
  void messageOverTheChatLengthLimitIs400AndAtTheLimitIsPublished() {
    String body = "{\"sender\":\"ops\",\"message\":\"%s\"}";
    assertEquals(400, authorized("POST", "/api/rooms/long/messages", String.format(body, "x".repeat(4097))).status());
    assertEquals(201, authorized("POST", "/api/rooms/long/messages", String.format(body, "x".repeat(4096))).status());
  }
}

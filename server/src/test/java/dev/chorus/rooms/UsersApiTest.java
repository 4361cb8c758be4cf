package dev.chorus.rooms;

import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API's users, cluster-wide over two nodes: a user is a connection's join name (no JWT here); its
 * connections on both nodes are looked up, sent direct messages and disconnected with 4001.
 */
@Timeout(90)
class UsersApiTest {

  private static final String TOKEN = "users-admin-token-0123456789";

  @RegisterExtension
  @Order(1)
  static final TestNode FIRST = TestNode.inProcess().withoutRateLimit().env("ADMIN_TOKEN", TOKEN);
  @RegisterExtension
  @Order(2)
  static final TestNode SECOND = TestNode.inProcess().withoutRateLimit().env("ADMIN_TOKEN", TOKEN).joining(FIRST);

  private static Http admin(TestNode node) {
    return node.http().header("Authorization", "Bearer " + TOKEN);
  }

  private static ChatClient joinedAs(TestNode node, String user, String room) {
    ChatClient client = node.connect();
    client.send(new JsonObject().put("type", "join").put("name", user).put("room", room));
    client.awaitJson(joined(room, user));
    return client;
  }

  @Test
  void aUsersConnectionsOnEveryNodeAreFoundWithTheirRooms() {
    try (ChatClient first = joinedAs(FIRST, "bob", "dev"); ChatClient second = joinedAs(SECOND, "bob", "ops")) {
      second.send(new JsonObject().put("type", "join").put("name", "bob").put("room", "dev"));
      second.awaitJson(joined("dev", "bob"));
      Http.Response found = admin(FIRST).get("/api/users/bob");
      assertEquals(200, found.status(), found.body());
      assertEquals(new JsonObject().put("user", "bob").put("connections", 2).put("rooms", new JsonArray().add("dev").add("ops")),
        found.json());
    }
  }

  @Test
  void aConnectionWhoseOnlyJoinWasRefusedIsNoUser() {
    try (ChatClient client = SECOND.connect()) {
      client.send(new JsonObject().put("type", "join").put("name", "gwen").put("room", "nosuch:room"));
      client.awaitJson(new JsonObject().put("type", "error"));
      assertEquals(404, admin(FIRST).get("/api/users/gwen").status());
    }
  }

  @Test
  void aUserWithoutConnectionsIsNotFound() {
    Http.Response missing = admin(SECOND).get("/api/users/nobody-here");
    assertEquals(404, missing.status());
    assertEquals(400, admin(SECOND).get("/api/users/" + "x".repeat(40)).status(), "over limits.maxNameChars");
  }

  @Test
  void aDirectMessageReachesEachOfTheUsersConnectionsAndNoOneElse() {
    try (ChatClient first = joinedAs(FIRST, "carol", "lobby"); ChatClient second = joinedAs(SECOND, "carol", "dev");
         ChatClient other = joinedAs(SECOND, "dan", "dev")) {
      Http.Response sent = admin(SECOND).post("/api/users/carol/messages",
        new JsonObject().put("sender", "ops").put("message", "your invoice is ready").encode());
      assertEquals(202, sent.status(), sent.body());
      assertEquals(new JsonObject().put("user", "carol").put("connections", 2), sent.json());
      for (ChatClient carol : new ChatClient[] {first, second}) {
        JsonObject direct = carol.awaitJson(new JsonObject().put("type", "direct"));
        assertEquals("ops", direct.getString("sender"));
        assertEquals("your invoice is ready", direct.getString("message"));
        assertTrue(direct.getLong("ts") > 0);
      }
      // Dan gets no direct message: everything up to the answer to his who is something else.
      other.send(new JsonObject().put("type", "who").put("room", "dev"));
      for (JsonObject next = other.nextJson(); !"presence".equals(next.getString("type")); next = other.nextJson()) {
        assertNotEquals("direct", next.getString("type"), next.encode());
      }
      assertEquals(400, admin(FIRST).post("/api/users/carol/messages", "{\"sender\":\"\",\"message\":\"x\"}").status());
    }
  }

  @Test
  void disconnectingAUserClosesEachOfItsConnectionsWith4001() {
    try (ChatClient first = joinedAs(FIRST, "erin", "dev"); ChatClient second = joinedAs(SECOND, "erin", "dev");
         ChatClient bystander = joinedAs(FIRST, "frank", "dev")) {
      Http.Response closed = admin(FIRST).send("DELETE", "/api/users/erin/connections", null);
      assertEquals(200, closed.status(), closed.body());
      assertEquals(new JsonObject().put("user", "erin").put("closed", 2), closed.json());
      for (ChatClient erin : new ChatClient[] {first, second}) {
        assertEquals(4001, erin.awaitClose(Duration.ofSeconds(10)));
        assertEquals("disconnected by the server", erin.closeReason());
      }
      assertEquals(false, bystander.isClosed());
      Await.until(() -> admin(SECOND).get("/api/users/erin").status() == 404, Duration.ofSeconds(10),
        "erin's connections gone from the directory");
    }
  }
}

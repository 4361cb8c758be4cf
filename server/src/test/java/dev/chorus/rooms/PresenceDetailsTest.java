package dev.chorus.rooms;

import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static dev.chorus.support.Json.left;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A join's meta: carried by its notices, shown per name in who and the admin API's members call. */
@Timeout(60)
class PresenceDetailsTest {

  private static final String TOKEN = "presence-admin-token-0123456789";

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().env("ADMIN_TOKEN", TOKEN);

  private static JsonObject join(String name, String room, JsonObject meta) {
    return new JsonObject().put("type", "join").put("name", name).put("room", room).put("meta", meta);
  }

  @Test
  void whoShowsEachNamesConnectionsAndTheMetaOfItsLatestJoin() {
    try (ChatClient phone = NODE.connect(); ChatClient laptop = NODE.connect(); ChatClient bob = NODE.connect()) {
      JsonObject phoneMeta = new JsonObject().put("device", "phone");
      phone.send(join("alice", "meta-room", phoneMeta));
      JsonObject notice = phone.expect(joined("meta-room", "alice"));
      assertEquals(phoneMeta, notice.getJsonObject("meta"));
      JsonObject laptopMeta = new JsonObject().put("device", "laptop").put("status", "away");
      laptop.send(join("alice", "meta-room", laptopMeta));
      laptop.awaitJson(joined("meta-room", "alice").put("meta", laptopMeta));
      bob.send(new JsonObject().put("type", "join").put("name", "bob").put("room", "meta-room"));
      JsonObject bobNotice = bob.awaitJson(joined("meta-room", "bob"));
      assertEquals(false, bobNotice.containsKey("meta"), "a join without meta: a notice without it");

      bob.send(new JsonObject().put("type", "who").put("room", "meta-room"));
      JsonObject presence = bob.awaitJson(new JsonObject().put("type", "presence"));
      assertEquals(new JsonArray().add("alice").add("bob"), presence.getJsonArray("members"));
      assertEquals(new JsonArray()
          .add(new JsonObject().put("name", "alice").put("connections", 2).put("meta", laptopMeta))
          .add(new JsonObject().put("name", "bob").put("connections", 1).put("meta", new JsonObject())),
        presence.getJsonArray("details"));

      Http.Response members = NODE.http().header("Authorization", "Bearer " + TOKEN).get("/api/rooms/meta-room/members");
      assertEquals(200, members.status());
      assertEquals(presence.getJsonArray("details"), members.json().getJsonArray("details"));
      assertEquals(presence.getJsonArray("members"), members.json().getJsonArray("members"));

      laptop.send(new JsonObject().put("type", "leave").put("room", "meta-room"));
      bob.awaitJson(left("meta-room", "alice").put("meta", laptopMeta));
    }
  }

  @Test
  void metaThatIsNoObjectOrOver256BytesIsAnInvalidMessage() {
    try (ChatClient client = NODE.connect()) {
      for (Object bad : new Object[] {"text", 5, new JsonArray().add(1), true}) {
        client.send(new JsonObject().put("type", "join").put("name", "carol").put("room", "meta-bad").put("meta", bad));
        client.expect(error(ChatError.INVALID_MESSAGE));
      }
      // {"k":"..."} is 8 bytes around the value: 248 of 'x' make 256 bytes, one more is too many.
      client.send(join("carol", "meta-bad", new JsonObject().put("k", "x".repeat(249))));
      client.expect(error(ChatError.INVALID_MESSAGE));
      client.send(join("carol", "meta-bad", new JsonObject().put("k", "é".repeat(125))));
      client.expect(error(ChatError.INVALID_MESSAGE));
      JsonObject largest = new JsonObject().put("k", "x".repeat(248));
      client.send(join("carol", "meta-bad", largest));
      client.expect(joined("meta-bad", "carol").put("meta", largest));
    }
  }
}

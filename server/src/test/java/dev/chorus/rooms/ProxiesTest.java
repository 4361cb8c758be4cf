package dev.chorus.rooms;

import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.SettingsFiles;
import dev.chorus.support.TestNode;
import dev.chorus.support.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The join and publish proxies against a real HTTP application in the test process, for rooms with
 * "proxy": true: allowed, refused (false or 403), rewritten, and unanswered (too slow, 5xx); a private
 * namespace granted by the join proxy alone, on a node without JWT.
 */
@Timeout(60)
class ProxiesTest {

  private static final String SECRET = "proxy-secret-0123456789";
  /**
   * Well above what an answer needs on a loaded machine (a node's first request, cold, can take most of a
   * second): the cases that time out never finish, so they do not depend on it.
   */
  private static final int TIMEOUT_MILLIS = 2000;
  private static Vertx application;
  private static final List<JsonObject> asked = new CopyOnWriteArrayList<>();
  private static final List<String> badSignatures = new CopyOnWriteArrayList<>();

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().configure(env -> {
    int port = startApplication();
    env.put("JOIN_PROXY_URL", "http://127.0.0.1:" + port + "/join");
    env.put("PUBLISH_PROXY_URL", "http://127.0.0.1:" + port + "/publish");
    env.put("WEBHOOK_SECRET", SECRET);
    env.put("PROXY_TIMEOUT_MILLIS", String.valueOf(TIMEOUT_MILLIS));
    env.put("CHORUS_CONFIG", SettingsFiles.write("""
      {"rooms": {"namespaces": {"px": {"proxy": true}, "pxp": {"private": true, "proxy": true}, "plain": {}}}}"""));
  });

  /** The application: decides by room (joins) and by message (chats), as a backend would. */
  private static int startApplication() {
    application = Vertx.vertx();
    HttpServer server = application.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (!WebhookReceiver.verified(SECRET, request.getHeader("Chorus-Timestamp"), request.getHeader("Chorus-Signature"),
        body.getBytes())) {
        badSignatures.add(body.toString());
        request.response().setStatusCode(401).end();
        return;
      }
      JsonObject question = body.toJsonObject();
      asked.add(question.copy().put("path", request.path()));
      String key = request.path().equals("/join") ? question.getString("room") : question.getString("message");
      switch (key) {
        case "px:meta" -> request.response().end(new JsonObject().put("allow", true)
          .put("meta", new JsonObject().put("role", "vip")).encode());
        case "px:no", "bad word" -> request.response().end("{\"allow\":false}");
        case "px:forbidden" -> request.response().setStatusCode(403).end();
        case "px:broken" -> request.response().setStatusCode(500).end();
        case "px:slow", "slow" -> { }
        case "px:drip" -> drip(request.response());
        case "rewrite me" -> request.response().end("{\"allow\":true,\"message\":\"rewritten\"}");
        case "px:badmeta" -> request.response().end("{\"allow\":true,\"meta\":\"vip\"}");
        case "object message" -> request.response().end("{\"allow\":true,\"message\":{\"x\":1}}");
        default -> request.response().end("{\"allow\":true}");
      }
    }));
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  /**
   * Answers 200 at once, then a space every 100 ms and never the rest, as a stuck proxy behind a buffering
   * gateway may: the connection is never idle for the proxy's timeout, but its answer is never complete. Stops
   * when the node closes the connection.
   */
  private static void drip(HttpServerResponse response) {
    response.setChunked(true).putHeader("Content-Type", "application/json").write(" ");
    application.setPeriodic(100, timer -> {
      if (response.closed()) {
        application.cancelTimer(timer);
      } else {
        response.write(" ");
      }
    });
  }

  @AfterAll
  static void stopApplication() {
    if (application != null) {
      application.close().await();
    }
  }

  private static JsonObject join(String room) {
    return new JsonObject().put("type", "join").put("name", "alice").put("room", room);
  }

  @Test
  void theJoinProxyAdmitsRefusesAndReplacesTheMeta() {
    try (ChatClient alice = NODE.connect()) {
      alice.send(join("px:ok").put("meta", new JsonObject().put("device", "phone")));
      alice.expect(joined("px:ok", "alice").put("meta", new JsonObject().put("device", "phone")));
      alice.send(join("px:meta"));
      alice.expect(joined("px:meta", "alice").put("meta", new JsonObject().put("role", "vip")));
      for (String room : List.of("px:no", "px:forbidden")) {
        alice.send(join(room));
        alice.expect(error(ChatError.NOT_ALLOWED_IN_ROOM, room));
      }
      // A proxy that never goes quiet but does not finish its answer in time is a timeout too.
      for (String room : List.of("px:slow", "px:drip", "px:broken", "px:badmeta")) {
        alice.send(join(room));
        alice.expect(error(ChatError.TRY_AGAIN_LATER, room));
      }
      alice.send(join("plain:room"));
      alice.expect(joined("plain:room", "alice"));
    }
    JsonObject first = asked.stream().filter(q -> "px:ok".equals(q.getString("room"))).findFirst().orElseThrow();
    assertEquals(new JsonObject().put("user", "alice").put("room", "px:ok").put("meta", new JsonObject().put("device", "phone"))
      .put("path", "/join"), first);
    assertTrue(asked.stream().noneMatch(q -> "plain:room".equals(q.getString("room"))), "rooms without proxy: not asked");
    assertEquals(List.of(), badSignatures);
  }

  @Test
  void theJoinProxyGrantsAPrivateRoomWithoutJwt() {
    try (ChatClient alice = NODE.connect()) {
      alice.send(join("pxp:team"));
      alice.expect(joined("pxp:team", "alice"));
      alice.send(join("pxp:no"));
      // Decided by the room's name after the namespace: "pxp:no" is not "px:no", so the application allows it.
      alice.expect(joined("pxp:no", "alice"));
    }
  }

  @Test
  void thePublishProxyPublishesRewritesRejectsAndTimesOut() {
    try (ChatClient alice = NODE.connect()) {
      alice.send(join("px:talk"));
      alice.expect(joined("px:talk", "alice"));
      alice.chat("px:talk", "hello");
      alice.expect(chat("px:talk", "alice", "hello"));
      alice.chat("px:talk", "rewrite me");
      alice.expect(chat("px:talk", "alice", "rewritten"));
      alice.chat("px:talk", "bad word");
      alice.expect(error(ChatError.MESSAGE_REJECTED, "px:talk"));
      alice.chat("px:talk", "slow");
      alice.expect(error(ChatError.TRY_AGAIN_LATER, "px:talk"));
      alice.chat("px:talk", "object message");
      alice.expect(error(ChatError.TRY_AGAIN_LATER, "px:talk"));
      alice.chat("px:talk", "after the slow one");
      alice.expect(chat("px:talk", "alice", "after the slow one"));
      alice.send(new JsonObject().put("type", "chat").put("room", "px:talk").put("message", "with an id")
        .put("id", "px-1"));
      alice.awaitJson(chat("px:talk", "alice", "with an id"));
    }
    assertTrue(asked.stream().anyMatch(q -> "/publish".equals(q.getString("path")) && "hello".equals(q.getString("message"))
      && "alice".equals(q.getString("user")) && "px:talk".equals(q.getString("room")) && !q.containsKey("id")));
    assertTrue(asked.stream().anyMatch(q -> "/publish".equals(q.getString("path")) && "px-1".equals(q.getString("id"))));
  }

  @Test
  void messagesAfterAProxiedJoinWaitForItsOutcome() {
    try (ChatClient bob = NODE.connect()) {
      bob.send(new JsonObject().put("type", "join").put("name", "bob").put("room", "px:queue"));
      bob.chat("px:queue", "right after the join");
      // Taken as a member's chat, not "Not in that room.": reading waited for the proxy's answer.
      List<JsonObject> received = List.of(bob.nextJson(), bob.nextJson());
      assertTrue(received.stream().anyMatch(json -> dev.chorus.support.Json.matches(joined("px:queue", "bob"), json)),
        received.toString());
      assertTrue(received.stream().anyMatch(json -> dev.chorus.support.Json.matches(
        chat("px:queue", "bob", "right after the join"), json)), received.toString());
    }
  }
}

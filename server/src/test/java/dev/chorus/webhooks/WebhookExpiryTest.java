package dev.chorus.webhooks;

import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNode;
import dev.chorus.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events a receiver refuses for longer than webhooks.retrySeconds after they happened are dropped, counted, and
 * delivery goes on: each event has its own window, so later events waiting behind them still arrive.
 */
@Timeout(60)
class WebhookExpiryTest {

  private static final String SECRET = "webhook-secret-0123456789";
  private static final int RETRY_SECONDS = 4;
  private static WebhookReceiver receiver;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().configure(env -> {
    receiver = WebhookReceiver.startFor(env, SECRET);
    env.put("WEBHOOK_RETRY_SECONDS", String.valueOf(RETRY_SECONDS));
  });

  @AfterAll
  static void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private static double expired() {
    return NODE.counter("chorus.webhook.events.dropped", "reason", "expired");
  }

  private static void joinAndLeave(String name, String room) {
    try (ChatClient client = NODE.connect()) {
      client.send(new JsonObject().put("type", "join").put("name", name).put("room", room));
      client.expect(joined(room, name));
    }
  }

  @Test
  void eachEventIsGivenUpItsOwnWindowAfterItHappened() {
    receiver.failNext(Integer.MAX_VALUE);
    joinAndLeave("old", "expiring");
    // Retries back off from 200 ms, doubling: the fifth attempt comes about 3 s after the old events, the
    // sixth about 3 s later, when the old ones are past their 4 s and the new ones (made now) are not.
    Await.until(() -> receiver.requests() >= 5, Duration.ofSeconds(30), "the old events were retried");
    joinAndLeave("new", "fresh");
    Await.until(() -> expired() >= 4, Duration.ofSeconds(30), "the refused old events expired (" + expired() + ")");
    receiver.failNext(0);
    Await.until(() -> receiver.events().stream().filter(e -> "fresh".equals(e.getString("room"))).count() == 4,
      Duration.ofSeconds(30), "the later events, refused with them but still in their window, arrive");
    List<String> rooms = receiver.events().stream().map(e -> e.getString("room")).distinct().toList();
    assertEquals(List.of("fresh"), rooms, "the expired events never arrive");
    assertEquals(4.0, expired(), "only the old events expired");
    assertTrue(receiver.attempted().stream().anyMatch(body -> body.contains("\"expiring\"") && body.contains("\"fresh\"")),
      "old and new events were refused in one batch");
  }
}

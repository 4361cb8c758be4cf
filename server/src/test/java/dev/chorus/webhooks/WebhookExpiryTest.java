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

/** Events a receiver refuses for longer than webhooks.retrySeconds are dropped, counted, and delivery goes on. */
@Timeout(60)
class WebhookExpiryTest {

  private static final String SECRET = "webhook-secret-0123456789";
  private static WebhookReceiver receiver;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().configure(env -> {
    receiver = new WebhookReceiver(SECRET);
    env.put("WEBHOOK_URL", receiver.url());
    env.put("WEBHOOK_SECRET", SECRET);
    env.put("WEBHOOK_RETRY_SECONDS", "1");
  });

  @AfterAll
  static void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private static double expired() {
    var counter = NODE.node().metrics().registry().find("chorus.webhook.events.dropped").tag("reason", "expired")
      .counter();
    return counter == null ? 0 : counter.count();
  }

  private static void joinAndLeave(String name, String room) {
    try (ChatClient client = NODE.connect()) {
      client.send(new JsonObject().put("type", "join").put("name", name).put("room", room));
      client.expect(joined(room, name));
    }
  }

  @Test
  void eventsRefusedPastTheRetryWindowAreDroppedAndLaterOnesStillArrive() {
    receiver.failNext(Integer.MAX_VALUE);
    joinAndLeave("old", "expiring");
    Await.until(() -> expired() >= 4, Duration.ofSeconds(30), "the refused events expired (" + expired() + ")");
    receiver.failNext(0);
    joinAndLeave("new", "fresh");
    Await.until(() -> receiver.events().stream().filter(e -> "fresh".equals(e.getString("room"))).count() == 4,
      Duration.ofSeconds(30), "the later events arrive");
    List<String> rooms = receiver.events().stream().map(e -> e.getString("room")).distinct().toList();
    assertEquals(List.of("fresh"), rooms, "the expired events never arrive");
    assertTrue(receiver.requests() > 2, "the refused batch was retried before it expired");
  }
}

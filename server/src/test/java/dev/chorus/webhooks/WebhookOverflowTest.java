package dev.chorus.webhooks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import dev.chorus.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver that hangs never slows chat: the cluster's log holds webhooks.queueSize events, what it pushes out
 * is counted and logged once for the outage, and once the receiver answers it gets the newest events, in order.
 */
@Timeout(120)
class WebhookOverflowTest {

  private static final String SECRET = "webhook-secret-0123456789";
  private static final String TOKEN = "test-admin-token-0123456789";
  private static final int QUEUE_SIZE = 1000;
  private static WebhookReceiver receiver;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().configure(env -> {
    receiver = WebhookReceiver.startFor(env, SECRET);
    env.put("WEBHOOK_QUEUE_SIZE", String.valueOf(QUEUE_SIZE));
    env.put("WEBHOOK_TIMEOUT_MILLIS", "200");
    env.put("WEBHOOK_RETRY_SECONDS", "3600");
    env.put("ADMIN_TOKEN", TOKEN);
  });

  @AfterAll
  static void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private static double overflowed() {
    return NODE.counter("chorus.webhook.events.dropped", "reason", "overflow");
  }

  /** Publishes messages {@code from} to {@code to} (exclusive) through the admin API. */
  private static void publish(String room, int from, int to) {
    Http http = NODE.http().header("Authorization", "Bearer " + TOKEN);
    for (int i = from; i < to; i++) {
      Http.Response posted = http.post("/api/rooms/" + room + "/messages",
        new JsonObject().put("sender", "ops").put("message", "m-" + i).encode());
      assertEquals(201, posted.status(), posted.body());
    }
  }

  @Test
  void aHangingReceiverLosesTheOldestEventsNotChat() {
    Logger dispatcherLog = (Logger) LoggerFactory.getLogger(WebhookDispatcher.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    dispatcherLog.addAppender(logged);
    String room = "overflowing";
    int burst = QUEUE_SIZE + 100;
    receiver.hangNext(Integer.MAX_VALUE);
    try (ChatClient alice = NODE.connect()) {
      alice.join("alice", room);
      alice.awaitJson(joined(room, "alice"));
      // Two bursts of more than the log holds, the second after the first overflow was noticed: one outage.
      publish(room, 0, burst);
      alice.awaitJson(chat(room, "ops", "m-" + (burst - 1)), Duration.ofSeconds(60));
      Await.until(() -> overflowed() > 0, Duration.ofSeconds(30), "the first overflow is counted");
      double first = overflowed();
      publish(room, burst, 2 * burst);
      // Chat went on at full speed while the receiver hung: alice got every message.
      alice.awaitJson(chat(room, "ops", "m-" + (2 * burst - 1)), Duration.ofSeconds(60));
      Await.until(() -> overflowed() > first, Duration.ofSeconds(30), "the second overflow is counted");
      long overflowLines = logged.list.stream()
        .filter(line -> line.getLevel() == Level.WARN && line.getFormattedMessage().contains("pushed out of the log"))
        .count();
      assertEquals(1, overflowLines, "one line for the outage: " + logged.list);

      receiver.hangNext(0);
      String last = "m-" + (2 * burst - 1);
      Await.until(() -> receiver.events().stream().anyMatch(e -> last.equals(e.getString("message"))),
        Duration.ofSeconds(60), "the newest events arrive once the receiver answers");
      List<JsonObject> delivered = receiver.events();
      int produced = 2 + 2 * burst; // room.occupied, member.joined, then every message
      assertEquals(produced, (long) overflowed() + delivered.size(),
        "every event either arrived or was counted as pushed out (" + overflowed() + " counted)");
      assertTrue(delivered.size() <= QUEUE_SIZE, "at most what the log holds: " + delivered.size());
      assertTrue(delivered.stream().allMatch(e -> "message.published".equals(e.getString("type"))),
        "the oldest events, the room's first, were pushed out");
      List<Integer> numbers = delivered.stream().map(e -> Integer.parseInt(e.getString("message").substring(2)))
        .toList();
      assertEquals(numbers.stream().sorted().distinct().toList(), numbers, "the survivors arrive in order, once");
      assertEquals(2 * burst - 1, numbers.get(numbers.size() - 1));
    } finally {
      dispatcherLog.detachAppender(logged);
    }
  }
}

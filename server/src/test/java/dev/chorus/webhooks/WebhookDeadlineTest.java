package dev.chorus.webhooks;

import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.RawHttpApplication;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * webhooks.timeoutMillis is a deadline for the whole delivery, not an idle time between bytes: a receiver on
 * a raw socket that answers its first batches with a body dripped a byte every 100 ms, never finished, sees
 * each of those connections closed by the node when the delivery's time is up, and gets the events once it
 * answers again.
 */
@Timeout(60)
class WebhookDeadlineTest {

  private static final String SECRET = "webhook-secret-0123456789";
  private static final int DRIPS = 3;
  private static final Duration DRIP_EVERY = Duration.ofMillis(100);
  /** Longer than the test: a drip the node does not cut holds its connection throughout. */
  private static final Duration DRIP_LIFE = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger requests = new AtomicInteger();
  private static final AtomicInteger dripsClosed = new AtomicInteger();
  private static final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private static RawHttpApplication receiver;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().configure(env -> {
    receiver = RawHttpApplication.webhookReceiverFor(env, SECRET, 500, WebhookDeadlineTest::answer);
  });

  @AfterAll
  static void stopReceiver() throws IOException {
    if (receiver != null) {
      receiver.close();
    }
  }

  /** The first {@link #DRIPS} batches get a body that drips; later ones are taken. */
  private static boolean answer(RawHttpApplication.Request request, OutputStream out) throws IOException {
    if (requests.incrementAndGet() <= DRIPS) {
      if (RawHttpApplication.drip(out, DRIP_EVERY, DRIP_LIFE)) {
        dripsClosed.incrementAndGet();
      }
      return false;
    }
    request.json().getJsonArray("events").forEach(event -> events.add((JsonObject) event));
    RawHttpApplication.answer(out, 200, "{}");
    return true;
  }

  @Test
  void dripsAreCutAtTheDeadlineAndTheEventsArriveAfterThem() {
    try (ChatClient alice = NODE.connect()) {
      alice.send(new JsonObject().put("type", "join").put("name", "alice").put("room", "hooks-drip"));
      alice.expect(joined("hooks-drip", "alice"));
      Await.until(() -> events.stream().anyMatch(e -> "member.joined".equals(e.getString("type"))), WAIT,
        () -> "alice's join delivered after the drips (requests so far: " + requests.get() + ")");
    }
    Await.until(() -> dripsClosed.get() == DRIPS, WAIT,
      () -> "dripping deliveries closed by the node: " + dripsClosed.get() + " of " + DRIPS);
    assertEquals(List.of("room.occupied", "member.joined"),
      events.stream().limit(2).map(e -> e.getString("type")).toList());
  }
}

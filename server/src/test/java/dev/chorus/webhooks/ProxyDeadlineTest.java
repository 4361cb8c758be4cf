package dev.chorus.webhooks;

import dev.chorus.protocol.ChatError;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * proxy.timeoutMillis is a deadline for the whole exchange, not an idle time between bytes: against an
 * application on a raw socket that answers joins with a body dripped a byte every 100 ms and never finished,
 * the node resets each request when its time is up, so the application sees every dripping connection closed
 * and, after more drips than the node's pool has connections, the next join is admitted at once.
 */
@Timeout(60)
class ProxyDeadlineTest {

  private static final String SECRET = "proxy-secret-0123456789";
  /** The default: the drips never finish, and an allowed join has time to spare on a loaded machine. */
  private static final int TIMEOUT_MILLIS = 1000;
  /** Joins per client, one after the other. */
  private static final int DRIPS_EACH = 3;
  /** Clients joining at once: more dripping answers in all than the pool holds connections. */
  private static final int CLIENTS = HookClient.MAX_CONNECTIONS / DRIPS_EACH + 1;
  private static final Duration DRIP_EVERY = Duration.ofMillis(100);
  /** Longer than the test: a drip the node does not cut holds its connection throughout. */
  private static final Duration DRIP_LIFE = Duration.ofSeconds(60);
  /** How long a drip may go on after its deadline before the application sees its connection closed. */
  private static final Duration CLOSE_SLACK = Duration.ofSeconds(4);
  private static final AtomicInteger dripsClosed = new AtomicInteger();
  private static final AtomicLong longestDripMillis = new AtomicLong();
  private static RawHttpApplication application;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit().configure(env -> {
    application = RawHttpApplication.joinProxyFor(env, SECRET, TIMEOUT_MILLIS, ProxyDeadlineTest::answer);
  });

  @AfterAll
  static void stopApplication() throws IOException {
    if (application != null) {
      application.close();
    }
  }

  /** Joins of px:drip-... get a body that drips; others are allowed at once. */
  private static boolean answer(RawHttpApplication.Request request, OutputStream out) throws IOException {
    if (request.json().getString("room").startsWith("px:drip-")) {
      long start = System.nanoTime();
      if (RawHttpApplication.drip(out, DRIP_EVERY, DRIP_LIFE)) {
        longestDripMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
        dripsClosed.incrementAndGet();
      }
      return false;
    }
    RawHttpApplication.answer(out, 200, "{\"allow\":true}");
    return true;
  }

  private static JsonObject join(String name, String room) {
    return new JsonObject().put("type", "join").put("name", name).put("room", room);
  }

  @Test
  void dripsAreCutAtTheDeadlineSoTheNextJoinIsAdmitted() {
    // Given joins whose answers drip (more of them than the pool's connections), each told to try again later
    List<ChatClient> clients = new ArrayList<>();
    try {
      for (int c = 0; c < CLIENTS; c++) {
        ChatClient client = NODE.connect();
        clients.add(client);
        for (int i = 0; i < DRIPS_EACH; i++) {
          client.send(join("u" + c, "px:drip-" + c + "-" + i));
        }
      }
      for (int c = 0; c < CLIENTS; c++) {
        for (int i = 0; i < DRIPS_EACH; i++) {
          clients.get(c).expect(error(ChatError.TRY_AGAIN_LATER, "px:drip-" + c + "-" + i));
        }
      }
    } finally {
      clients.forEach(ChatClient::close);
    }
    // Then a join right after them is admitted: the drips do not hold the pool
    try (ChatClient alice = NODE.connect()) {
      alice.send(join("alice", "px:ok"));
      alice.expect(joined("px:ok", "alice"));
    }
    // And the application saw the node close each dripping connection soon after its deadline
    Await.until(() -> dripsClosed.get() > HookClient.MAX_CONNECTIONS, Duration.ofSeconds(10),
      () -> "dripping connections closed by the node: " + dripsClosed.get() + " (more than the pool's "
        + HookClient.MAX_CONNECTIONS + " expected)");
    assertTrue(longestDripMillis.get() < TIMEOUT_MILLIS + CLOSE_SLACK.toMillis(),
      "a drip went on for " + longestDripMillis.get() + " ms against a " + TIMEOUT_MILLIS + " ms deadline");
  }
}

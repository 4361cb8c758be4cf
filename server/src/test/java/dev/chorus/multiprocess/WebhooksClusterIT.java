package dev.chorus.multiprocess;

import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNode;
import dev.chorus.support.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks of a cluster of node processes to a receiver in the test process: each event once for the
 * whole cluster, members of a node killed with -9 reported as left, members of a node frozen past the
 * heartbeat timeout reported left and then joined again when it merges back, and events the cluster accepted
 * delivered by the next member when the delivering one is killed.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhooksClusterIT {

  private static final String SECRET = "webhook-secret-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static WebhookReceiver receiver;

  @RegisterExtension
  @Order(1)
  static final TestNode FIRST = TestNode.process("hooks-first").configure(env -> {
    receiver = new WebhookReceiver(SECRET);
    hooks(env);
  });
  @RegisterExtension
  @Order(2)
  static final TestNode SECOND = TestNode.process("hooks-second").configure(WebhooksClusterIT::hooks).joining(FIRST);

  private static void hooks(java.util.Map<String, String> env) {
    env.put("WEBHOOK_URL", receiver.url());
    env.put("WEBHOOK_SECRET", SECRET);
    // Generous: a batch the receiver took but answered after the timeout goes out again (at least once), and
    // these tests count each event once; a node's first delivery, cold, can take a second on a loaded machine.
    env.put("WEBHOOK_TIMEOUT_MILLIS", "5000");
  }

  @AfterAll
  static void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private static List<String> typesOf(String room) {
    return receiver.events().stream().filter(e -> room.equals(e.getString("room"))).map(e -> e.getString("type")).toList();
  }

  /** The last event about {@code name} in {@code room} the receiver accepted; null if none. */
  private static JsonObject last(String room, String name) {
    return receiver.events().stream().filter(e -> room.equals(e.getString("room")) && name.equals(e.getString("name")))
      .reduce((first, second) -> second).orElse(null);
  }

  /** Waits until the receiver has been asked (accepting or not) to take an event about {@code name}. */
  private static void awaitAttemptAbout(String name) {
    Await.until(() -> receiver.attempted().stream().anyMatch(body -> body.contains("\"" + name + "\"")), WAIT,
      "a delivery attempt of " + name + "'s event");
  }

  private static void awaitTypes(String room, List<String> types) {
    Await.until(() -> typesOf(room).equals(types), WAIT, () -> room + ": " + types + " (have " + typesOf(room) + ")");
  }

  @Test
  @Order(1)
  void eventsFromEveryNodeGoOutOnceForTheCluster() {
    try (ChatClient alice = FIRST.connect(); ChatClient bob = SECOND.connect()) {
      alice.send(new JsonObject().put("type", "join").put("name", "alice").put("room", "both"));
      alice.awaitJson(joined("both", "alice"));
      bob.send(new JsonObject().put("type", "join").put("name", "bob").put("room", "both"));
      bob.awaitJson(joined("both", "bob"));
      awaitTypes("both", List.of("room.occupied", "member.joined", "member.joined"));
      bob.close();
      awaitTypes("both", List.of("room.occupied", "member.joined", "member.joined", "member.left"));
    }
    awaitTypes("both", List.of("room.occupied", "member.joined", "member.joined", "member.left", "member.left",
      "room.vacated"));
    Set<String> ids = new HashSet<>();
    receiver.events().forEach(event -> assertTrue(ids.add(event.getString("id")), "delivered twice: " + event.encode()));
    assertEquals(0, receiver.badSignatures());
  }

  @Test
  @Order(3)
  void eventsTheClusterAcceptedSurviveTheDeliveringNodesDeathAndItsMembersLeave() throws Exception {
    // The receiver refuses everything: events wait in the cluster's log while the first (oldest) node retries.
    receiver.failNext(Integer.MAX_VALUE);
    ChatClient carol = SECOND.connect();
    ChatClient dave = FIRST.connect();
    try {
      carol.send(new JsonObject().put("type", "join").put("name", "carol").put("room", "survivor"));
      carol.awaitJson(joined("survivor", "carol"));
      // Events made at the same moment on two nodes may enter the log in either order: carol's go in first.
      awaitAttemptAbout("carol");
      dave.send(new JsonObject().put("type", "join").put("name", "dave").put("room", "survivor"));
      dave.awaitJson(joined("survivor", "dave"));
      awaitAttemptAbout("dave");
      FIRST.process().kill();
      FIRST.process().awaitExit(Duration.ofSeconds(30));
      receiver.failNext(0);
      // The second node is now the oldest: it delivers what the cluster had accepted, then dave's departure.
      awaitTypes("survivor", List.of("room.occupied", "member.joined", "member.joined", "member.left"));
      JsonObject left = receiver.events().stream().filter(e -> "survivor".equals(e.getString("room"))
        && "member.left".equals(e.getString("type"))).findFirst().orElseThrow();
      assertEquals("dave", left.getString("name"));
    } finally {
      carol.close();
      dave.close();
    }
    awaitTypes("survivor", List.of("room.occupied", "member.joined", "member.joined", "member.left", "member.left",
      "room.vacated"));
  }

  /** Before the kill below: with three nodes the frozen one is the smaller side, which merges into the larger. */
  @Test
  @Order(2)
  void aFrozenNodesMembersAreReportedLeftAndJoinedAgainWhenItMergesBack() {
    try (TestNode victim = TestNode.process("hooks-frozen-victim").configure(WebhooksClusterIT::hooks).joining(SECOND)
           .start();
         ChatClient erin = SECOND.connect(); ChatClient frank = victim.connect()) {
      erin.send(new JsonObject().put("type", "join").put("name", "erin").put("room", "thaw"));
      erin.awaitJson(joined("thaw", "erin"));
      frank.send(new JsonObject().put("type", "join").put("name", "frank").put("room", "thaw"));
      frank.awaitJson(joined("thaw", "frank"));
      awaitTypes("thaw", List.of("room.occupied", "member.joined", "member.joined"));

      // Frozen past the heartbeat timeout, the node is dropped and frank reported left. Its side, alone, may
      // take erin for departed too, and its own copy of the event log may repeat events meanwhile.
      victim.process().freeze();
      Await.until(() -> "member.left".equals(last("thaw", "frank").getString("type")), WAIT,
        "frank reported left after his node froze");
      long thawed = System.currentTimeMillis();
      victim.process().thaw();
      // Merged back, the node puts frank back into presence and reports him joined (a new event, made after the
      // thaw), and reports erin back if its side had reported her left: both are members again.
      Await.until(() -> {
        JsonObject frankLast = last("thaw", "frank");
        JsonObject erinLast = last("thaw", "erin");
        return "member.joined".equals(frankLast.getString("type")) && frankLast.getLong("ts") >= thawed
          && "member.joined".equals(erinLast.getString("type"));
      }, WAIT, () -> "frank and erin members again after the merge (have " + receiver.events() + ")");
      System.out.println("WebhooksClusterIT: after freeze, thaw and merge, room thaw's events: " + typesOf("thaw"));
      victim.process().kill();
    }
  }
}

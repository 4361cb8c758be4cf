package dev.chorus.browser;

import dev.chorus.support.Await;
import dev.chorus.support.BrowserPage;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client at GET / in headless Chromium against nodes running as separate processes: a message
 * typed on a page served by one node appears on a page served by another, rendered as text; a page whose
 * node is killed reconnects to a surviving node. Screenshots go to target/browser-screenshots/.
 * Skips when Debian's chromium and chromium-driver are not installed (.ci/run installs them).
 */
@Timeout(240)
@EnabledIf(value = "dev.chorus.support.BrowserPage#available",
  disabledReason = "browser test skipped: /usr/bin/chromium and /usr/bin/chromedriver are missing "
    + "(apt-get install -y chromium chromium-driver; .ci/run does)")
class BrowserClientIT {

  private static final String ADMIN_TOKEN = "browser-admin-token-0123456789";

  @RegisterExtension
  @Order(1)
  static final TestNode NODE_A = TestNode.process("browser-a").env("ADMIN_TOKEN", ADMIN_TOKEN);
  @RegisterExtension
  @Order(2)
  static final TestNode NODE_B = TestNode.process("browser-b").joining(NODE_A);

  @Test
  void messageTypedOnOneNodesPageAppearsOnAnotherNodesPageAsText() {
    try (BrowserPage ann = BrowserPage.open(pageUrl(NODE_A, "ann", ""), 412, 915);
         BrowserPage bob = BrowserPage.open(pageUrl(NODE_B, "bob", ""), 1100, 760)) {
      try {
        ann.awaitOnline();
        bob.awaitOnline();
        assertEquals(endpoint(NODE_A), ann.endpoint());
        assertEquals(endpoint(NODE_B), bob.endpoint());
        bob.await("bob sees himself present", d -> bob.presence().contains("bob"));

        ann.say("hello from node A");
        bob.awaitChat("hello from node A");
        String markup = "<b>bold</b> <img src=x onerror=\"document.title='pwned'\">";
        bob.say(markup);
        ann.awaitChat(markup);

        assertTrue(ann.findAll("#messages b, #messages img").isEmpty(), "markup from others must stay text");
        assertEquals("Chorus", ann.await("title", d -> d.getTitle()));
      } finally {
        ann.screenshot("cross-node-ann-on-A-phone");
        bob.screenshot("cross-node-bob-on-B");
      }
    }
  }

  @Test
  void pageWhoseNodeIsKilledReconnectsToASurvivingNode() {
    try (TestNode nodeC = TestNode.process("browser-c").joining(NODE_A).start()) {
      try (BrowserPage cat = BrowserPage.open(pageUrl(nodeC, "cat", endpoint(NODE_A)), 412, 915);
           BrowserPage dan = BrowserPage.open(pageUrl(NODE_A, "dan", ""), 1100, 760)) {
        try {
          cat.awaitOnline();
          dan.awaitOnline();
          cat.say("cat before the kill");
          dan.awaitChat("cat before the kill");

          nodeC.process().kill();
          nodeC.process().awaitExit(Duration.ofSeconds(30));

          cat.await("cat's page moved to node A", d -> endpoint(NODE_A).equals(cat.endpoint())
            && "online".equals(cat.find("state").getDomAttribute("data-state")));
          dan.say("dan after the kill");
          cat.awaitChat("dan after the kill");
          cat.say("cat is back");
          dan.awaitChat("cat is back");
        } finally {
          cat.screenshot("failover-cat-after-kill-phone");
          dan.screenshot("failover-dan-on-A");
        }
      }
    }
  }

  @Test
  void reconnectedPageShowsTheMessagesItMissedExactlyOnceInOrder() {
    try (TestNode nodeC = TestNode.process("browser-c2").joining(NODE_A).start()) {
      try (BrowserPage eve = BrowserPage.open(pageUrl(nodeC, "eve", endpoint(NODE_A)), 412, 915);
           BrowserPage fay = BrowserPage.open(pageUrl(NODE_A, "fay", ""), 1100, 760)) {
        try {
          eve.awaitOnline();
          fay.awaitOnline();
          fay.say("seen live");
          eve.awaitChat("seen live");

          // Given eve's node hangs, so nothing reaches her page, while fay writes three messages...
          nodeC.process().freeze();
          List<String> missed = List.of("missed one", "missed two", "missed three");
          missed.forEach(fay::say);
          missed.forEach(fay::awaitChat);
          // ...when the hung node dies, eve's page reconnects to node A and resumes after "seen live".
          nodeC.process().kill();
          nodeC.process().awaitExit(Duration.ofSeconds(30));

          eve.await("eve's page moved to node A", d -> endpoint(NODE_A).equals(eve.endpoint()));
          missed.forEach(eve::awaitChat);
          List<String> shown = eve.chatTexts();
          List<String> tail = shown.subList(shown.indexOf("seen live"), shown.size());
          assertEquals(List.of("seen live", "missed one", "missed two", "missed three"), tail,
            "every missed message once, in order");
        } finally {
          eve.screenshot("resume-eve-after-kill-phone");
          fay.screenshot("resume-fay-on-A");
        }
      }
    }
  }

  @Test
  void pageThatResumesIntoAResetHistoryShowsTheNewStream() {
    // Two separate clusters stand for one cluster before and after a full restart with the memory store:
    // the room's stream on the second has another epoch, and its seqs start again at 1.
    try (TestNode before = TestNode.process("browser-before").start();
         TestNode after = TestNode.process("browser-after").start();
         BrowserPage hal = BrowserPage.open(pageUrl(before, "hal", endpoint(after)), 412, 915);
         BrowserPage ivy = BrowserPage.open(pageUrl(after, "ivy", ""), 1100, 760)) {
      try {
        hal.awaitOnline();
        ivy.awaitOnline();
        List.of("one", "two", "three").forEach(text -> {
          hal.say(text);
          hal.awaitChat(text);
        });
        // The other stream goes past seq 3, so only the epoch tells the two apart.
        List<String> newStream = List.of("new one", "new two", "new three", "new four");
        newStream.forEach(text -> {
          ivy.say(text);
          ivy.awaitChat(text);
        });

        // When hal's cluster is gone, the page resumes after seq 3 of an epoch the other cluster never had...
        before.process().kill();
        before.process().awaitExit(Duration.ofSeconds(30));
        hal.await("hal's page moved", d -> endpoint(after).equals(hal.endpoint()));
        // ...so it is told the history was reset, and shows the new stream from its seq 1, then live.
        ivy.say("said after the reset");
        hal.awaitChat("said after the reset");
        List<String> shown = hal.chatTexts();
        assertEquals(List.of("one", "two", "three", "new one", "new two", "new three", "new four",
          "said after the reset"), shown.subList(shown.indexOf("one"), shown.size()));
        assertTrue(hal.findAll("#messages li.error").stream()
          .anyMatch(line -> line.getText().contains("The room's history was reset; seqs started again.")));
      } finally {
        hal.screenshot("reset-hal-after-restart-phone");
        ivy.screenshot("reset-ivy");
      }
    }
  }

  @Test
  void aDirectMessageIsShownAndADisconnectByTheServerIsFinal() {
    try (BrowserPage gus = BrowserPage.open(pageUrl(NODE_A, "gus", ""), 1100, 760)) {
      try {
        gus.awaitOnline();
        Http admin = NODE_A.http().header("Authorization", "Bearer " + ADMIN_TOKEN);
        assertEquals(202, admin.post("/api/users/gus/messages",
          "{\"sender\":\"ops\",\"message\":\"a note for gus\"}").status());
        gus.await("the direct message shown", d -> gus.findAll("#messages li.direct").stream()
          .anyMatch(line -> line.getText().contains("a note for gus")));
        assertEquals(200, admin.send("DELETE", "/api/users/gus/connections", null).status());
        gus.await("gus's page offline for good", d -> "offline".equals(gus.find("state").getDomAttribute("data-state")));
        assertTrue(gus.findAll("#messages li.error").stream()
          .anyMatch(line -> line.getText().contains("Disconnected by the server.")));
        // "offline" is the final state: the client stopped, no reconnect is scheduled.
        Await.until(() -> admin.get("/api/users/gus").status() == 404, Duration.ofSeconds(10), "gus gone");
      } finally {
        gus.screenshot("direct-and-disconnect-gus");
      }
    }
  }

  private static String endpoint(TestNode node) {
    return "127.0.0.1:" + node.port();
  }

  /** The client served by {@code node}, joining the lobby at once as {@code name}, failing over to {@code nodes}. */
  private static String pageUrl(TestNode node, String name, String nodes) {
    String url = "http://" + endpoint(node) + "/?join=1&room=lobby&name="
      + URLEncoder.encode(name, StandardCharsets.UTF_8);
    return nodes.isEmpty() ? url : url + "&nodes=" + URLEncoder.encode(nodes, StandardCharsets.UTF_8);
  }
}

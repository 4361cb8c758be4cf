package dev.chorus.browser;

import dev.chorus.support.Await;
import dev.chorus.support.BrowserPage;
import dev.chorus.support.FreePorts;
import dev.chorus.support.Http;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client at GET / in headless Chromium against nodes running as separate processes: a message
 * typed on a page served by one node appears on a page served by another, rendered as text; a page whose
 * node is killed reconnects to a surviving node that /api/cluster listed, and never to an endpoint a link
 * names. Every page runs under the Content-Security-Policy the nodes serve it with. Screenshots go to
 * target/browser-screenshots/. Skips when Debian's chromium and chromium-driver are not installed (.ci/run
 * installs them).
 */
@Timeout(240)
@EnabledIf(value = "dev.chorus.support.BrowserPage#available",
  disabledReason = "browser test skipped: /usr/bin/chromium and /usr/bin/chromedriver are missing "
    + "(apt-get install -y chromium chromium-driver; .ci/run does)")
class BrowserClientIT {

  private static final String ADMIN_TOKEN = "browser-admin-token-0123456789";
  private static final int PORT_A = FreePorts.next();
  /** The HTTP ports of the nodes whose pages fail over to node A. */
  private static final int PORT_C = FreePorts.next();
  private static final int PORT_C2 = FreePorts.next();

  /**
   * A page served by node C or C2 fails over to node A directly: a cross-origin upgrade, so node A lists their
   * origins with its own (docs/operations.md, Origin). Node B keeps the default: only its own origins.
   */
  @RegisterExtension
  @Order(1)
  static final TestNode NODE_A = TestNode.process("browser-a").env("ADMIN_TOKEN", ADMIN_TOKEN)
    .env("HTTP_PORT", String.valueOf(PORT_A))
    .env("ALLOWED_ORIGINS", Stream.of(PORT_A, PORT_C, PORT_C2).map(port -> "http://127.0.0.1:" + port)
      .collect(Collectors.joining(",")));
  @RegisterExtension
  @Order(2)
  static final TestNode NODE_B = TestNode.process("browser-b").joining(NODE_A);

  @Test
  void messageTypedOnOneNodesPageAppearsOnAnotherNodesPageAsText() {
    try (BrowserPage ann = BrowserPage.open(pageUrl(NODE_A, "ann"), 412, 915);
         BrowserPage bob = BrowserPage.open(pageUrl(NODE_B, "bob"), 1100, 760)) {
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
    try (TestNode nodeC = TestNode.process("browser-c").joining(NODE_A).env("HTTP_PORT", String.valueOf(PORT_C))
      .start()) {
      try (BrowserPage cat = BrowserPage.open(pageUrl(nodeC, "cat"), 412, 915);
           BrowserPage dan = BrowserPage.open(pageUrl(NODE_A, "dan"), 1100, 760)) {
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
    try (TestNode nodeC = TestNode.process("browser-c2").joining(NODE_A).env("HTTP_PORT", String.valueOf(PORT_C2))
      .start()) {
      try (BrowserPage eve = BrowserPage.open(pageUrl(nodeC, "eve"), 412, 915);
           BrowserPage fay = BrowserPage.open(pageUrl(NODE_A, "fay"), 1100, 760)) {
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
    // when the page's node is gone, a node of the other cluster takes over its address, and the room's
    // stream there has another epoch, its seqs starting again at 1.
    try (TestNode before = TestNode.process("browser-before").start();
         TestNode after = TestNode.process("browser-after").start();
         BrowserPage hal = BrowserPage.open(pageUrl(before, "hal"), 412, 915);
         BrowserPage ivy = BrowserPage.open(pageUrl(after, "ivy"), 1100, 760)) {
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

        // When hal's cluster is gone and the other one answers at its address, the page resumes after seq 3 of
        // an epoch the other cluster never had...
        before.process().kill();
        before.process().awaitExit(Duration.ofSeconds(30));
        hal.await("hal's page offline", d -> !"online".equals(hal.find("state").getDomAttribute("data-state")));
        try (TestNode successor = TestNode.process("browser-after-2").joining(after)
          .env("HTTP_PORT", String.valueOf(before.port())).start()) {
          hal.awaitOnline();
          // ...so it is told the history was reset, and shows the new stream from its seq 1, then live.
          ivy.say("said after the reset");
          hal.awaitChat("said after the reset");
          List<String> shown = hal.chatTexts();
          assertEquals(List.of("one", "two", "three", "new one", "new two", "new three", "new four",
            "said after the reset"), shown.subList(shown.indexOf("one"), shown.size()));
          assertTrue(hal.findAll("#messages li.error").stream()
            .anyMatch(line -> line.getText().contains("The room's history was reset; seqs started again.")));
        }
      } finally {
        hal.screenshot("reset-hal-after-restart-phone");
        ivy.screenshot("reset-ivy");
      }
    }
  }

  @Test
  void endpointsNamedInTheLinkAreNeverTried() throws IOException {
    // Given a listener standing for evil.example, and a node that refuses the page's upgrades (it allows
    // another origin only), so the page keeps reconnecting...
    try (ServerSocket evil = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         TestNode refusing = TestNode.process("browser-refusing").env("ALLOWED_ORIGINS", "https://elsewhere.example")
           .start()) {
      AtomicInteger reached = new AtomicInteger();
      Thread listener = new Thread(() -> {
        while (!evil.isClosed()) {
          try (Socket socket = evil.accept()) {
            reached.incrementAndGet();
          } catch (IOException closed) {
            return;
          }
        }
      }, "evil-listener");
      listener.setDaemon(true);
      listener.start();
      // ...when a link names that listener as another node...
      String link = pageUrl(refusing, "mal") + "&nodes=" + URLEncoder.encode("127.0.0.1:" + evil.getLocalPort()
        + ",evil.example:443", StandardCharsets.UTF_8);
      try (BrowserPage mal = BrowserPage.open(link, 1100, 760)) {
        try {
          // ...the page tries its own node again and again, and never the listener.
          Await.until(() -> refusedUpgrades(refusing) >= 3, Duration.ofSeconds(60), "three refused attempts");
          assertEquals(0, reached.get(), "connections to the endpoint the link named");
          assertEquals(endpoint(refusing), mal.endpoint());
        } finally {
          mal.screenshot("link-with-nodes-mal");
        }
      }
    }
  }

  @Test
  void aDirectMessageIsShownAndADisconnectByTheServerIsFinal() {
    try (BrowserPage gus = BrowserPage.open(pageUrl(NODE_A, "gus"), 1100, 760)) {
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

  /** The client served by {@code node}, joining the lobby at once as {@code name}. */
  private static String pageUrl(TestNode node, String name) {
    return "http://" + endpoint(node) + "/?join=1&room=lobby&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  /** The node's chorus_upgrades_refused_total for 403 (a foreign Origin), from its /metrics. */
  private static double refusedUpgrades(TestNode node) {
    String metrics = node.http().okBody("/metrics");
    return metrics == null ? 0 : metrics.lines()
      .filter(line -> line.startsWith("chorus_upgrades_refused_total{") && line.contains("status=\"403\""))
      .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}

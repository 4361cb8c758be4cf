package dev.chorus.browser;

import dev.chorus.support.BrowserPage;
import dev.chorus.support.NodeProcess;
import dev.chorus.support.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client at GET / in headless Chromium against nodes running as separate processes: a message
 * typed on a page served by one node appears on a page served by another, rendered as text; a page whose
 * node is killed reconnects to a surviving node. Screenshots go to target/browser-screenshots/.
 * Skips when Debian's chromium and chromium-driver are not installed (.ci/run installs them).
 */
@Timeout(240)
class BrowserClientIT {

  private static final Duration READY = Duration.ofSeconds(90);
  private static String cluster;
  private static NodeProcess nodeA;
  private static NodeProcess nodeB;

  @BeforeAll
  static void startTwoNodes() {
    Assumptions.assumeTrue(BrowserPage.available(),
      "browser test skipped: /usr/bin/chromium and /usr/bin/chromedriver are missing "
        + "(apt-get install -y chromium chromium-driver; .ci/run does)");
    cluster = TestNodes.uniqueClusterName();
    nodeA = NodeProcess.start("browser-a", TestNodes.environment(cluster, ""));
    nodeA.awaitReady(READY);
    nodeB = NodeProcess.start("browser-b", TestNodes.environment(cluster, nodeA.clusterAddress()));
    nodeB.awaitReady(READY);
  }

  @AfterAll
  static void stopNodes() {
    for (NodeProcess node : new NodeProcess[] {nodeA, nodeB}) {
      if (node != null) {
        node.close();
      }
    }
  }

  @Test
  void messageTypedOnOneNodesPageAppearsOnAnotherNodesPageAsText() {
    try (BrowserPage ann = BrowserPage.open(pageUrl(nodeA, "ann", ""), 412, 915);
         BrowserPage bob = BrowserPage.open(pageUrl(nodeB, "bob", ""), 1100, 760)) {
      try {
        ann.awaitOnline();
        bob.awaitOnline();
        assertEquals(endpoint(nodeA), ann.endpoint());
        assertEquals(endpoint(nodeB), bob.endpoint());
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
    try (NodeProcess nodeC = NodeProcess.start("browser-c", TestNodes.environment(cluster, nodeA.clusterAddress()))) {
      nodeC.awaitReady(READY);
      try (BrowserPage cat = BrowserPage.open(pageUrl(nodeC, "cat", endpoint(nodeA)), 412, 915);
           BrowserPage dan = BrowserPage.open(pageUrl(nodeA, "dan", ""), 1100, 760)) {
        try {
          cat.awaitOnline();
          dan.awaitOnline();
          cat.say("cat before the kill");
          dan.awaitChat("cat before the kill");

          nodeC.kill();
          nodeC.awaitExit(Duration.ofSeconds(30));

          cat.await("cat's page moved to node A", d -> endpoint(nodeA).equals(cat.endpoint())
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
    try (NodeProcess nodeC = NodeProcess.start("browser-c2", TestNodes.environment(cluster, nodeA.clusterAddress()))) {
      nodeC.awaitReady(READY);
      try (BrowserPage eve = BrowserPage.open(pageUrl(nodeC, "eve", endpoint(nodeA)), 412, 915);
           BrowserPage fay = BrowserPage.open(pageUrl(nodeA, "fay", ""), 1100, 760)) {
        try {
          eve.awaitOnline();
          fay.awaitOnline();
          fay.say("seen live");
          eve.awaitChat("seen live");

          // Given eve's node hangs, so nothing reaches her page, while fay writes three messages...
          nodeC.freeze();
          List<String> missed = List.of("missed one", "missed two", "missed three");
          missed.forEach(fay::say);
          missed.forEach(fay::awaitChat);
          // ...when the hung node dies, eve's page reconnects to node A and resumes after "seen live".
          nodeC.kill();
          nodeC.awaitExit(Duration.ofSeconds(30));

          eve.await("eve's page moved to node A", d -> endpoint(nodeA).equals(eve.endpoint()));
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

  private static String endpoint(NodeProcess node) {
    return "127.0.0.1:" + node.httpPort();
  }

  /** The client served by {@code node}, joining the lobby at once as {@code name}, failing over to {@code nodes}. */
  private static String pageUrl(NodeProcess node, String name, String nodes) {
    String url = "http://" + endpoint(node) + "/?join=1&room=lobby&name="
      + URLEncoder.encode(name, StandardCharsets.UTF_8);
    return nodes.isEmpty() ? url : url + "&nodes=" + URLEncoder.encode(nodes, StandardCharsets.UTF_8);
  }
}

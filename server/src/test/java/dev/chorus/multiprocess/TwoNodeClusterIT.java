package dev.chorus.multiprocess;

import dev.chorus.support.ChatClient;
import dev.chorus.support.NodeProcess;
import dev.chorus.support.TestNodes;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.status;

/**
 * Two nodes as separate JVMs started from the built jar, the second joining the first by CLUSTER_MEMBERS:
 * join, chat and leave on one node reach clients on the other, both ways.
 */
@Timeout(180)
class TwoNodeClusterIT {

  private static NodeProcess first;
  private static NodeProcess second;
  private static Vertx clients;

  @BeforeAll
  static void startCluster() {
    String cluster = TestNodes.uniqueClusterName();
    Map<String, String> firstEnv = TestNodes.environment(cluster, "");
    first = NodeProcess.start("first", firstEnv).awaitReady(Duration.ofSeconds(60));
    Map<String, String> secondEnv = TestNodes.environment(cluster, first.clusterAddress());
    second = NodeProcess.start("second", secondEnv).awaitReady(Duration.ofSeconds(60));
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() {
    if (clients != null) {
      clients.close().await();
    }
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  @Test
  void joinChatAndLeaveCrossFromFirstToSecond() {
    crossNodes(first, second, "alice");
  }

  @Test
  void joinChatAndLeaveCrossFromSecondToFirst() {
    crossNodes(second, first, "bob");
  }

  private void crossNodes(NodeProcess from, NodeProcess to, String name) {
    try (ChatClient listener = ChatClient.connect(clients, to.httpPort(), "/chat")) {
      ChatClient speaker = ChatClient.connect(clients, from.httpPort(), "/chat");
      speaker.join(name);
      listener.awaitJson(status(name + " joined the chat."));
      speaker.awaitJson(status(name + " joined the chat."));

      speaker.chat("hello from " + name);
      listener.awaitJson(chat(name, "hello from " + name));
      speaker.awaitJson(chat(name, "hello from " + name));

      listener.chat("not joined yet");
      listener.awaitJson(error("Invalid message format or not joined."));
      speaker.close();
      listener.awaitJson(status(name + " left the chat."));
    }
  }
}

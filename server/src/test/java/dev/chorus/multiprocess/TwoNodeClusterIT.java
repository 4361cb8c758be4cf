package dev.chorus.multiprocess;

import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.chorus.protocol.ChatError.INVALID_MESSAGE;
import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static dev.chorus.support.Json.left;

/**
 * Two nodes as separate JVMs started from the built jar, the second joining the first by CLUSTER_MEMBERS:
 * join, chat and leave on one node reach clients on the other, both ways.
 */
@Timeout(180)
class TwoNodeClusterIT {

  @RegisterExtension
  @Order(1)
  static final TestNode FIRST = TestNode.process("first");
  @RegisterExtension
  @Order(2)
  static final TestNode SECOND = TestNode.process("second").joining(FIRST);

  @Test
  void joinChatAndLeaveCrossFromFirstToSecond() {
    crossNodes(FIRST, SECOND, "alice");
  }

  @Test
  void joinChatAndLeaveCrossFromSecondToFirst() {
    crossNodes(SECOND, FIRST, "bob");
  }

  private void crossNodes(TestNode from, TestNode to, String name) {
    try (ChatClient listener = to.connect()) {
      ChatClient speaker = from.connect();
      speaker.join(name);
      listener.awaitJson(joined(name));
      speaker.awaitJson(joined(name));

      speaker.chat("hello from " + name);
      listener.awaitJson(chat(name, "hello from " + name));
      speaker.awaitJson(chat(name, "hello from " + name));

      listener.chat("not joined yet");
      listener.awaitJson(error(INVALID_MESSAGE));
      speaker.close();
      listener.awaitJson(left(name));
    }
  }
}

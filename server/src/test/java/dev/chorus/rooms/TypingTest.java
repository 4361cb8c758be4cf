package dev.chorus.rooms;

import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.joined;

/** Typing events cross nodes like chats, but not back to the sender. */
@Timeout(60)
class TypingTest {

  @RegisterExtension
  @Order(1)
  static final TestNode FIRST = TestNode.inProcess();
  @RegisterExtension
  @Order(2)
  static final TestNode SECOND = TestNode.inProcess().joining(FIRST);

  @Test
  void typingOnOneNodeReachesTheRoomsMembersOnTheOther() {
    try (ChatClient alice = FIRST.connect(); ChatClient bob = SECOND.connect()) {
      alice.send(new JsonObject().put("type", "join").put("name", "alice").put("room", "typing-room"));
      alice.awaitJson(joined("typing-room", "alice"));
      bob.send(new JsonObject().put("type", "join").put("name", "bob").put("room", "typing-room"));
      bob.awaitJson(joined("typing-room", "bob"));
      alice.awaitJson(joined("typing-room", "bob"));
      alice.send(new JsonObject().put("type", "typing").put("room", "typing-room"));
      // Alice's join notice may still be on its way to the second node when bob joins there (notices have no
      // seq and are not replayed): bob skips it if it comes.
      bob.awaitJson(new JsonObject().put("type", "typing").put("room", "typing-room").put("name", "alice"));
      alice.chat("typing-room", "done typing");
      // Her own typing never comes back: the chat is the next thing she gets.
      alice.expect(chat("typing-room", "alice", "done typing"));
      bob.expect(chat("typing-room", "alice", "done typing"));
    }
  }
}

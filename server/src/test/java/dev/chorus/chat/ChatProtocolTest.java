package dev.chorus.chat;

import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static dev.chorus.protocol.ChatError.ALREADY_JOINED;
import static dev.chorus.protocol.ChatError.INVALID_JSON;
import static dev.chorus.protocol.ChatError.INVALID_MESSAGE;
import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static dev.chorus.support.Json.left;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed article's chat protocol, message by message, on one node. */
@Timeout(60)
class ChatProtocolTest {

  /** A fresh node per test: leave notices of one test's clients must not reach the next test's. */
  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().perTest();

  /**
   * The seed's texts are a contract with its clients: held literally here, once; every other test takes
   * them from dev.chorus.protocol.
   */
  @Test
  void repliesAndNoticesCarryTheSeedsTexts() {
    assertEquals("Invalid JSON format.", ChatError.INVALID_JSON.text());
    assertEquals("Invalid message format or not joined.", ChatError.INVALID_MESSAGE.text());
    assertEquals("alice joined the chat.", ServerMessage.Status.joined(RoomName.LOBBY, "alice").message());
    assertEquals("alice left the chat.", ServerMessage.Status.left(RoomName.LOBBY, "alice").message());
  }

  @Test
  void joinIsAnnouncedToEveryoneIncludingTheJoiner() {
    try (ChatClient alice = NODE.connect(); ChatClient watcher = NODE.connect()) {
      alice.join("alice");
      alice.expect(joined("alice"));
      watcher.expect(joined("alice"));
    }
  }

  @Test
  void chatReachesEveryoneIncludingTheSender() {
    try (ChatClient alice = NODE.connect(); ChatClient bob = NODE.connect()) {
      alice.join("alice");
      alice.expect(joined("alice"));
      bob.expect(joined("alice"));
      alice.chat("hi");
      alice.expect(chat("alice", "hi"));
      bob.expect(chat("alice", "hi"));
    }
  }

  @Test
  void joinWithoutNameIsAnonymous() {
    try (ChatClient client = NODE.connect()) {
      client.sendText("{\"type\":\"join\"}");
      client.expect(joined("Anonymous"));
    }
  }

  @Test
  void chatWithoutMessageSendsEmptyText() {
    try (ChatClient client = NODE.connect()) {
      client.join("carol");
      client.expect(joined("carol"));
      client.sendText("{\"type\":\"chat\"}");
      client.expect(chat("carol", ""));
    }
  }

  @Test
  void chatBeforeJoinGetsErrorOnlyToTheSender() {
    try (ChatClient lurker = NODE.connect(); ChatClient bystander = NODE.connect()) {
      lurker.chat("hello?");
      lurker.expect(error(INVALID_MESSAGE));
      assertTrue(bystander.quietFor(Duration.ofMillis(300)), "the error went to someone else");
    }
  }

  @ParameterizedTest(name = "invalid JSON: {0}")
  @ValueSource(strings = {"not json", "{", "{\"type\":", "{\"type\":\"chat\",}", "'single'"})
  void invalidJsonGetsInvalidJsonError(String text) {
    try (ChatClient client = NODE.connect()) {
      client.sendText(text);
      client.expect(error(INVALID_JSON));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "unknown type            | {\"type\":\"dance\"}",
    "no type                 | {\"name\":\"alice\"}",
    "type not a string       | {\"type\":7}",
    "array                   | [1,2]",
    "string                  | \"join\"",
    "number                  | 42",
    "null                    | null",
    "name not a string       | {\"type\":\"join\",\"name\":42}",
    "name an object          | {\"type\":\"join\",\"name\":{\"x\":1}}",
    "name null               | {\"type\":\"join\",\"name\":null}"})
  void malformedMessageGetsInvalidMessageError(String description, String text) {
    try (ChatClient client = NODE.connect()) {
      client.sendText(text);
      client.expect(error(INVALID_MESSAGE));
    }
  }

  @Test
  void messageNotAStringAfterJoinGetsError() {
    try (ChatClient client = NODE.connect()) {
      client.join("dave");
      client.expect(joined("dave"));
      client.sendText("{\"type\":\"chat\",\"message\":{\"nested\":true}}");
      client.expect(error(INVALID_MESSAGE));
    }
  }

  @Test
  void secondJoinIsRefusedAndNameStays() {
    try (ChatClient client = NODE.connect()) {
      client.join("erin");
      client.expect(joined("erin"));
      client.join("mallory");
      client.expect(error(ALREADY_JOINED));
      client.chat("still me");
      client.expect(chat("erin", "still me"));
    }
  }

  @Test
  void leavingIsAnnouncedWhenAJoinedClientGoes() {
    try (ChatClient watcher = NODE.connect()) {
      ChatClient frank = NODE.connect();
      frank.join("frank");
      watcher.expect(joined("frank"));
      frank.close();
      watcher.expect(left("frank"));
    }
  }

  @Test
  void clientThatNeverJoinedLeavesSilently() {
    try (ChatClient watcher = NODE.connect()) {
      NODE.connect().close();
      watcher.assertQuietFor(Duration.ofMillis(300), "a message about a client that never joined");
    }
  }

  @Test
  void errorsDoNotDisturbOthers() {
    try (ChatClient alice = NODE.connect(); ChatClient noisy = NODE.connect()) {
      alice.join("alice2");
      alice.expect(joined("alice2"));
      noisy.expect(joined("alice2"));
      noisy.sendText("garbage");
      noisy.expect(error(INVALID_JSON));
      alice.chat("still here");
      alice.expect(chat("alice2", "still here"));
      noisy.expect(chat("alice2", "still here"));
    }
  }

  @Test
  void binaryMessageOnChatClosesWith1003() {
    try (ChatClient client = NODE.connect()) {
      client.sendBinary(Buffer.buffer("{\"type\":\"join\",\"name\":\"bin\"}"));
      assertEquals(1003, client.awaitClose(Duration.ofSeconds(10)));
    }
  }
}

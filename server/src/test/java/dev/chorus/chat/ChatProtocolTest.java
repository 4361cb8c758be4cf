package dev.chorus.chat;

import dev.chorus.ChorusNode;
import dev.chorus.support.ChatClient;
import dev.chorus.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed article's chat protocol, message by message, on one node. */
@Timeout(60)
class ChatProtocolTest {

  private static final String INVALID_JSON = "Invalid JSON format.";
  private static final String INVALID_MESSAGE = "Invalid message format or not joined.";

  private static Vertx clients;
  /** A fresh node per test: leave notices of one test's clients must not reach the next test's. */
  private ChorusNode node;

  @BeforeAll
  static void startClients() {
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stopClients() {
    clients.close().await();
  }

  @BeforeEach
  void startNode() {
    node = TestNodes.startAlone();
  }

  @AfterEach
  void stopNode() {
    TestNodes.stop(node);
  }

  private ChatClient connect() {
    return ChatClient.connect(clients, node.settings().http().port(), "/chat");
  }

  @Test
  void joinIsAnnouncedToEveryoneIncludingTheJoiner() {
    try (ChatClient alice = connect(); ChatClient watcher = connect()) {
      alice.join("alice");
      alice.expect(status("alice joined the chat."));
      watcher.expect(status("alice joined the chat."));
    }
  }

  @Test
  void chatReachesEveryoneIncludingTheSender() {
    try (ChatClient alice = connect(); ChatClient bob = connect()) {
      alice.join("alice");
      alice.expect(status("alice joined the chat."));
      bob.expect(status("alice joined the chat."));
      alice.chat("hi");
      alice.expect(chat("alice", "hi"));
      bob.expect(chat("alice", "hi"));
    }
  }

  @Test
  void joinWithoutNameIsAnonymous() {
    try (ChatClient client = connect()) {
      client.sendText("{\"type\":\"join\"}");
      client.expect(status("Anonymous joined the chat."));
    }
  }

  @Test
  void chatWithoutMessageSendsEmptyText() {
    try (ChatClient client = connect()) {
      client.join("carol");
      client.expect(status("carol joined the chat."));
      client.sendText("{\"type\":\"chat\"}");
      client.expect(chat("carol", ""));
    }
  }

  @Test
  void chatBeforeJoinGetsErrorOnlyToTheSender() {
    try (ChatClient lurker = connect(); ChatClient bystander = connect()) {
      lurker.chat("hello?");
      lurker.expect(error(INVALID_MESSAGE));
      assertTrue(bystander.quietFor(Duration.ofMillis(300)), "the error went to someone else");
    }
  }

  @ParameterizedTest(name = "invalid JSON: {0}")
  @ValueSource(strings = {"not json", "{", "{\"type\":", "{\"type\":\"chat\",}", "'single'"})
  void invalidJsonGetsInvalidJsonError(String text) {
    try (ChatClient client = connect()) {
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
    try (ChatClient client = connect()) {
      client.sendText(text);
      client.expect(error(INVALID_MESSAGE));
    }
  }

  @Test
  void messageNotAStringAfterJoinGetsError() {
    try (ChatClient client = connect()) {
      client.join("dave");
      client.expect(status("dave joined the chat."));
      client.sendText("{\"type\":\"chat\",\"message\":{\"nested\":true}}");
      client.expect(error(INVALID_MESSAGE));
    }
  }

  @Test
  void secondJoinIsRefusedAndNameStays() {
    try (ChatClient client = connect()) {
      client.join("erin");
      client.expect(status("erin joined the chat."));
      client.join("mallory");
      client.expect(error("Already joined."));
      client.chat("still me");
      client.expect(chat("erin", "still me"));
    }
  }

  @Test
  void leavingIsAnnouncedWhenAJoinedClientGoes() {
    try (ChatClient watcher = connect()) {
      ChatClient frank = connect();
      frank.join("frank");
      watcher.expect(status("frank joined the chat."));
      frank.close();
      watcher.expect(status("frank left the chat."));
    }
  }

  @Test
  void clientThatNeverJoinedLeavesSilently() {
    try (ChatClient watcher = connect()) {
      connect().close();
      watcher.assertQuietFor(Duration.ofMillis(300), "a message about a client that never joined");
    }
  }

  @Test
  void errorsDoNotDisturbOthers() {
    try (ChatClient alice = connect(); ChatClient noisy = connect()) {
      alice.join("alice2");
      alice.expect(status("alice2 joined the chat."));
      noisy.expect(status("alice2 joined the chat."));
      noisy.sendText("garbage");
      noisy.expect(error(INVALID_JSON));
      alice.chat("still here");
      alice.expect(chat("alice2", "still here"));
      noisy.expect(chat("alice2", "still here"));
    }
  }

  @Test
  void binaryMessageOnChatClosesWith1003() {
    try (ChatClient client = connect()) {
      client.sendBinary(Buffer.buffer("{\"type\":\"join\",\"name\":\"bin\"}"));
      assertEquals(1003, client.awaitClose(Duration.ofSeconds(10)));
    }
  }
}

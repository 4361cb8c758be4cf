package dev.chorus.robustness;

import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.CloseCode;
import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.chorus.support.RawWebSocket.concat;
import static dev.chorus.protocol.ChatError.ALREADY_JOINED;
import static dev.chorus.protocol.ChatError.INVALID_JSON;
import static dev.chorus.protocol.ChatError.INVALID_MESSAGE;
import static dev.chorus.protocol.ChatError.INVALID_NAME;
import static dev.chorus.protocol.ChatError.INVALID_ROOM;
import static dev.chorus.protocol.ChatError.MESSAGE_TOO_LONG;
import static dev.chorus.protocol.ChatError.NOT_IN_ROOM;
import static dev.chorus.protocol.ChatError.TOO_MANY_ROOMS;
import static dev.chorus.protocol.RoomName.LOBBY;
import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static dev.chorus.support.Json.left;
import static dev.chorus.support.RawWebSocket.BINARY;
import static dev.chorus.support.RawWebSocket.CLOSE;
import static dev.chorus.support.RawWebSocket.CONTINUATION;
import static dev.chorus.support.RawWebSocket.PING;
import static dev.chorus.support.RawWebSocket.PONG;
import static dev.chorus.support.RawWebSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every bad input gets its exact answer, and never costs anyone else a message: a bystander joined to the
 * same room receives a fresh chat line after each case, and the node's connection count returns to the
 * bystander and the speaker after each. One node for the class, with small limits so floods are quick.
 * <p>The room is the lobby: the bystander and the speaker join it with the seed's join (no room), the bad
 * clients that join do the same, and those that never join hear the lobby too (as the seed's clients do),
 * so every flood and every broken client shares the bystander's room.
 */
@Timeout(60)
class BadInputTest {

  private static final int MAX_ROOMS = 3;
  private static final int MAX_CHAT_CHARS = 30_000;
  private static final int MAX_MESSAGE_BYTES = 65_536;
  private static final int MAX_CONNECTIONS = 8;

  // Floods here must never be rate limited: RateLimitTest covers the rate limit with its own node.
  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().withoutRateLimit()
    .env("MAX_CONNECTIONS", String.valueOf(MAX_CONNECTIONS))
    .env("MAX_CHAT_CHARS", String.valueOf(MAX_CHAT_CHARS))
    .env("MAX_ROOMS_PER_CONNECTION", String.valueOf(MAX_ROOMS))
    .env("WRITE_QUEUE_MAX_BYTES", "65536")
    .env("SLOW_CONSUMER_TIMEOUT_MS", "1000")
    .env("PING_INTERVAL_SECONDS", "1")
    .env("IDLE_TIMEOUT_SECONDS", "3");

  private static ChatClient bystander;
  private static ChatClient speaker;
  private static final AtomicInteger checks = new AtomicInteger();

  @BeforeAll
  static void joinBystanderAndSpeaker() {
    bystander = NODE.connect();
    speaker = NODE.connect();
    bystander.join("bystander");
    speaker.join("speaker");
    speaker.awaitJson(joined(LOBBY, "bystander"));
    bystander.awaitJson(joined(LOBBY, "speaker"));
    assertEquals(List.of("bystander", "speaker"), who(bystander, LOBBY));
  }

  /** The room's members, cluster-wide, as {@code client} is told. */
  private static List<Object> who(ChatClient client, String room) {
    client.send(new JsonObject().put("type", "who").put("room", room));
    return client.awaitJson(new JsonObject().put("type", "presence").put("room", room)).getJsonArray("members")
      .getList();
  }

  @AfterAll
  static void closeBystanderAndSpeaker() {
    if (bystander != null) {
      bystander.close();
      speaker.close();
    }
  }

  /** After every case: the bystander still gets a new line, and only the two fixtures stay connected. */
  @AfterEach
  void bystanderKeepsReceiving() {
    String line = "check-" + checks.incrementAndGet();
    speaker.chat(line);
    bystander.awaitJson(chat(LOBBY, "speaker", line));
    Await.until(() -> NODE.node().upgrades().openConnections() == 2, Duration.ofSeconds(15),
      "connection count back to 2 (is " + NODE.node().upgrades().openConnections() + ")");
    Await.until(() -> openChatSocketsMetric() == 2, Duration.ofSeconds(5),
      "chorus_connections{endpoint=chat} back to 2 (is " + openChatSocketsMetric() + ")");
  }

  /** chorus_connections{endpoint="chat"}: counted with the node's connection count, at open and at close. */
  private static double openChatSocketsMetric() {
    Gauge gauge = NODE.node().metrics().registry().find("chorus.connections").tag("endpoint", "chat").gauge();
    return gauge == null ? 0 : gauge.value();
  }

  /** A counter of the node's metrics, 0 before its first increment. */
  private static double counted(String name, String... tags) {
    Counter counter = NODE.node().metrics().registry().find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  // ---------------------------------------------------------------- handshakes

  static Stream<Arguments> handshakes() {
    // The test replaces %PORT% with the node's port.
    String key = "Sec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n";
    String base = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    return Stream.of(
      arguments("no Sec-WebSocket-Key", base + "Sec-WebSocket-Version: 13\r\n\r\n", 400),
      arguments("no Sec-WebSocket-Version", base + key + "\r\n", 400),
      arguments("key not 16 bytes", base + "Sec-WebSocket-Key: abc\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
      arguments("unsupported version", base + key + "Sec-WebSocket-Version: 99\r\n\r\n", 426),
      arguments("no Connection: Upgrade", base.replace("Connection: Upgrade\r\n", "") + key
        + "Sec-WebSocket-Version: 13\r\n\r\n", 400),
      arguments("unknown path", base.replace("/chat", "/nope") + key + "Sec-WebSocket-Version: 13\r\n\r\n", 404),
      arguments("foreign Origin", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: https://evil.example\r\n\r\n", 403),
      arguments("Origin with a path-less garbage value", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: null\r\n\r\n", 403),
      arguments("localhost Origin on another port", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost:3000\r\n\r\n", 403),
      arguments("localhost Origin on the node's port", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost:%PORT%\r\n\r\n", 101),
      arguments("same Origin", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:%PORT%\r\n\r\n", 101),
      arguments("not HTTP", "HELLO THERE\r\n\r\n", 400));
  }

  @ParameterizedTest(name = "handshake: {0} -> {2}")
  @MethodSource("handshakes")
  void malformedHandshakeGetsExactStatus(String description, String request, int expected) {
    try (RawWebSocket raw = RawWebSocket.open(NODE.port())) {
      assertEquals(expected, raw.handshake(request.replace("%PORT%", String.valueOf(NODE.port()))));
    }
  }

  @Test
  void upgradeBeyondConnectionLimitGets503() {
    List<ChatClient> extra = new ArrayList<>();
    try {
      for (int i = 2; i < MAX_CONNECTIONS; i++) {
        extra.add(NODE.connect());
      }
      Await.until(() -> NODE.node().upgrades().openConnections() == MAX_CONNECTIONS, Duration.ofSeconds(10),
        "all open");
      try (RawWebSocket raw = RawWebSocket.open(NODE.port())) {
        assertEquals(503, raw.handshake(RawWebSocket.upgradeRequest(NODE.port(), "/chat", "")));
      }
    } finally {
      extra.forEach(ChatClient::close);
    }
  }

  // ---------------------------------------------------------------- frames

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static byte[] frame(int opcode, boolean fin, byte[] payload) {
    return RawWebSocket.frame(opcode, fin, 0, true, payload, new java.util.Random());
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> badFrames() {
    java.util.Random random = new java.util.Random();
    byte[] hugeHeader = bytes(0x81, 0xFF, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4); // text, masked, 1 MiB claimed
    byte[] half = new byte[40_000];
    Arrays.fill(half, (byte) 'a');
    return Stream.of(
      arguments("reserved data opcode 0x3", frame(0x3, true, text("x")), 1002),
      arguments("reserved control opcode 0xB", frame(0xB, true, new byte[0]), 1002),
      arguments("RSV1 without an extension", RawWebSocket.frame(TEXT, true, 4, true, text("{}"), random), 1002),
      arguments("RSV3 on a ping", RawWebSocket.frame(PING, true, 1, true, new byte[0], random), 1002),
      arguments("unmasked client frame", RawWebSocket.frame(TEXT, true, 0, false, text("{}"), random), 1002),
      arguments("fragmented ping", frame(PING, false, text("p")), 1002),
      arguments("ping with 126-byte payload", frame(PING, true, new byte[126]), 1002),
      arguments("continuation without a start", frame(CONTINUATION, true, text("x")), 1002),
      arguments("new text frame inside a fragmented message",
        concat(frame(TEXT, false, text("{\"ty")), frame(TEXT, true, text("pe\"}"))), 1002),
      arguments("close with status 999", frame(CLOSE, true, bytes(0x03, 0xE7)), 1002),
      arguments("close with a 1-byte body", frame(CLOSE, true, bytes(0x03)), 1002),
      arguments("invalid UTF-8 (C3 28)", frame(TEXT, true, bytes(0xC3, 0x28)), 1007),
      arguments("UTF-8 surrogate (ED A0 80)", frame(TEXT, true, bytes(0x22, 0xED, 0xA0, 0x80, 0x22)), 1007),
      arguments("overlong UTF-8 (C0 AF)", frame(TEXT, true, bytes(0xC0, 0xAF)), 1007),
      arguments("UTF-8 broken across fragments",
        concat(frame(TEXT, false, bytes(0x61, 0xE2, 0x82)), frame(CONTINUATION, true, bytes(0x28))), 1007),
      arguments("text message ending mid-character", frame(TEXT, true, bytes(0x61, 0xE2, 0x82)), 1007),
      arguments("frame header claiming 1 MiB", hugeHeader, 1009),
      arguments("message over the limit in small fragments",
        concat(frame(TEXT, false, half), frame(CONTINUATION, true, half)), 1009),
      arguments("binary message on /chat", frame(BINARY, true, text("{\"type\":\"join\"}")), 1003),
      arguments("client close 1000 is echoed", frame(CLOSE, true, bytes(0x03, 0xE8)), 1000));
  }

  @ParameterizedTest(name = "frame: {0} -> close {2}")
  @MethodSource("badFrames")
  void badFrameGetsExactCloseCode(String description, byte[] frames, int expected) {
    String kind = switch (expected) {
      case 1002 -> CloseCode.PROTOCOL_ERROR.metricKind();
      case 1003 -> CloseCode.UNSUPPORTED_DATA.metricKind();
      case 1007 -> CloseCode.INVALID_PAYLOAD.metricKind();
      case 1009 -> CloseCode.MESSAGE_TOO_BIG.metricKind();
      default -> null;
    };
    double before = kind == null ? 0 : counted("chorus.errors", "kind", kind);
    try (RawWebSocket raw = NODE.raw("/chat")) {
      raw.send(frames);
      assertEquals(expected, raw.awaitCloseCode());
    }
    if (kind != null) {
      Await.until(() -> counted("chorus.errors", "kind", kind) == before + 1, Duration.ofSeconds(5),
        "chorus_errors_total{kind=" + kind + "} up by one (is " + counted("chorus.errors", "kind", kind) + ")");
    }
  }

  @Test
  void pingIsAnsweredWithPongCarryingItsPayload() {
    try (RawWebSocket raw = NODE.raw("/chat")) {
      raw.sendFrame(PING, true, text("are you there"));
      RawWebSocket.Frame frame;
      do {
        frame = raw.readFrame();
        assertNotNull(frame, "connection ended");
      } while (frame.opcode() != PONG);
      assertArrayEquals(text("are you there"), frame.payload());
    }
  }

  // ---------------------------------------------------------------- JSON

  static Stream<Arguments> badJson() {
    return Stream.of(
      arguments("not JSON", "hello", INVALID_JSON),
      arguments("1000 nested arrays", "[".repeat(1000) + "]".repeat(1000), INVALID_JSON),
      arguments("500 nested objects", "{\"a\":".repeat(500) + "1" + "}".repeat(500), INVALID_JSON),
      arguments("17 nested arrays in a field", "{\"type\":\"join\",\"x\":" + "[".repeat(17) + "]".repeat(17) + "}",
        INVALID_JSON),
      arguments("number of 1000 digits", "{\"type\":\"join\",\"n\":" + "9".repeat(1000) + "}", INVALID_JSON),
      arguments("trailing garbage after the object", "{\"type\":\"join\"} x", INVALID_JSON),
      arguments("name a number", "{\"type\":\"join\",\"name\":42}", INVALID_MESSAGE),
      arguments("name an array", "{\"type\":\"join\",\"name\":[\"a\"]}", INVALID_MESSAGE),
      arguments("type null", "{\"type\":null}", INVALID_MESSAGE),
      arguments("type an array", "{\"type\":[\"join\"]}", INVALID_MESSAGE),
      arguments("null document", "null", INVALID_MESSAGE),
      arguments("top-level array", "[{\"type\":\"join\"}]", INVALID_MESSAGE),
      arguments("auth without JWT enabled", "{\"type\":\"auth\",\"token\":\"x.y.z\"}", INVALID_MESSAGE),
      arguments("empty name", "{\"type\":\"join\",\"name\":\"\"}", INVALID_NAME),
      arguments("blank name", "{\"type\":\"join\",\"name\":\"   \"}", INVALID_NAME),
      arguments("33-character name", "{\"type\":\"join\",\"name\":\"" + "n".repeat(33) + "\"}", INVALID_NAME),
      arguments("BEL in name", "{\"type\":\"join\",\"name\":\"al\\u0007ice\"}", INVALID_NAME),
      arguments("newline in name", "{\"type\":\"join\",\"name\":\"alice\\nbob joined the chat.\"}", INVALID_NAME),
      arguments("DEL in name", "{\"type\":\"join\",\"name\":\"al\\u007fice\"}", INVALID_NAME),
      arguments("line separator in name", "{\"type\":\"join\",\"name\":\"al\\u2028ice\"}", INVALID_NAME),
      arguments("room with a space", "{\"type\":\"join\",\"name\":\"a\",\"room\":\"dev room\"}", INVALID_ROOM),
      arguments("65-character room", "{\"type\":\"join\",\"name\":\"a\",\"room\":\"" + "r".repeat(65) + "\"}",
        INVALID_ROOM),
      arguments("empty room", "{\"type\":\"join\",\"name\":\"a\",\"room\":\"\"}", INVALID_ROOM),
      arguments("room a number", "{\"type\":\"join\",\"name\":\"a\",\"room\":7}", INVALID_MESSAGE),
      arguments("since negative", "{\"type\":\"join\",\"name\":\"a\",\"since\":-1}", INVALID_MESSAGE),
      arguments("since a fraction", "{\"type\":\"join\",\"name\":\"a\",\"since\":1.5}", INVALID_MESSAGE),
      arguments("since beyond a long", "{\"type\":\"join\",\"name\":\"a\",\"since\":99999999999999999999}",
        INVALID_MESSAGE),
      arguments("leave before any join", "{\"type\":\"leave\"}", INVALID_MESSAGE));
  }

  @ParameterizedTest(name = "json: {0} -> {2}")
  @MethodSource("badJson")
  void badJsonGetsExactErrorReplyQuickly(String description, String text, ChatError expected) {
    try (ChatClient client = NODE.connect()) {
      long started = System.nanoTime();
      client.sendText(text);
      client.awaitJson(error(expected));
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos(), "answer took too long");
    }
  }

  @Test
  void wrongTypesAfterJoinGetErrorReply() {
    try (ChatClient client = NODE.connect()) {
      client.join("typist");
      client.awaitJson(joined("typist"));
      client.sendText("{\"type\":\"chat\",\"message\":{\"nested\":true}}");
      client.awaitJson(error(INVALID_MESSAGE));
      client.sendText("{\"type\":\"chat\",\"message\":null}");
      client.awaitJson(error(INVALID_MESSAGE));
      client.sendText("{\"type\":\"chat\",\"message\":12}");
      client.awaitJson(error(INVALID_MESSAGE));
    }
  }

  @Test
  void thirtyTwoCharacterNameIsAccepted() {
    String name = "\uD83D\uDE00" + "n".repeat(31); // an emoji counts as one character
    try (ChatClient client = NODE.connect()) {
      client.join(name);
      client.awaitJson(joined(name));
    }
  }

  @Test
  void chatOverTheLengthLimitGetsErrorAndAtTheLimitIsDelivered() {
    try (ChatClient client = NODE.connect()) {
      client.join("writer");
      client.awaitJson(joined("writer"));
      client.chat("x".repeat(MAX_CHAT_CHARS + 1));
      client.awaitJson(error(MESSAGE_TOO_LONG));
      String atLimit = "y".repeat(MAX_CHAT_CHARS);
      client.chat(atLimit);
      client.awaitJson(chat("writer", atLimit));
      bystander.awaitJson(chat("writer", atLimit));
    }
  }

  // ---------------------------------------------------------------- rooms

  @Test
  void joinBeyondTheRoomLimitGetsErrorUntilARoomIsLeft() {
    try (ChatClient client = NODE.connect()) {
      for (int i = 1; i <= MAX_ROOMS; i++) {
        client.join("roamer", "limit-" + i);
        client.awaitJson(joined("limit-" + i, "roamer"));
      }
      client.join("roamer", "limit-extra");
      client.awaitJson(error(TOO_MANY_ROOMS, "limit-extra"));
      client.chat("limit-extra", "not in it");
      client.awaitJson(error(NOT_IN_ROOM, "limit-extra"));
      client.send(new JsonObject().put("type", "leave").put("room", "limit-1"));
      client.awaitJson(left("limit-1", "roamer"));
      client.join("roamer", "limit-extra");
      client.awaitJson(joined("limit-extra", "roamer"));
    }
  }

  @Test
  void laterJoinsKeepTheFirstNameButMustPassTheNameRules() {
    try (ChatClient client = NODE.connect()) {
      client.join("first-name", "names-a");
      client.awaitJson(joined("names-a", "first-name"));
      client.join("bad\nname", "names-b");
      client.awaitJson(error(INVALID_NAME));
      client.join("second-name", "names-b");
      client.awaitJson(joined("names-b", "first-name"));
      assertEquals(List.of("first-name"), who(client, "names-b"));
    }
  }

  @Test
  void chatAndLeaveNamingARoomNotJoinedGetNotInRoom() {
    try (ChatClient client = NODE.connect()) {
      client.join("visitor", "here");
      client.awaitJson(joined("here", "visitor"));
      client.chat("elsewhere", "hello?");
      client.awaitJson(error(NOT_IN_ROOM, "elsewhere"));
      client.send(new JsonObject().put("type", "leave").put("room", "elsewhere"));
      client.awaitJson(error(NOT_IN_ROOM, "elsewhere"));
      client.join("visitor", "here");
      client.awaitJson(error(ALREADY_JOINED, "here"));
    }
  }

  // ---------------------------------------------------------------- floods

  @Test
  void clientThatNeverReadsIsClosedWhileTheBystanderKeepsReceiving() {
    double before = counted("chorus.slow.client.disconnects");
    List<ChatClient> flooders = new ArrayList<>();
    try (RawWebSocket slow = NODE.raw("/chat")) {
      slow.sendText("{\"type\":\"join\",\"name\":\"slow\"}");
      Await.until(() -> who(bystander, LOBBY).contains("slow"), Duration.ofSeconds(10), "slow client in the lobby");
      // Two flooders take turns; the slow client never reads from here on.
      for (int i = 0; i < 2; i++) {
        ChatClient flooder = NODE.connect();
        flooder.join("flooder-" + i);
        flooder.awaitJson(joined("flooder-" + i));
        flooders.add(flooder);
      }
      String big = "z".repeat(MAX_CHAT_CHARS - 10);
      int sent = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (counted("chorus.slow.client.disconnects") == before) {
        assertTrue(System.nanoTime() < deadline, "slow client not closed after " + sent + " lines");
        int turn = sent % flooders.size();
        String line = big + (sent++);
        flooders.get(turn).chat(line);
        bystander.awaitJson(chat("flooder-" + turn, line));
      }
      slow.awaitEof(Duration.ofSeconds(10));
    } finally {
      flooders.forEach(ChatClient::close);
    }
    assertEquals(before + 1, counted("chorus.slow.client.disconnects"), "chorus_slow_client_disconnects_total");
    Await.until(() -> who(bystander, LOBBY).equals(List.of("bystander", "speaker")), Duration.ofSeconds(10),
      "the slow client and the flooders gone from the lobby's presence");
  }

  @Test
  void silentClientIsPingedThenClosedAfterTheIdleTimeout() {
    try (RawWebSocket raw = NODE.raw("/chat")) {
      RawWebSocket.Frame frame;
      do {
        frame = raw.readFrame();
        assertNotNull(frame, "connection ended before a ping");
      } while (frame.opcode() != PING);
      assertEquals(1001, raw.awaitCloseCode());
    }
  }

  @Test
  void clientAnsweringPingsOutlivesTheIdleTimeout() {
    try (ChatClient quiet = NODE.connect()) {
      assertTrue(quiet.quietFor(Duration.ofSeconds(4)));
      assertTrue(!quiet.isClosed(), "a client that answers pings was closed");
    }
  }

  @Test
  void binaryMessageOnChatViaClientCloses1003() {
    try (ChatClient client = NODE.connect()) {
      client.sendBinary(Buffer.buffer(new byte[]{1, 2, 3}));
      assertEquals(1003, client.awaitClose(Duration.ofSeconds(10)));
    }
  }
}

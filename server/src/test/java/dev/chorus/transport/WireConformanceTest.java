package dev.chorus.transport;

import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.chorus.support.RawWebSocket.BINARY;
import static dev.chorus.support.RawWebSocket.CLOSE;
import static dev.chorus.support.RawWebSocket.CONTINUATION;
import static dev.chorus.support.RawWebSocket.PING;
import static dev.chorus.support.RawWebSocket.PONG;
import static dev.chorus.support.RawWebSocket.TEXT;
import static dev.chorus.support.RawWebSocket.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * RFC 6455 on raw frames (no WebSocket library on the client side), one case per rule, against a node with
 * the default 64 KiB message limit. The close contract: for every close the server starts, exactly one Close
 * frame with the code of its class, nothing after it, and the TCP connection gone within 2 s.
 * The Autobahn|Testsuite run these guard in CI is described in docs/conformance.md.
 */
@Timeout(60)
class WireConformanceTest {

  private static final int LIMIT = 65_536;
  private static final Duration TCP_GONE = Duration.ofSeconds(2);
  private static final Random RANDOM = new Random(6455);

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess();

  static Stream<Arguments> violations() {
    byte[] tooLongControl = new byte[126];
    return Stream.of(
      arguments("RSV1 set without an extension", frame(TEXT, true, 4, text("a")), 1002),
      arguments("RSV3 set on a binary frame", frame(BINARY, true, 1, text("a")), 1002),
      arguments("reserved data opcode 3", frame(3, true, 0, text("a")), 1002),
      arguments("reserved control opcode 0xB", frame(0xB, true, 0, new byte[0]), 1002),
      arguments("unmasked client frame", RawWebSocket.frame(TEXT, true, 0, false, text("a"), RANDOM), 1002),
      arguments("fragmented ping", frame(PING, false, 0, text("a")), 1002),
      arguments("ping over 125 bytes", frame(PING, true, 0, tooLongControl), 1002),
      arguments("continuation without a start", frame(CONTINUATION, true, 0, text("a")), 1002),
      arguments("new text inside a fragmented message",
        concat(frame(TEXT, false, 0, text("a")), frame(TEXT, true, 0, text("b"))), 1002),
      arguments("close with a one-byte body", frame(CLOSE, true, 0, bytes(0x03)), 1002),
      arguments("close with code 999", frame(CLOSE, true, 0, bytes(0x03, 0xE7)), 1002),
      arguments("close with reserved code 1005", frame(CLOSE, true, 0, bytes(0x03, 0xED)), 1002),
      arguments("invalid UTF-8 in one frame", frame(TEXT, true, 0, bytes(0x61, 0xC0, 0xAF)), 1007),
      arguments("a surrogate encoded in UTF-8", frame(TEXT, true, 0, bytes(0xED, 0xA0, 0x80)), 1007),
      arguments("invalid UTF-8 in a later fragment",
        concat(frame(TEXT, false, 0, bytes(0x61, 0xE2, 0x82)), frame(CONTINUATION, true, 0, bytes(0x28))), 1007),
      arguments("invalid UTF-8 after an empty first fragment",
        concat(frame(TEXT, false, 0, new byte[0]), frame(CONTINUATION, true, 0, bytes(0xFF))), 1007),
      arguments("text ending mid-character", frame(TEXT, true, 0, bytes(0x61, 0xE2, 0x82)), 1007),
      arguments("close reason that is not UTF-8", frame(CLOSE, true, 0, bytes(0x03, 0xE8, 0xFF)), 1007),
      arguments("one frame over the limit", frame(BINARY, true, 0, new byte[LIMIT + 1]), 1009),
      arguments("a message over the limit in fragments",
        concat(frame(TEXT, false, 0, new byte[LIMIT / 2]), frame(CONTINUATION, false, 0, new byte[LIMIT / 2]),
          frame(CONTINUATION, true, 0, text("a"))), 1009));
  }

  @ParameterizedTest(name = "{0} -> one close {2}")
  @MethodSource("violations")
  void violationGetsOneCloseThenTcpGone(String description, byte[] frames, int expected) {
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(frames);
      raw.assertOneCloseThenEof(expected, TCP_GONE);
    }
  }

  @Test
  void clientThatNeverAnswersTheCloseLosesTcpAfterTheLinger() {
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(frame(TEXT, true, 4, text("a")));
      List<RawWebSocket.Frame> frames = raw.framesUntilEof(TCP_GONE);
      assertEquals(1, frames.size(), "exactly one frame, a Close: " + frames);
      assertEquals(1002, frames.get(0).closeCode());
    }
  }

  @Test
  void deflateOfferIsDeclinedWhileTheSettingIsOff() {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(NODE.port(), "/echo", "permessage-deflate; client_no_context_takeover")) {
      assertNull(raw.extensions(), "server.perMessageDeflate is off by default: no extension");
      raw.send(frame(TEXT, true, 4, text("a")));
      raw.assertOneCloseThenEof(1002, TCP_GONE);
    }
  }

  @Test
  void binaryOnChatGetsOneClose1003() {
    try (RawWebSocket raw = NODE.raw("/chat")) {
      raw.send(frame(BINARY, true, 0, text("{\"type\":\"join\"}")));
      raw.assertOneCloseThenEof(1003, TCP_GONE);
    }
  }

  @Test
  void dataSentAfterTheServersCloseIsNeitherEchoedNorAnswered() {
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(concat(frame(TEXT, false, 0, new byte[LIMIT]), frame(CONTINUATION, true, 0, text("x"))));
      RawWebSocket.Frame close = raw.readFrame();
      assertNotNull(close, "a Close frame");
      assertEquals(1009, close.closeCode());
      raw.send(concat(frame(TEXT, true, 0, text("still there?")), frame(PING, true, 0, text("p"))));
      assertEquals(List.of(), raw.framesUntilEof(TCP_GONE), "nothing after the Close");
    }
  }

  @Test
  void clientsCloseIsAnsweredOnceWithItsCodeThenTcpClosed() {
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(frame(CLOSE, true, 0, concat(bytes(0x0F, 0xA0), text("bye")))); // 4000
      List<RawWebSocket.Frame> frames = raw.framesUntilEof(TCP_GONE);
      assertEquals(1, frames.size(), "one Close: " + frames);
      assertEquals(4000, frames.get(0).closeCode());
    }
  }

  @Test
  void emptyCloseIsAnsweredWithAnEmptyClose() {
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(frame(CLOSE, true, 0, new byte[0]));
      List<RawWebSocket.Frame> frames = raw.framesUntilEof(TCP_GONE);
      assertEquals(1, frames.size(), "one Close: " + frames);
      assertEquals(CLOSE, frames.get(0).opcode());
      assertEquals(0, frames.get(0).payload().length, "no status code in the answer");
    }
  }

  @Test
  void emptyFirstFragmentThenContinuationsIsEchoedAndLaterMessagesToo() {
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(concat(frame(TEXT, false, 0, new byte[0]), frame(CONTINUATION, false, 0, text("hel")),
        frame(CONTINUATION, true, 0, text("lo"))));
      assertEcho(raw, TEXT, text("hello"));
      raw.send(concat(frame(BINARY, false, 0, new byte[0]), frame(CONTINUATION, true, 0, bytes(1, 2, 3))));
      assertEcho(raw, BINARY, bytes(1, 2, 3));
      for (int i = 0; i < 3; i++) {
        raw.send(frame(TEXT, true, 0, text("later " + i)));
        assertEcho(raw, TEXT, text("later " + i));
        raw.send(concat(frame(TEXT, false, 0, new byte[0]), frame(CONTINUATION, true, 0, text("again " + i))));
        assertEcho(raw, TEXT, text("again " + i));
      }
    }
  }

  @Test
  void emptyFragmentsAnywhereAndAnEmptyMessageAreEchoed() {
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(concat(frame(TEXT, false, 0, text("a")), frame(CONTINUATION, false, 0, new byte[0]),
        frame(CONTINUATION, false, 0, text("b")), frame(CONTINUATION, true, 0, new byte[0])));
      assertEcho(raw, TEXT, text("ab"));
      raw.send(concat(frame(TEXT, false, 0, new byte[0]), frame(CONTINUATION, true, 0, new byte[0])));
      assertEcho(raw, TEXT, new byte[0]);
    }
  }

  @Test
  void thousandsOfContinuationsUpToTheLimitMakeOneMessage() {
    byte[] message = new byte[LIMIT];
    Arrays.fill(message, (byte) 'x');
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    frames.writeBytes(frame(TEXT, false, 0, new byte[0]));
    for (int offset = 0; offset < LIMIT; offset += 16) {
      frames.writeBytes(frame(CONTINUATION, offset + 16 >= LIMIT, 0, Arrays.copyOfRange(message, offset, offset + 16)));
    }
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(frames.toByteArray());
      assertEcho(raw, TEXT, message);
    }
  }

  @Test
  void controlFramesBetweenFragmentsAreAnsweredAndTheMessageIsWhole() {
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(concat(frame(TEXT, false, 0, text("fra")), frame(PING, true, 0, text("mid")),
        frame(PONG, true, 0, text("unsolicited")), frame(CONTINUATION, true, 0, text("gment"))));
      RawWebSocket.Frame pong = raw.readFrame();
      assertNotNull(pong);
      assertEquals(PONG, pong.opcode());
      assertArrayEquals(text("mid"), pong.payload());
      assertEcho(raw, TEXT, text("fragment"));
    }
  }

  @Test
  void utf8SplitAcrossFragmentsIsValid() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    try (RawWebSocket raw = NODE.raw("/echo")) {
      raw.send(concat(frame(TEXT, false, 0, new byte[] {euro[0]}), frame(CONTINUATION, false, 0, new byte[] {euro[1]}),
        frame(CONTINUATION, true, 0, new byte[] {euro[2]})));
      assertEcho(raw, TEXT, euro);
    }
  }

  @Test
  void senderOfAnEightMebibyteFrameReadsItsClose1009() {
    byte[] huge = frame(BINARY, true, 0, new byte[8 * 1024 * 1024]);
    try (RawWebSocket raw = NODE.raw("/echo")) {
      // The whole frame is written before anything is read: the server must keep reading (and dropping)
      // what follows its Close, or this write blocks and the Close is lost to a reset.
      raw.send(huge);
      raw.assertOneCloseThenEof(1009, TCP_GONE);
    }
  }

  @Test
  void shutdownClosesWith1001Once() throws InterruptedException {
    TestNode other = TestNode.inProcess().start();
    Thread stopper = new Thread(other::stop);
    try (RawWebSocket raw = other.raw("/chat")) {
      raw.sendText("{\"type\":\"join\",\"name\":\"leaving\"}");
      raw.awaitText(ServerMessage.Status.joined(RoomName.LOBBY, "leaving").message());
      stopper.start();
      List<RawWebSocket.Frame> frames = raw.framesUntilEof(Duration.ofSeconds(10));
      assertEquals(List.of(1001), frames.stream().filter(f -> f.opcode() == CLOSE).map(RawWebSocket.Frame::closeCode).toList(),
        "one Close 1001: " + frames);
      assertEquals(CLOSE, frames.get(frames.size() - 1).opcode(), "nothing after the Close: " + frames);
    } finally {
      if (stopper.getState() != Thread.State.NEW) {
        stopper.join(Duration.ofSeconds(60).toMillis());
      }
      other.close();
    }
  }


  private static void assertEcho(RawWebSocket raw, int opcode, byte[] payload) {
    RawWebSocket.Frame echo = raw.readFrame();
    assertNotNull(echo, "an echo");
    assertEquals(opcode, echo.opcode());
    assertTrue(echo.fin(), "one final frame");
    assertArrayEquals(payload, echo.payload());
  }

  private static byte[] frame(int opcode, boolean fin, int rsv, byte[] payload) {
    return RawWebSocket.frame(opcode, fin, rsv, true, payload, RANDOM);
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}

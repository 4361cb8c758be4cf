package dev.chorus.transport;

import dev.chorus.protocol.ServerMessage;
import dev.chorus.support.Deflate;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.Deflater;

import static dev.chorus.support.RawWebSocket.BINARY;
import static dev.chorus.support.RawWebSocket.CLOSE;
import static dev.chorus.support.RawWebSocket.CONTINUATION;
import static dev.chorus.support.RawWebSocket.PING;
import static dev.chorus.support.RawWebSocket.TEXT;
import static dev.chorus.support.RawWebSocket.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * permessage-deflate (RFC 7692) on raw frames against a node with server.perMessageDeflate on and the default
 * 64 KiB message limit: what the 101 answers to offers, compressed client messages inflated (with and without
 * the client's context takeover) on /echo and /chat, and the closes of compressed messages that break the
 * rules. Each message a client compresses here is built with java.util.zip by hand (support.Deflate).
 */
@Timeout(60)
class DeflateWireTest {

  private static final int LIMIT = 65_536;
  private static final Duration TCP_GONE = Duration.ofSeconds(2);
  private static final String PLAIN = "permessage-deflate; server_no_context_takeover";
  private static final String CLIENT_NO_CONTEXT = PLAIN + "; client_no_context_takeover";
  private static final Random RANDOM = new Random(7692);

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("PER_MESSAGE_DEFLATE", "true");

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "none", value = {
    "permessage-deflate                                                      | " + PLAIN,
    "permessage-deflate; client_max_window_bits                              | " + PLAIN,
    "permessage-deflate; client_no_context_takeover                          | " + CLIENT_NO_CONTEXT,
    "permessage-deflate; server_max_window_bits=10                           | " + PLAIN + "; server_max_window_bits=10",
    "permessage-deflate; server_max_window_bits, permessage-deflate          | " + PLAIN,
    "permessage-deflate; server_max_window_bits                              | none",
    "x-webkit-deflate-frame                                                  | none"})
  void offerIsAnsweredInThe101(String offer, String answer) {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(NODE.port(), "/echo", offer)) {
      assertEquals(answer, raw.extensions());
      raw.sendText("still speaking");
      assertEquals("still speaking", raw.readFrame().text());
    }
  }

  @Test
  void declinedOfferLeavesRsv1AProtocolError() {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(NODE.port(), "/echo", "permessage-deflate; server_max_window_bits")) {
      assertNull(raw.extensions());
      raw.send(frame(TEXT, true, 4, Deflate.compress(text("hello"))));
      raw.assertOneCloseThenEof(1002, TCP_GONE);
    }
  }

  static Stream<Arguments> messages() {
    byte[] json = text("{\"type\":\"chat\",\"message\":\"" + "deflate me ".repeat(200) + "\"}");
    byte[] compressed = Deflate.compress(json);
    int half = compressed.length / 2;
    return Stream.of(
      arguments("text in one frame", concat(frame(TEXT, true, 4, Deflate.compress(text("héllo")))), TEXT, text("héllo")),
      arguments("text in fragments, RSV1 on the first", concat(frame(TEXT, false, 4, Arrays.copyOf(compressed, half)),
        frame(PING, true, 0, text("mid")), frame(CONTINUATION, false, 0, new byte[0]),
        frame(CONTINUATION, true, 0, Arrays.copyOfRange(compressed, half, compressed.length))), TEXT, json),
      arguments("binary in one frame", frame(BINARY, true, 4, Deflate.compress(new byte[] {0, 1, 2, 3, 0, 1, 2, 3})),
        BINARY, new byte[] {0, 1, 2, 3, 0, 1, 2, 3}),
      arguments("an empty compressed message", frame(TEXT, true, 4, new byte[0]), TEXT, new byte[0]),
      arguments("inflated to exactly the limit", frame(BINARY, true, 4, Deflate.compress(new byte[LIMIT])), BINARY,
        new byte[LIMIT]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void compressedMessageIsInflatedAndEchoed(String description, byte[] frames, int opcode, byte[] message) {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(NODE.port(), "/echo", "permessage-deflate")) {
      raw.send(frames);
      RawWebSocket.Frame echo = nextData(raw);
      assertEquals(opcode, echo.opcode());
      assertTrue(echo.fin());
      assertArrayEquals(message, echo.message());
    }
  }

  @Test
  void contextTakeoverCarriesTheWindowFromMessageToMessage() {
    byte[] first = text("{\"type\":\"chat\",\"message\":\"the same words again and again\"}");
    Deflater client = Deflate.compressor();
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(NODE.port(), "/echo", "permessage-deflate")) {
      assertEquals(PLAIN, raw.extensions(), "the client keeps its context takeover");
      raw.send(frame(TEXT, true, 4, Deflate.compress(client, first)));
      assertArrayEquals(first, nextData(raw).message());
      byte[] second = Deflate.compress(client, first);
      assertTrue(second.length < Deflate.compress(first).length / 2,
        "the second message refers back to the first: " + second.length + " bytes");
      raw.send(frame(TEXT, true, 4, second));
      assertArrayEquals(first, nextData(raw).message());
      raw.send(frame(TEXT, true, 0, text("and a plain one between")));
      assertArrayEquals(text("and a plain one between"), nextData(raw).message());
      raw.send(frame(TEXT, true, 4, Deflate.compress(client, first)));
      assertArrayEquals(first, nextData(raw).message(), "a plain message leaves the window as it was");
    } finally {
      client.end();
    }
  }

  @Test
  void withoutClientContextTakeoverEachMessageIsInflatedAfresh() {
    try (RawWebSocket one = RawWebSocket.upgradedOffering(NODE.port(), "/echo", "permessage-deflate; client_no_context_takeover");
         RawWebSocket two = RawWebSocket.upgradedOffering(NODE.port(), "/echo", "permessage-deflate; client_no_context_takeover")) {
      assertEquals(CLIENT_NO_CONTEXT, one.extensions());
      for (int i = 0; i < 3; i++) {
        // Interleaved, so that an Inflater shared between them would show state left from the other.
        one.send(frame(TEXT, true, 4, Deflate.compress(text("one says " + i))));
        two.send(frame(TEXT, false, 4, Deflate.compress(text("two says " + i))));
        two.send(frame(CONTINUATION, true, 0, new byte[0]));
        assertEquals("one says " + i, nextData(one).text());
        assertEquals("two says " + i, nextData(two).text());
      }
    }
  }

  @Test
  void compressedJoinAndChatOnChatAreHandled() {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(NODE.port(), "/chat", "permessage-deflate")) {
      raw.send(frame(TEXT, true, 4, Deflate.compress(text("{\"type\":\"join\",\"name\":\"squeezed\",\"room\":\"zip\"}"))));
      raw.awaitText(ServerMessage.Status.joined("zip", "squeezed").message());
      raw.send(frame(TEXT, true, 4, Deflate.compress(text("{\"type\":\"chat\",\"room\":\"zip\",\"message\":\"unpacked\"}"))));
      assertTrue(raw.awaitText("\"type\":\"chat\"").text().contains("\"message\":\"unpacked\""));
    }
  }

  @Test
  void roomFanOutIsOneCompressedFrameForDeflateSocketsAndThePlainFrameForOthers() {
    String room = "fan";
    try (RawWebSocket one = RawWebSocket.upgradedOffering(NODE.port(), "/chat", "permessage-deflate");
         RawWebSocket two = RawWebSocket.upgradedOffering(NODE.port(), "/chat", "permessage-deflate; client_no_context_takeover");
         RawWebSocket plain = NODE.raw("/chat")) {
      String[] names = {"one", "two", "plain"};
      RawWebSocket[] sockets = {one, two, plain};
      for (int i = 0; i < sockets.length; i++) {
        sockets[i].sendText("{\"type\":\"join\",\"name\":\"" + names[i] + "\",\"room\":\"" + room + "\"}");
        for (int j = 0; j <= i; j++) {
          sockets[j].awaitText(ServerMessage.Status.joined(room, names[i]).message());
        }
      }
      String words = "the same words for every socket ".repeat(12);
      plain.sendText("{\"type\":\"chat\",\"room\":\"" + room + "\",\"message\":\"" + words + "\"}");
      RawWebSocket.Frame toOne = one.awaitText(words);
      RawWebSocket.Frame toTwo = two.awaitText(words);
      RawWebSocket.Frame toPlain = plain.awaitText(words);
      assertTrue(toOne.compressed() && toTwo.compressed(), "compressed for the deflate sockets: " + toOne + ", " + toTwo);
      assertArrayEquals(toOne.payload(), toTwo.payload(), "the same compressed bytes for both");
      assertTrue(toOne.payload().length < toPlain.payload().length / 4, toOne + " against " + toPlain);
      assertFalse(toPlain.compressed(), "plain for the socket without deflate");
      assertArrayEquals(toPlain.payload(), toOne.message(), "the same message");
    }
  }

  @Test
  void aClientWithAShortWindowGetsCompressedOnlyMessagesThatFitIt() {
    String room = "window";
    try (RawWebSocket narrow = RawWebSocket.upgradedOffering(NODE.port(), "/chat", "permessage-deflate; server_max_window_bits=9");
         RawWebSocket sender = NODE.raw("/chat")) {
      assertEquals(PLAIN + "; server_max_window_bits=9", narrow.extensions());
      narrow.sendText("{\"type\":\"join\",\"name\":\"narrow\",\"room\":\"" + room + "\"}");
      narrow.awaitText(ServerMessage.Status.joined(room, "narrow").message());
      sender.sendText("{\"type\":\"join\",\"name\":\"sender\",\"room\":\"" + room + "\"}");
      narrow.awaitText(ServerMessage.Status.joined(room, "sender").message());
      String shortWords = "short words ".repeat(10);
      String longWords = "words past a 512-byte window ".repeat(20);
      sender.sendText("{\"type\":\"chat\",\"room\":\"" + room + "\",\"message\":\"" + shortWords + "\"}");
      sender.sendText("{\"type\":\"chat\",\"room\":\"" + room + "\",\"message\":\"" + longWords + "\"}");
      RawWebSocket.Frame fits = narrow.awaitText(shortWords);
      RawWebSocket.Frame tooLong = narrow.awaitText(longWords);
      assertTrue(fits.compressed() && fits.message().length <= 512, "compressed within the window: " + fits);
      assertFalse(tooLong.compressed(), "plain past the window: " + tooLong);
      assertTrue(tooLong.payload().length > 512, tooLong.toString());
    }
  }

  static Stream<Arguments> violations() {
    byte[] bomb = Deflate.compress(new byte[10 * 1024 * 1024]);
    byte[] compressed = Deflate.compress(text("fragment"));
    byte[] invalidUtf8 = Deflate.compress(new byte[] {'a', (byte) 0xC0, (byte) 0xAF});
    return Stream.of(
      arguments("a zip bomb inflating past the limit", frame(BINARY, true, 4, bomb), 1009),
      arguments("one byte more than the limit, inflated", frame(TEXT, true, 4, Deflate.compress(new byte[LIMIT + 1])), 1009),
      arguments("a compressed frame over the limit", frame(BINARY, true, 4, new byte[LIMIT + 1]), 1009),
      arguments("RSV1 on a continuation", concat(frame(TEXT, false, 4, compressed), frame(CONTINUATION, true, 4, new byte[0])), 1002),
      arguments("RSV1 on a ping", frame(PING, true, 4, text("p")), 1002),
      arguments("RSV1 on a close", frame(CLOSE, true, 4, new byte[] {0x03, (byte) 0xE8}), 1002),
      arguments("RSV2 on a text", frame(TEXT, true, 2, text("a")), 1002),
      arguments("a reserved block type", frame(TEXT, true, 4, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}), 1007),
      arguments("a stored block whose length check fails", frame(BINARY, true, 4, new byte[] {0x01, 0x05, 0x00, 0x00, 0x00}), 1007),
      arguments("bytes after a final block", frame(TEXT, true, 4, concat(finalBlock(text("done")), text("garbage"))), 1007),
      arguments("invalid UTF-8 once inflated", frame(TEXT, true, 4, invalidUtf8), 1007));
  }

  @ParameterizedTest(name = "{0} -> one close {2}")
  @MethodSource("violations")
  void brokenCompressedMessageGetsOneCloseThenTcpGone(String description, byte[] frames, int expected) {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(NODE.port(), "/echo", "permessage-deflate")) {
      assertEquals(PLAIN, raw.extensions());
      raw.send(frames);
      raw.assertOneCloseThenEof(expected, TCP_GONE);
    }
  }

  @Test
  void finalBlockEndsTheStreamAndTheNextMessageStartsAfresh() {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(NODE.port(), "/echo", "permessage-deflate")) {
      raw.send(frame(TEXT, true, 4, finalBlock(text("first"))));
      assertEquals("first", nextData(raw).text());
      raw.send(frame(TEXT, true, 4, Deflate.compress(text("second"))));
      assertEquals("second", nextData(raw).text());
    }
  }

  /** {@code message} as one deflate stream ending in a block with BFINAL set, as RFC 7692 §7.2.3.3 allows. */
  private static byte[] finalBlock(byte[] message) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      deflater.setInput(message);
      deflater.finish();
      byte[] out = new byte[message.length + 64];
      int length = deflater.deflate(out);
      assertTrue(deflater.finished());
      return Arrays.copyOf(out, length);
    } finally {
      deflater.end();
    }
  }

  /** The next text or binary frame, past pings. */
  private static RawWebSocket.Frame nextData(RawWebSocket raw) {
    while (true) {
      RawWebSocket.Frame frame = raw.readFrame();
      assertNotNull(frame, "a data frame");
      assertFalse(frame.opcode() == CLOSE, "a data frame, not " + frame);
      if (frame.opcode() == TEXT || frame.opcode() == BINARY) {
        return frame;
      }
    }
  }


  private static byte[] frame(int opcode, boolean fin, int rsv, byte[] payload) {
    return RawWebSocket.frame(opcode, fin, rsv, true, payload, RANDOM);
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

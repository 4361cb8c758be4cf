package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import dev.chorus.support.RawWebSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static dev.chorus.support.RawWebSocket.BINARY;
import static dev.chorus.support.RawWebSocket.CLOSE;
import static dev.chorus.support.RawWebSocket.CONTINUATION;
import static dev.chorus.support.RawWebSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame decoder on an embedded channel: lengths, masks, byte-wise arrival, violations and what follows them. */
class FrameDecoderTest {

  private static final int LIMIT = 100_000;
  private final Random random = new Random(42);
  private final EmbeddedChannel channel = new EmbeddedChannel(decoding(new FrameDecoder(LIMIT, false)));

  /**
   * {@code decoder} fed by Netty's cumulation, its frames and violations passed on as messages (in the server
   * {@link FrameHandler} feeds it).
   */
  private static ChannelHandler decoding(FrameDecoder decoder) {
    return new ByteToMessageDecoder() {
      @Override
      protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decoder.decode(in, out::add);
      }
    };
  }

  @AfterEach
  void finishClean() {
    assertNull(channel.readInbound(), "nothing left over");
    assertFalse(channel.finish());
  }

  private byte[] frame(int opcode, boolean fin, byte[] payload) {
    return RawWebSocket.frame(opcode, fin, 0, true, payload, random);
  }

  private byte[] payload(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] content(WebSocketFrame frame) {
    try {
      return ByteBufUtil.getBytes(frame.content());
    } finally {
      frame.release();
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 7, 8, 9, 125, 126, 65535, 65536, 70_000})
  void payloadOfEveryLengthEncodingIsUnmasked(int size) {
    byte[] data = payload(size);
    channel.writeInbound(Unpooled.wrappedBuffer(frame(BINARY, true, data)));
    BinaryWebSocketFrame frame = channel.readInbound();
    assertTrue(frame.isFinalFragment());
    assertArrayEquals(data, content(frame));
  }

  @Test
  void framesArrivingByteByByteAreDecodedWhole() {
    byte[] bytes = frame(TEXT, true, "hello".getBytes());
    for (byte b : bytes) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    TextWebSocketFrame frame = channel.readInbound();
    assertEquals("hello", new String(content(frame)));
  }

  @Test
  void oversizedFrameIsAViolationThenSkippedSoTheClientsCloseIsStillRead() {
    ByteBuf bytes = Unpooled.wrappedBuffer(frame(BINARY, true, payload(LIMIT + 1)),
      frame(TEXT, true, "after".getBytes()), frame(CLOSE, true, new byte[] {0x03, (byte) 0xE8}));
    channel.writeInbound(bytes);
    assertEquals(new FrameDecoder.Violation(CloseCode.MESSAGE_TOO_BIG, false), channel.readInbound());
    CloseWebSocketFrame close = channel.readInbound();
    assertEquals(1000, close.statusCode());
    close.release();
  }

  @Test
  void brokenCloseIsAViolationThatEndsTheClientsSide() {
    channel.writeInbound(Unpooled.wrappedBuffer(frame(CLOSE, true, new byte[] {0x03})));
    assertEquals(new FrameDecoder.Violation(CloseCode.PROTOCOL_ERROR, true), channel.readInbound());
    channel.writeInbound(Unpooled.wrappedBuffer(frame(CLOSE, true, new byte[] {0x03, (byte) 0xE7})));
    CloseWebSocketFrame close = channel.readInbound();
    close.release();
  }

  @Test
  void closeReasonThatIsNotUtf8Is1007() {
    channel.writeInbound(Unpooled.wrappedBuffer(frame(CLOSE, true, new byte[] {0x03, (byte) 0xE8, (byte) 0xC0})));
    assertEquals(new FrameDecoder.Violation(CloseCode.INVALID_PAYLOAD, true), channel.readInbound());
  }

  @Test
  void lengthNotInItsShortestFormIsAViolation() {
    // 5 bytes announced with the 16-bit length form.
    byte[] bytes = {(byte) 0x81, (byte) (0x80 | 126), 0, 5, 1, 2, 3, 4, 'a', 'b', 'c', 'd', 'e'};
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    assertInstanceOf(FrameDecoder.Violation.class, channel.readInbound());
  }

  @Test
  void controlFrameLengthNotInItsShortestFormIsAViolation() {
    // A ping of 5 bytes announced with the 16-bit length form.
    byte[] bytes = {(byte) 0x89, (byte) (0x80 | 126), 0, 5, 1, 2, 3, 4, 'a', 'b', 'c', 'd', 'e'};
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    assertEquals(new FrameDecoder.Violation(CloseCode.PROTOCOL_ERROR, false), channel.readInbound());
  }

  @Test
  void reservedBit1IsAViolationWithoutDeflate() {
    channel.writeInbound(Unpooled.wrappedBuffer(RawWebSocket.frame(TEXT, true, 4, true, "a".getBytes(), random)));
    assertEquals(new FrameDecoder.Violation(CloseCode.PROTOCOL_ERROR, false), channel.readInbound());
  }

  @Test
  void withDeflateRsv1MarksTheFirstFrameOfADataMessage() {
    EmbeddedChannel deflate = new EmbeddedChannel(decoding(new FrameDecoder(LIMIT, true)));
    deflate.writeInbound(Unpooled.wrappedBuffer(RawWebSocket.frame(TEXT, false, 4, true, "a".getBytes(), random),
      RawWebSocket.frame(CONTINUATION, true, 0, true, "b".getBytes(), random),
      RawWebSocket.frame(BINARY, true, 4, true, new byte[] {1}, random),
      RawWebSocket.frame(TEXT, true, 0, true, "plain".getBytes(), random)));
    TextWebSocketFrame first = deflate.readInbound();
    assertEquals(4, first.rsv(), "compressed");
    first.release();
    ContinuationWebSocketFrame next = deflate.readInbound();
    assertEquals(0, next.rsv());
    next.release();
    BinaryWebSocketFrame binary = deflate.readInbound();
    assertEquals(4, binary.rsv(), "compressed");
    binary.release();
    TextWebSocketFrame plain = deflate.readInbound();
    assertEquals(0, plain.rsv(), "a message may go uncompressed");
    plain.release();
    assertFalse(deflate.finish());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "RSV1 on a continuation, 0, 4", "RSV1 on a ping, 9, 4", "RSV1 on a close, 8, 4", "RSV2 on text, 1, 2",
    "RSV3 on binary, 2, 1", "RSV1 and RSV2 on text, 1, 6"})
  void withDeflateOtherReservedBitsAreViolations(String description, int opcode, int rsv) {
    EmbeddedChannel deflate = new EmbeddedChannel(decoding(new FrameDecoder(LIMIT, true)));
    ByteBuf bytes = opcode == CONTINUATION
      ? Unpooled.wrappedBuffer(RawWebSocket.frame(TEXT, false, 4, true, "a".getBytes(), random),
        RawWebSocket.frame(CONTINUATION, true, rsv, true, "b".getBytes(), random))
      : Unpooled.wrappedBuffer(RawWebSocket.frame(opcode, true, rsv, true,
        opcode == CLOSE ? new byte[] {0x03, (byte) 0xE8} : "a".getBytes(), random));
    deflate.writeInbound(bytes);
    if (opcode == CONTINUATION) {
      WebSocketFrame start = deflate.readInbound();
      start.release();
    }
    assertEquals(new FrameDecoder.Violation(CloseCode.PROTOCOL_ERROR, opcode == CLOSE), deflate.readInbound());
    assertNull(deflate.readInbound());
    assertFalse(deflate.finish());
  }

  @Test
  void unmaskHandlesEveryTailLength() {
    for (int size = 0; size < 20; size++) {
      byte[] data = payload(size);
      int mask = random.nextInt();
      byte[] masked = data.clone();
      for (int i = 0; i < size; i++) {
        masked[i] ^= (byte) (mask >>> (24 - 8 * (i & 3)));
      }
      ByteBuf buffer = Unpooled.wrappedBuffer(masked);
      FrameDecoder.unmask(buffer, mask);
      assertArrayEquals(data, ByteBufUtil.getBytes(buffer), "size " + size);
    }
  }
}

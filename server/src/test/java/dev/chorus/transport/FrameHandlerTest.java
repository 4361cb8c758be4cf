package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import dev.chorus.support.Deflate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.chorus.support.RawWebSocket.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write side of {@link FrameHandler} in a pipeline without a network: pre-framed deliveries go out as
 * the bytes RFC 6455 §5.2 gives, their shared buffer is freed once every socket has written it, and writes
 * made within one turn of the event loop leave with one flush. With permessage-deflate, a fan-out is
 * compressed once for every deflate socket of the loop (RFC 7692 §7.2.1), and sent plain where that does not
 * make it smaller.
 */
class FrameHandlerTest {

  private final List<CloseCode> closes = new ArrayList<>();
  /**
   * The event loop the flushes are queued on, turned by hand: an EmbeddedChannel runs its loop's pending
   * tasks after every write, which would end the turn at the first one.
   */
  private final EmbeddedChannel turn = new EmbeddedChannel();
  private EmbeddedChannel channel;
  private FrameHandler frames;

  /** A socket whose flushes are consolidated with its event loop's others, or flushed at each write. */
  private void open(boolean consolidated) {
    open(consolidated ? new Flushes(turn.eventLoop(), 0) : null);
  }

  private void open(Flushes flushes) {
    channel = new EmbeddedChannel();
    frames = new FrameHandler(65_536, 1000, closes::add, flushes);
    channel.pipeline().addLast(new WebSocket13FrameEncoder(false), frames);
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    turn.finishAndReleaseAll();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Everything flushed to the channel so far, as the bytes on the wire. */
  private byte[] written() {
    ByteBuf all = ByteBufAllocator.DEFAULT.heapBuffer();
    try {
      for (Object message; (message = channel.readOutbound()) != null; ) {
        ByteBuf bytes = (ByteBuf) message;
        all.writeBytes(bytes);
        bytes.release();
      }
      return ByteBufUtil.getBytes(all);
    } finally {
      all.release();
    }
  }

  @Test
  void headersForEachPayloadLengthClass() {
    for (int length : new int[] {0, 125, 126, 65_535, 65_536}) {
      byte[] payload = new byte[length];
      Arrays.fill(payload, (byte) 'x');
      ByteBuf frame = OutboundFrame.frame(ByteBufAllocator.DEFAULT, payload);
      try {
        byte[] header = length < 126 ? new byte[] {(byte) 0x81, (byte) length}
          : length <= 0xFFFF ? new byte[] {(byte) 0x81, 126, (byte) (length >> 8), (byte) length}
          : new byte[] {(byte) 0x81, 127, 0, 0, 0, 0, 0, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
        assertArrayEquals(concat(header, payload), ByteBufUtil.getBytes(frame), "a payload of " + length);
        assertTrue(frame.isDirect(), "written to sockets without a copy");
      } finally {
        frame.release();
      }
    }
  }

  @Test
  void preFramedDeliveriesMatchWhatTheEncoderWritesAndAreFreedOnceWritten() {
    open(false);
    OutboundFrame frame = OutboundFrame.text(utf8("{\"type\":\"chat\",\"message\":\"héllo\"}"));
    frames.send(frame);
    ByteBuf shared = frame.retainedFrame(channel.alloc());
    frame.release();
    frames.sendText(utf8("{\"type\":\"chat\",\"message\":\"héllo\"}"));
    byte[] wire = written();
    byte[] one = Arrays.copyOf(wire, wire.length / 2);
    assertArrayEquals(concat(one, one), wire, "the pre-framed copy is byte for byte the encoder's");
    assertEquals(1, shared.refCnt(), "only the test's own reference is left");
    shared.release();
  }

  @Test
  void writesWithinOneTurnLeaveWithOneFlush() {
    open(true);
    OutboundFrame first = OutboundFrame.text(utf8("one"));
    OutboundFrame second = OutboundFrame.text(utf8("two"));
    frames.send(first);
    frames.send(second);
    frames.sendText(utf8("three"));
    first.release();
    second.release();
    assertNull(channel.readOutbound(), "nothing is flushed before the turn ends");
    turn.runPendingTasks();
    assertArrayEquals(concat(new byte[] {(byte) 0x81, 3}, utf8("one"), new byte[] {(byte) 0x81, 3}, utf8("two"),
      new byte[] {(byte) 0x81, 5}, utf8("three")), written());
    frames.send(OutboundFrame.text(utf8("four")));
    turn.runPendingTasks();
    assertArrayEquals(concat(new byte[] {(byte) 0x81, 4}, utf8("four")), written(), "the next turn is flushed too");
  }

  @Test
  void withAWriteDelayDeliveriesWaitForItAndRepliesDoNot() {
    turn.freezeTime();
    open(new Flushes(turn.eventLoop(), 5));
    frames.send(OutboundFrame.text(utf8("one")));
    frames.send(OutboundFrame.text(utf8("two")));
    turn.runPendingTasks();
    assertNull(channel.readOutbound(), "deliveries wait past the end of the turn");
    turn.advanceTimeBy(5, TimeUnit.MILLISECONDS);
    turn.runPendingTasks();
    assertArrayEquals(concat(new byte[] {(byte) 0x81, 3}, utf8("one"), new byte[] {(byte) 0x81, 3}, utf8("two")),
      written(), "the deliveries of the window leave together once it is over");
    frames.send(OutboundFrame.text(utf8("three")));
    frames.sendText(utf8("reply"));
    turn.runPendingTasks();
    assertArrayEquals(concat(new byte[] {(byte) 0x81, 5}, utf8("three"), new byte[] {(byte) 0x81, 5}, utf8("reply")),
      written(), "a reply goes at the end of the turn, and takes what waited with it");
    frames.send(OutboundFrame.text(utf8("four")));
    turn.advanceTimeBy(4, TimeUnit.MILLISECONDS);
    turn.runPendingTasks();
    assertNull(channel.readOutbound(), "the next window starts with its first delivery");
    turn.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    turn.runPendingTasks();
    assertArrayEquals(concat(new byte[] {(byte) 0x81, 4}, utf8("four")), written());
  }

  @Test
  void nothingIsWrittenAfterTheClose() {
    open(true);
    assertTrue(frames.close(CloseCode.GOING_AWAY));
    byte[] close = written();
    assertEquals((byte) 0x88, close[0], "the Close frame");
    frames.send(OutboundFrame.text(utf8("late")));
    frames.sendText(utf8("late"));
    turn.runPendingTasks();
    assertEquals(0, written().length);
    assertEquals(List.of(CloseCode.GOING_AWAY), closes);
  }

  /** A socket of its own with permessage-deflate agreed, sharing {@code deflate}, flushed at each write. */
  private EmbeddedChannel deflateSocket(DeflateCodec deflate, List<EmbeddedChannel> opened) {
    EmbeddedChannel socket = new EmbeddedChannel();
    socket.pipeline().addLast(new WebSocket13FrameEncoder(false), new FrameHandler(65_536, 1000, closes::add, null,
      deflate, new PerMessageDeflate.Agreement(false, 0)));
    opened.add(socket);
    return socket;
  }

  private static ByteBuf onlyWrite(EmbeddedChannel socket) {
    ByteBuf written = socket.readOutbound();
    assertNull(socket.readOutbound(), "one write");
    return written;
  }

  @Test
  void fanOutIsCompressedOnceForEveryDeflateSocketAndPlainForTheOthers() {
    open(false);
    DeflateCodec deflate = new DeflateCodec(turn.eventLoop());
    List<EmbeddedChannel> opened = new ArrayList<>();
    byte[] json = utf8("{\"type\":\"chat\",\"message\":\"" + "compress me once ".repeat(20) + "\"}");
    OutboundFrame frame = OutboundFrame.text(json);
    try {
      EmbeddedChannel one = deflateSocket(deflate, opened);
      EmbeddedChannel two = deflateSocket(deflate, opened);
      for (EmbeddedChannel socket : List.of(one, two)) {
        ((FrameHandler) socket.pipeline().last()).send(frame);
      }
      frames.send(frame);
      ByteBuf first = onlyWrite(one);
      ByteBuf second = onlyWrite(two);
      ByteBuf plain = onlyWrite(channel);
      assertSame(first.unwrap(), second.unwrap(), "one compressed buffer for both deflate sockets");
      byte[] compressed = ByteBufUtil.getBytes(first);
      assertArrayEquals(compressed, ByteBufUtil.getBytes(second));
      assertEquals((byte) 0xC1, compressed[0], "FIN, RSV1, text");
      int length = compressed[1];
      assertTrue(length < 126 && length == compressed.length - 2 && length < json.length, "smaller: " + length);
      assertArrayEquals(json, Deflate.inflate(Arrays.copyOfRange(compressed, 2, compressed.length)));
      byte[] plainBytes = ByteBufUtil.getBytes(plain);
      assertEquals((byte) 0x81, plainBytes[0], "the plain socket's frame is not compressed");
      assertArrayEquals(json, Arrays.copyOfRange(plainBytes, 4, plainBytes.length));
      ByteBuf shared = first.unwrap();
      first.release();
      second.release();
      plain.release();
      frame.release();
      assertEquals(0, shared.refCnt(), "the compressed buffer is freed with the fan-out's writes");
    } finally {
      opened.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
  }

  @Test
  void deflateSocketsGetThePlainFrameWhenCompressingDoesNotMakeItSmaller() {
    open(false);
    DeflateCodec deflate = new DeflateCodec(turn.eventLoop());
    List<EmbeddedChannel> opened = new ArrayList<>();
    try {
      EmbeddedChannel socket = deflateSocket(deflate, opened);
      FrameHandler handler = (FrameHandler) socket.pipeline().last();
      // Random bytes do not compress (the frame does not care that they are no UTF-8).
      byte[] random = new byte[300];
      new java.util.Random(1).nextBytes(random);
      for (byte[] payload : List.of(utf8("hi"), new byte[0], random)) {
        OutboundFrame frame = OutboundFrame.text(payload);
        handler.send(frame);
        frames.send(frame);
        ByteBuf written = onlyWrite(socket);
        ByteBuf plain = onlyWrite(channel);
        assertSame(plain.unwrap(), written.unwrap(), "the plain frame, shared with the plain socket");
        assertEquals((byte) 0x81, written.getByte(0));
        written.release();
        plain.release();
        frame.release();
      }
    } finally {
      opened.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
  }

  @Test
  void singleWritesOnADeflateSocketGoOutPlain() {
    DeflateCodec deflate = new DeflateCodec(turn.eventLoop());
    List<EmbeddedChannel> opened = new ArrayList<>();
    try {
      EmbeddedChannel socket = deflateSocket(deflate, opened);
      byte[] reply = utf8("{\"type\":\"error\",\"message\":\"" + "a long reply ".repeat(20) + "\"}");
      ((FrameHandler) socket.pipeline().last()).sendText(reply);
      ByteBuf written = onlyWrite(socket);
      byte[] bytes = ByteBufUtil.getBytes(written);
      written.release();
      assertEquals((byte) 0x81, bytes[0], "FIN, text, no RSV1");
      assertArrayEquals(reply, Arrays.copyOfRange(bytes, 4, bytes.length));
    } finally {
      opened.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
  }

  @Test
  void halfEmptyUntilTheQueueReachesHalfItsHighWaterMark() {
    open(true);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(500, 1000));
    assertTrue(frames.halfEmpty());
    frames.send(OutboundFrame.text(new byte[400]));
    assertTrue(frames.halfEmpty(), "404 bytes queued, and Netty's overhead per entry");
    frames.send(OutboundFrame.text(new byte[200]));
    assertFalse(frames.halfEmpty(), "608 bytes queued, and the overheads");
    assertTrue(frames.writable());
    frames.send(OutboundFrame.text(new byte[500]));
    assertFalse(frames.writable(), "over the high-water mark");
    turn.runPendingTasks();
    written();
    assertTrue(frames.halfEmpty(), "flushed");
  }

  @Test
  void theSocketIsToldWhenTheQueuePassesItsHighWaterMarkAndWhenItDrains() {
    open(true);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(500, 1000));
    List<String> told = new ArrayList<>();
    frames.watchQueue(() -> told.add("full"), () -> told.add("drained"));
    frames.sendText(new byte[600]);
    assertEquals(List.of(), told, "below the high-water mark");
    frames.sendText(new byte[600]);
    assertEquals(List.of("full"), told, "told by the write that passed it");
    turn.runPendingTasks();
    written();
    assertEquals(List.of("full", "drained"), told, "told once flushed below the low-water mark");
  }

  @Test
  void pongsAreDroppedWhileTheQueueIsFull() {
    open(true);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(500, 1000));
    channel.write(new PongWebSocketFrame(Unpooled.wrappedBuffer(utf8("p1"))));
    frames.sendText(new byte[1200]);
    channel.write(new PongWebSocketFrame(Unpooled.wrappedBuffer(utf8("p2"))));
    turn.runPendingTasks();
    byte[] wire = written();
    assertArrayEquals(concat(new byte[] {(byte) 0x8A, 2}, utf8("p1"), new byte[] {(byte) 0x81, 126, 4, (byte) 0xB0},
      new byte[1200]), wire, "the pong asked while the queue had room, the text, and not the pong after it");
    channel.write(new PongWebSocketFrame(Unpooled.wrappedBuffer(utf8("p3"))));
    channel.flush();
    assertArrayEquals(concat(new byte[] {(byte) 0x8A, 2}, utf8("p3")), written(), "drained: pongs go out again");
  }

  @Test
  void nothingThatWaitedForRoomFollowsACloseWhoseFlushDrainedTheQueue() {
    open(true);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(500, 1000));
    frames.watchQueue(() -> { }, () -> frames.sendText(utf8("waited")));
    frames.sendText(new byte[1200]);
    assertFalse(frames.writable());
    frames.close(CloseCode.RATE_LIMIT_EXCEEDED);
    turn.runPendingTasks();
    byte[] wire = written();
    byte[] close = Arrays.copyOfRange(wire, 4 + 1200, wire.length);
    assertEquals(0x88, close[0] & 0xFF, "the Close follows the queued text");
    assertEquals(2 + (close[1] & 0x7F), close.length, "and nothing follows the Close");
  }
}

package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.chorus.support.RawWebSocket.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write side of {@link FrameHandler} in a pipeline without a network: pre-framed deliveries go out as
 * the bytes RFC 6455 §5.2 gives, their shared buffer is freed once every socket has written it, and writes
 * made within one turn of the event loop leave with one flush.
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
    channel = new EmbeddedChannel();
    Flushes flushes = consolidated ? new Flushes(turn.eventLoop()) : null;
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
}

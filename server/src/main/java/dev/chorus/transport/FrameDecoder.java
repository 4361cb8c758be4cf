package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * RFC 6455 frames from a client's bytes, in place of Netty's decoder, so that a violation never costs the
 * decoder its place in the stream: every frame header is read whole, and a frame that breaks a rule is
 * skipped by its length. The rules (each answered with a {@link Violation} for {@link FrameHandler}):
 * reserved bits (RSV1 only on the first frame of a data message, and only where permessage-deflate was
 * agreed: it marks the message compressed, RFC 7692 §6), unmasked frames, reserved opcodes, control frames that are
 * fragmented or over 125 bytes, continuations without a start and new messages inside one, lengths not in
 * their shortest form: 1002; a frame over the size limit: 1009; a Close with a one-byte body or an invalid
 * code: 1002, with a reason that is not UTF-8: 1007.
 * <p>After a violation only the client's Close still counts (every other frame is skipped unread), so the
 * connection closes as soon as the client answers ours, even if it was still sending a large frame.
 * Payloads are unmasked into a buffer of their own.
 * <p>Not a pipeline handler of its own: {@link FrameHandler} feeds it the bytes it reads (one handler context
 * fewer per connection), and it hands each frame or violation to a {@link Sink} as soon as it is decoded. One
 * instance per channel, confined to its event loop.
 */
final class FrameDecoder {

  /** A broken frame; {@code clientClosed} when it was the client's Close (nothing more will come). */
  record Violation(CloseCode code, boolean clientClosed) {
  }

  /** Takes each decoded {@link WebSocketFrame} (which it then owns) or {@link Violation}, in order. */
  interface Sink {
    void decoded(Object frameOrViolation);
  }

  private static final int CONTINUATION = 0x0;
  private static final int TEXT = 0x1;
  private static final int BINARY = 0x2;
  private static final int CLOSE = 0x8;
  private static final int PING = 0x9;
  private static final int PONG = 0xA;

  private enum State { HEADER, PAYLOAD, SKIP, DISCARD }

  /** RFC 7692's "Per-Message Compressed" bit in the first byte of a frame. */
  static final int RSV1 = 0x40;

  private final int maxFrameBytes;
  private final boolean compression;
  private State state = State.HEADER;
  private boolean fin;
  private int rsv;
  private int opcode;
  private long length;
  private int mask;
  private boolean inMessage;
  private boolean violated;

  /** Frames up to {@code maxFrameBytes}; {@code compression} when permessage-deflate was agreed. */
  FrameDecoder(int maxFrameBytes, boolean compression) {
    this.maxFrameBytes = maxFrameBytes;
    this.compression = compression;
  }

  /**
   * Decodes every whole frame {@code in} holds, moving its reader index past them (and past what a violation
   * skips); a partial frame stays unread until more bytes arrive behind it.
   */
  void decode(ByteBuf in, Sink out) {
    while (true) {
      switch (state) {
        case HEADER -> {
          if (!readHeader(in, out)) {
            return;
          }
        }
        case PAYLOAD -> {
          if (in.readableBytes() < length) {
            return;
          }
          state = State.HEADER;
          readPayload(in, out);
        }
        case SKIP -> {
          int skipped = (int) Math.min(length, in.readableBytes());
          in.skipBytes(skipped);
          length -= skipped;
          if (length > 0) {
            return;
          }
          state = State.HEADER;
        }
        case DISCARD -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  /** Reads one whole header; false if it has not all arrived. */
  private boolean readHeader(ByteBuf in, Sink out) {
    if (in.readableBytes() < 2) {
      return false;
    }
    int at = in.readerIndex();
    int first = in.getUnsignedByte(at);
    int second = in.getUnsignedByte(at + 1);
    int shortLength = second & 0x7F;
    boolean masked = (second & 0x80) != 0;
    int extended = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0;
    int size = 2 + extended + (masked ? 4 : 0);
    if (in.readableBytes() < size) {
      return false;
    }
    long frameLength = shortLength < 126 ? shortLength : shortLength == 126 ? in.getUnsignedShort(at + 2) : in.getLong(at + 2);
    mask = masked ? in.getInt(at + 2 + extended) : 0;
    in.skipBytes(size);
    fin = (first & 0x80) != 0;
    rsv = (first >> 4) & 0x7;
    opcode = first & 0x0F;
    length = frameLength;
    if (frameLength < 0) {
      // A 64-bit length with its top bit set: no frame boundary left to find.
      violation(out, CloseCode.PROTOCOL_ERROR);
      state = State.DISCARD;
      return true;
    }
    if (violated) {
      state = opcode == CLOSE && masked && shortLength <= 125 ? State.PAYLOAD : State.SKIP;
      return true;
    }
    CloseCode broken = check(first, masked, shortLength, frameLength);
    if (broken != null) {
      violation(out, broken);
      state = State.SKIP;
      return true;
    }
    state = State.PAYLOAD;
    return true;
  }

  private CloseCode check(int first, boolean masked, int shortLength, long frameLength) {
    int reserved = first & 0x70;
    boolean compressed = reserved == RSV1 && compression && (opcode == TEXT || opcode == BINARY);
    if ((reserved != 0 && !compressed) || !masked) {
      return CloseCode.PROTOCOL_ERROR;
    }
    if (opcode >= CLOSE) {
      boolean valid = fin && shortLength <= 125 && opcode <= PONG && !(opcode == CLOSE && frameLength == 1);
      return valid ? null : CloseCode.PROTOCOL_ERROR;
    }
    if (opcode > BINARY || (opcode == CONTINUATION) != inMessage) {
      return CloseCode.PROTOCOL_ERROR;
    }
    if ((shortLength == 126 && frameLength < 126) || (shortLength == 127 && frameLength < 65536)) {
      return CloseCode.PROTOCOL_ERROR;
    }
    return frameLength > maxFrameBytes ? CloseCode.MESSAGE_TOO_BIG : null;
  }

  private void readPayload(ByteBuf in, Sink out) {
    int size = (int) length;
    ByteBuf payload;
    if (size == 0) {
      payload = Unpooled.EMPTY_BUFFER;
    } else {
      // Unpooled heap memory: Vert.x copies pooled buffers into its own before handing them on, and frames
      // that wait in its paused inbound queue when the channel closes are never released.
      payload = Unpooled.buffer(size);
      in.readBytes(payload, size);
      unmask(payload, mask);
    }
    if (violated) {
      out.decoded(new CloseWebSocketFrame(true, 0, payload));
      return;
    }
    switch (opcode) {
      case TEXT -> {
        inMessage = !fin;
        out.decoded(new TextWebSocketFrame(fin, rsv, payload));
      }
      case BINARY -> {
        inMessage = !fin;
        out.decoded(new BinaryWebSocketFrame(fin, rsv, payload));
      }
      case CONTINUATION -> {
        inMessage = !fin;
        out.decoded(new ContinuationWebSocketFrame(fin, 0, payload));
      }
      case PING -> out.decoded(new PingWebSocketFrame(payload));
      case PONG -> out.decoded(new PongWebSocketFrame(payload));
      default -> readClose(payload, out);
    }
  }

  private void readClose(ByteBuf payload, Sink out) {
    CloseCode broken = null;
    if (payload.readableBytes() >= 2) {
      if (!WebSocketCloseStatus.isValidStatusCode(payload.getUnsignedShort(payload.readerIndex()))) {
        broken = CloseCode.PROTOCOL_ERROR;
      } else {
        // Made per Close with a reason, not kept per connection: a connection sees at most one.
        Utf8Validator reason = new Utf8Validator();
        if (!(reason.check(payload.slice(payload.readerIndex() + 2, payload.readableBytes() - 2)) && reason.finish())) {
          broken = CloseCode.INVALID_PAYLOAD;
        }
      }
    }
    if (broken == null) {
      out.decoded(new CloseWebSocketFrame(true, 0, payload));
    } else {
      payload.release();
      violated = true;
      out.decoded(new Violation(broken, true));
    }
  }

  /**
   * The server is closing: from now on only the client's Close is read, every other frame skipped unread
   * (no buffering or unmasking of what would be dropped anyway).
   */
  void closing() {
    violated = true;
  }

  private void violation(Sink out, CloseCode code) {
    violated = true;
    out.decoded(new Violation(code, opcode == CLOSE));
  }

  /** XORs the payload with the 4-byte mask, eight bytes at a time. */
  static void unmask(ByteBuf payload, int mask) {
    int start = payload.readerIndex();
    int end = payload.writerIndex();
    long wide = ((long) mask << 32) | (mask & 0xFFFFFFFFL);
    int i = start;
    for (; i + 8 <= end; i += 8) {
      payload.setLong(i, payload.getLong(i) ^ wide);
    }
    for (; i < end; i++) {
      payload.setByte(i, payload.getByte(i) ^ (mask >>> (24 - 8 * ((i - start) & 3))));
    }
  }
}

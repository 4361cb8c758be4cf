package dev.chorus.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One text message on its way to many sockets, framed once: the complete server-to-client frame (header and
 * payload, unmasked, RFC 6455 §5.2) is built in one direct buffer the first time a socket writes it, and
 * every socket writes that buffer as is, straight to the channel below the frame encoder, through a retained
 * duplicate: the bytes are neither copied nor encoded again, but each duplicate is a small object of its own
 * (Netty 4.2's default allocator does not recycle them). A fan-out makes one, offers it to each socket, then
 * {@link #release releases} it; a socket whose write is still queued keeps its own reference.
 * <p>Sockets with permessage-deflate write a second variant, built the same way the first time one of them
 * writes it: the message compressed once by the event loop's {@link DeflateCodec}, without context, so the
 * same bytes are right for every such socket. When compressing does not make the message smaller, they write
 * the plain frame instead. Sockets without deflate never cause the compressed one to be built.
 * <p>Confined to the event loop of the fan-out; the sockets it is offered to live there too.
 */
public final class OutboundFrame {

  private static final int FIN_TEXT = 0x81;

  private final byte[] utf8;
  private ByteBuf framed;
  /** The compressed frame; null before it is tried, and after when compressing did not make it smaller. */
  private ByteBuf compressed;
  private boolean compressionTried;

  private OutboundFrame(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** A final text frame over {@code utf8}, which is shared, not copied, and must not change. */
  public static OutboundFrame text(byte[] utf8) {
    return new OutboundFrame(utf8);
  }

  /** The message's payload, for a socket that does not write frames itself or holds deliveries. */
  public byte[] utf8() {
    return utf8;
  }

  /** A reference of its own to the framed bytes, for one write; the frame is built on the first call. */
  ByteBuf retainedFrame(ByteBufAllocator allocator) {
    if (framed == null) {
      framed = frame(allocator, utf8);
    }
    return framed.retainedDuplicate();
  }

  /**
   * For a socket with permessage-deflate: a reference of its own to the compressed frame, compressed with
   * {@code deflate} (its event loop's) on the first call, or to the plain frame when compressing does not
   * make the message smaller or the message is longer than {@code longestCompressed} bytes.
   */
  ByteBuf retainedCompressedFrame(ByteBufAllocator allocator, DeflateCodec deflate, int longestCompressed) {
    if (utf8.length > longestCompressed) {
      return retainedFrame(allocator);
    }
    if (!compressionTried) {
      compressionTried = true;
      compressed = deflate.compressedTextFrame(allocator, utf8);
    }
    return compressed != null ? compressed.retainedDuplicate() : retainedFrame(allocator);
  }

  /** Ends the fan-out: the shared buffers are freed once the last queued write of them is done. */
  public void release() {
    if (framed != null) {
      framed.release();
      framed = null;
    }
    if (compressed != null) {
      compressed.release();
      compressed = null;
    }
  }

  /** The frame of one final text message: 2, 4 or 10 bytes of header, then the payload. */
  static ByteBuf frame(ByteBufAllocator allocator, byte[] payload) {
    return frame(allocator, FIN_TEXT, payload, payload.length);
  }

  /** A frame of {@code length} bytes of {@code payload}, its first byte {@code first} (FIN, RSV and opcode). */
  static ByteBuf frame(ByteBufAllocator allocator, int first, byte[] payload, int length) {
    return header(allocator, first, length).writeBytes(payload, 0, length);
  }

  /** A frame of {@code payload}'s readable bytes (its indexes are not moved), its first byte {@code first}. */
  static ByteBuf frame(ByteBufAllocator allocator, int first, ByteBuf payload) {
    int length = payload.readableBytes();
    return header(allocator, first, length).writeBytes(payload, payload.readerIndex(), length);
  }

  /** A buffer of exactly the frame's size holding its 2, 4 or 10 bytes of header. */
  private static ByteBuf header(ByteBufAllocator allocator, int first, int length) {
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf frame = allocator.directBuffer(header + length, header + length);
    frame.writeByte(first);
    if (length < 126) {
      frame.writeByte(length);
    } else if (length <= 0xFFFF) {
      frame.writeByte(126).writeShort(length);
    } else {
      frame.writeByte(127).writeLong(length);
    }
    return frame;
  }
}

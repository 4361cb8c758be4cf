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
 * <p>Confined to the event loop of the fan-out; the sockets it is offered to live there too.
 */
public final class OutboundFrame {

  private static final int FIN_TEXT = 0x81;

  private final byte[] utf8;
  private ByteBuf framed;

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

  /** Ends the fan-out: the shared buffer is freed once the last queued write of it is done. */
  public void release() {
    if (framed != null) {
      framed.release();
      framed = null;
    }
  }

  /** The frame of one final text message: 2, 4 or 10 bytes of header, then the payload. */
  static ByteBuf frame(ByteBufAllocator allocator, byte[] payload) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf frame = allocator.directBuffer(header + length, header + length);
    frame.writeByte(FIN_TEXT);
    if (length < 126) {
      frame.writeByte(length);
    } else if (length <= 0xFFFF) {
      frame.writeByte(126).writeShort(length);
    } else {
      frame.writeByte(127).writeLong(length);
    }
    return frame.writeBytes(payload);
  }
}

package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the compressed messages of one permessage-deflate connection (RFC 7692 §7.2.2: the payload with
 * 00 00 ff ff appended), in steps whose output never passes the size limit: a small message that inflates
 * to far more (a zip bomb) is refused with 1009 as soon as the limit is passed, the rest never inflated.
 * Data that is not deflate is refused with 1007 ({@link CloseCode#INVALID_COMPRESSED}).
 * <p>With the client's context takeover, each message may refer to the ones before, so the connection has an
 * Inflater of its own (about 40 KiB of native memory), made with its first compressed message and
 * {@link #end ended} with the connection. With client_no_context_takeover agreed, every message is inflated
 * afresh with the event loop's shared Inflater ({@link DeflateCodec#sharedInflater}), and the connection
 * holds none. Confined to the socket's event loop.
 */
final class MessageInflater {

  /** Why a message could not be inflated: the close code to answer it with. */
  static final class Refused extends Exception {
    private final CloseCode code;

    Refused(CloseCode code) {
      super(code.reason(), null, false, false);
      this.code = code;
    }

    CloseCode code() {
      return code;
    }
  }

  private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};

  private final int limit;
  private final DeflateCodec shared;
  private final boolean contextTakeover;
  private Inflater own;

  /** Messages up to {@code limit} bytes inflated; {@code contextTakeover} unless client_no_context_takeover was agreed. */
  MessageInflater(int limit, DeflateCodec shared, boolean contextTakeover) {
    this.limit = limit;
    this.shared = shared;
    this.contextTakeover = contextTakeover;
  }

  /**
   * The inflated message, a buffer of its own (the caller releases it); {@code compressed} is read, not
   * released. An empty payload is an empty message (and leaves the window as it was).
   */
  ByteBuf inflate(ByteBuf compressed) throws Refused {
    if (!compressed.isReadable()) {
      return Unpooled.EMPTY_BUFFER;
    }
    Inflater inflater = inflater();
    int initial = (int) Math.min(limit + 1L, Math.max(256L, 4L * compressed.readableBytes()));
    ByteBuf out = Unpooled.buffer(initial, limit + 1);
    try {
      if (compressed.hasArray()) {
        inflater.setInput(compressed.array(), compressed.arrayOffset() + compressed.readerIndex(), compressed.readableBytes());
      } else {
        inflater.setInput(compressed.nioBuffer());
      }
      inflateAll(inflater, out);
      return out;
    } catch (Refused | RuntimeException e) {
      out.release();
      throw e;
    }
  }

  private void inflateAll(Inflater inflater, ByteBuf out) throws Refused {
    boolean tail = false;
    while (true) {
      if (!out.isWritable()) {
        out.ensureWritable(1);
      }
      int remaining = inflater.getRemaining();
      int written;
      try {
        written = inflater.inflate(out.array(), out.arrayOffset() + out.writerIndex(), out.writableBytes());
      } catch (DataFormatException e) {
        throw new Refused(CloseCode.INVALID_COMPRESSED);
      }
      out.writerIndex(out.writerIndex() + written);
      if (out.readableBytes() > limit) {
        throw new Refused(CloseCode.MESSAGE_TOO_BIG);
      }
      if (inflater.finished()) {
        // A block with BFINAL set ended the client's stream: only the tail may follow it, and the next
        // message starts a stream of its own.
        if (!tail && inflater.getRemaining() > 0) {
          throw new Refused(CloseCode.INVALID_COMPRESSED);
        }
        inflater.reset();
        return;
      }
      if (inflater.needsInput()) {
        if (tail) {
          return;
        }
        inflater.setInput(TAIL);
        tail = true;
      } else if (inflater.needsDictionary() || (written == 0 && out.isWritable() && inflater.getRemaining() == remaining)) {
        // Neither output nor progress through the input: nothing more can come of this data.
        throw new Refused(CloseCode.INVALID_COMPRESSED);
      }
    }
  }

  private Inflater inflater() {
    if (!contextTakeover) {
      Inflater inflater = shared.sharedInflater();
      inflater.reset();
      return inflater;
    }
    if (own == null) {
      own = new Inflater(true);
    }
    return own;
  }

  /** Frees the connection's own Inflater, if it has one; call when the connection is gone. */
  void end() {
    if (own != null) {
      own.end();
      own = null;
    }
  }
}

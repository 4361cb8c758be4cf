package dev.chorus.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The permessage-deflate state one event loop shares among its sockets, so that a socket costs nothing for
 * it: the Deflater that compresses each outgoing message once for every deflate socket of the loop
 * ({@link OutboundFrame}), reset per message since every answer carries server_no_context_takeover; and the
 * Inflater of every client that agreed to client_no_context_takeover (reset per message, each message
 * inflated whole within one read). Made with the loop's first deflate socket (the Deflater with its first
 * compressed message: about 270 KiB of native memory, once per loop); its native memory is freed by the
 * JDK's cleaner once the transport is gone. Confined to the event loop.
 */
final class DeflateCodec {

  /** FIN, RSV1 (compressed) and the text opcode: the first byte of a compressed final text frame. */
  private static final int FIN_RSV1_TEXT = 0xC1;
  /** Messages up to this size are compressed through a scratch array kept for the next one. */
  private static final int KEPT_SCRATCH = 64 * 1024;

  private final EventExecutor loop;
  private Deflater deflater;
  private Inflater inflater;
  private byte[] scratch = new byte[0];

  DeflateCodec(EventExecutor loop) {
    this.loop = loop;
  }

  boolean runsOn(EventExecutor executor) {
    return loop == executor;
  }

  /**
   * The complete frame of one final text message over {@code payload}, compressed on its own (RFC 7692 §7.2.1:
   * deflated with a sync flush and the trailing 00 00 ff ff dropped; RSV1 set), in a direct buffer of its own;
   * null when compressing does not make the payload smaller (the message then goes out uncompressed, which
   * §6 allows per message). Control frames never come here.
   */
  ByteBuf compressedTextFrame(ByteBufAllocator allocator, byte[] payload) {
    // Smaller means at most payload.length - 1 bytes once the 4-byte tail is dropped: output that fills
    // payload.length + 4 bytes is not worth finishing.
    int room = payload.length + 4;
    byte[] out = room <= scratch.length ? scratch : new byte[room];
    if (room <= KEPT_SCRATCH && out != scratch) {
      scratch = out;
    }
    Deflater compressor = deflater();
    int written;
    try {
      compressor.setInput(payload);
      written = compressor.deflate(out, 0, room, Deflater.SYNC_FLUSH);
    } finally {
      compressor.reset();
    }
    if (written >= room || !endsWithEmptyStoredBlock(out, written)) {
      return null;
    }
    return OutboundFrame.frame(allocator, FIN_RSV1_TEXT, out, written - 4);
  }

  private static boolean endsWithEmptyStoredBlock(byte[] out, int written) {
    return written >= 4 && out[written - 4] == 0 && out[written - 3] == 0 && out[written - 2] == (byte) 0xFF
      && out[written - 1] == (byte) 0xFF;
  }

  private Deflater deflater() {
    if (deflater == null) {
      deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }
    return deflater;
  }

  /** The loop's Inflater for clients without context takeover; reset it before each message. */
  Inflater sharedInflater() {
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    return inflater;
  }
}

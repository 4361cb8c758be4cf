package dev.chorus.support;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A permessage-deflate client's side of RFC 7692 §7.2, with java.util.zip: messages compressed as a client
 * sends them, and the server's messages inflated. Stateless; a Deflater passed in is the caller's.
 */
public final class Deflate {

  private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};

  private Deflate() {
  }

  /** A raw-deflate compressor (nowrap), as a client keeps one per connection for its context takeover. */
  public static Deflater compressor() {
    return new Deflater(Deflater.DEFAULT_COMPRESSION, true);
  }

  /**
   * {@code message} compressed with {@code deflater}, flushed (SYNC_FLUSH) and without the trailing
   * 00 00 ff ff: the payload of a compressed frame. The deflater keeps its window for the next message
   * (context takeover) unless the caller resets it.
   */
  public static byte[] compress(Deflater deflater, byte[] message) {
    deflater.setInput(message);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int written;
    do {
      written = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
      out.write(chunk, 0, written);
    } while (written == chunk.length);
    byte[] all = out.toByteArray();
    if (all.length < 4 || !Arrays.equals(Arrays.copyOfRange(all, all.length - 4, all.length), TAIL)) {
      throw new IllegalStateException("a sync flush ends with 00 00 ff ff");
    }
    return Arrays.copyOf(all, all.length - 4);
  }

  /** {@code message} compressed on its own, as without context takeover. */
  public static byte[] compress(byte[] message) {
    Deflater deflater = compressor();
    try {
      return compress(deflater, message);
    } finally {
      deflater.end();
    }
  }

  /** A compressed payload inflated on its own (with the tail appended), as a server message without context takeover. */
  public static byte[] inflate(byte[] payload) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(RawWebSocket.concat(payload, TAIL));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      while (!inflater.needsInput() && !inflater.finished()) {
        out.write(chunk, 0, inflater.inflate(chunk));
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new AssertionError("not a deflate payload", e);
    } finally {
      inflater.end();
    }
  }
}

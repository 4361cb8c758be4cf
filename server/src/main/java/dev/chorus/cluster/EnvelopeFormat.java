package dev.chorus.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The bytes of an {@link Envelope} before sealing: the sealing time (epoch milliseconds, 8 bytes), the header
 * count (1 byte), each header as name length (1 byte), name, value length (2 bytes), value, then the body to
 * the end. Stateless.
 */
final class EnvelopeFormat {

  /** An envelope with its sealing time, as read back. */
  record Timed(long sealedAtMillis, Envelope envelope) {
  }

  /** The bytes could not be an envelope. */
  static final class Malformed extends Exception {
    Malformed() {
      super("malformed", null, false, false);
    }
  }

  private EnvelopeFormat() {
  }

  static byte[] write(Envelope envelope, long sealedAtMillis) {
    int size = 9 + envelope.body().length;
    byte[][] names = new byte[envelope.headers().size()][];
    byte[][] values = new byte[names.length][];
    int i = 0;
    for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
      names[i] = header.getKey().getBytes(StandardCharsets.UTF_8);
      values[i] = header.getValue().getBytes(StandardCharsets.UTF_8);
      if (names[i].length > 255 || values[i].length > 65535) {
        throw new IllegalArgumentException("header " + header.getKey() + " is too long");
      }
      size += 3 + names[i].length + values[i].length;
      i++;
    }
    byte[] out = new byte[size];
    int at = putLong(out, 0, sealedAtMillis);
    out[at++] = (byte) names.length;
    for (i = 0; i < names.length; i++) {
      out[at++] = (byte) names[i].length;
      System.arraycopy(names[i], 0, out, at, names[i].length);
      at += names[i].length;
      out[at++] = (byte) (values[i].length >>> 8);
      out[at++] = (byte) values[i].length;
      System.arraycopy(values[i], 0, out, at, values[i].length);
      at += values[i].length;
    }
    System.arraycopy(envelope.body(), 0, out, at, envelope.body().length);
    return out;
  }

  static Timed read(byte[] bytes, int offset) throws Malformed {
    try {
      long sealedAt = 0;
      int at = offset;
      for (int i = 0; i < 8; i++) {
        sealedAt = (sealedAt << 8) | (bytes[at++] & 0xff);
      }
      int count = bytes[at++] & 0xff;
      @SuppressWarnings("unchecked")
      Map.Entry<String, String>[] headers = new Map.Entry[count];
      for (int i = 0; i < count; i++) {
        int nameLength = bytes[at++] & 0xff;
        String name = new String(bytes, at, nameLength, StandardCharsets.UTF_8);
        at += nameLength;
        int valueLength = ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
        at += 2;
        if (at + valueLength > bytes.length) {
          throw new Malformed();
        }
        headers[i] = Map.entry(name, new String(bytes, at, valueLength, StandardCharsets.UTF_8));
        at += valueLength;
      }
      byte[] body = new byte[bytes.length - at];
      System.arraycopy(bytes, at, body, 0, body.length);
      return new Timed(sealedAt, new Envelope(Map.ofEntries(headers), body));
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      // Cut short, or a header named twice.
      throw new Malformed();
    }
  }

  private static int putLong(byte[] out, int at, long value) {
    for (int i = 7; i >= 0; i--) {
      out[at++] = (byte) (value >>> (8 * i));
    }
    return at;
  }
}
